"""A reviewer's form post once its link and CSRF token are checked (built by `deps.reviewer_post`,
read by the route and, when the domain refuses it, by the error handler)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from starlette.datastructures import FormData, UploadFile

from review.reviewing.form import ReviewInput
from review.reviewing.links import OpenedAssignment

ErrorField = Literal["form", "reason", "upload"]


def reviewer_actor(reviewer_id: int) -> str:
    """Who a reviewer's post is recorded as having been made by (events' `actor`)."""
    return f"reviewer:{reviewer_id}"


@dataclass
class ReviewerPost:
    """`assignment` is the one the link opens (read in the request's session); `lang` the
    page's language from the form. When the domain refuses the post, the form page shows the
    error next to `error_field` and shows `data` (the reviewer's input) again."""

    token: str
    assignment: OpenedAssignment
    assignment_id: int
    form: FormData
    lang: str
    error_field: ErrorField = "form"
    data: ReviewInput | None = None

    @property
    def actor(self) -> str:
        return reviewer_actor(self.assignment.reviewer_id)

    @property
    def submits(self) -> bool:
        return self.form.get("action") == "submit"

    def text(self, name: str) -> str:
        """A text field of the form ('' when missing or a file)."""
        value = self.form.get(name)
        return value if isinstance(value, str) else ""

    def file(self, name: str) -> UploadFile | None:
        value = self.form.get(name)
        return value if isinstance(value, UploadFile) else None
