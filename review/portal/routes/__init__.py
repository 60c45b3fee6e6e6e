"""The portal's routes, one router per audience: anyone (`public`), reviewers (`reviewer`,
`review_form`, `decisions`, `downloads`), municipalities (`upload`, `reply`) and coordinators
(`coordinator`). Each route reads its
request through the dependencies in `review.portal.deps`, calls the domain and picks the page;
refusals are raised and turned into pages in `review.portal.errors`."""

from review.portal.routes import (
    coordinator,
    decisions,
    downloads,
    public,
    reply,
    review_form,
    reviewer,
    upload,
)

ROUTERS = (
    public.router,
    reviewer.router,
    review_form.router,
    decisions.router,
    downloads.router,
    upload.router,
    reply.router,
    coordinator.router,
)
