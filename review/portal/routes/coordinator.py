"""The coordinator's round page (`/c/{token}`), opened through a personal coordinator link
(review.coordinator.access): where each plan and reviewer stands, the intake's findings, every
document of the round to download, and the local mailbox's messages of the round; buttons for
the most used controls on one review (extend its due date, a new personal link, remind now:
review.coordinator.controls) and the approval of the proposed reviewers
(review.lifecycle.approve_proposal), or solving again without one of them or with a reviewer
pinned on a plan (leave_out, pin), posted with the CSRF check. Pages are in the round's language
unless `?lang=` asks for another."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter, BackgroundTasks
from sqlmodel import Session
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response

from review import lifecycle, storage
from review.assignment import service
from review.config import Settings
from review.coordinator import controls, mailbox
from review.coordinator.artifacts import APPROVAL_SAID, approval_outcome
from review.coordinator.controls import ACTOR, Target
from review.coordinator.round_page import LINK_STATES, output_folder, round_page
from review.errors import InvalidInput, NotFound, PeerplanError, Refused
from review.i18n import N_, pick_language, state_name, translator
from review.models import MAX_ID, Round
from review.notify.context import rubric_title
from review.portal.deps import CoordinatorRound, PagesDep, PostedForm, SessionDep, SettingsDep
from review.portal.pages import Pages, finding_view, request_lang, say
from review.progress_report import PLAN_STATES
from review.rounds import NEW_DUE_DATE, parse_date
from review.states import IllegalTransition, StaleVersion

router = APIRouter()


@router.get("/c/{token}")
def show_round(
    request: Request,
    token: str,
    round_: CoordinatorRound,
    session: SessionDep,
    settings: SettingsDep,
    pages: PagesDep,
) -> Response:
    lang = request_lang(request, round_.language)
    key = request.query_params.get("done", "")
    done = DONE.get(key) or APPROVED.get(key)
    number = _page_number(request.query_params.get("page"))
    raw_pin = request.query_params.get("pin", "")  # the plan whose choice to pin is open
    pinning = int(raw_pin) if raw_pin.isdigit() and len(raw_pin) < 12 else None
    return _page(
        request, token, round_, session, settings, pages, lang, number, done=done, pinning=pinning
    )


def _page_number(raw: object) -> int:
    """The page of plans asked for: a number from 1, anything else the first page."""
    text = raw if isinstance(raw, str) else ""
    return int(text) if text.isdigit() and 0 < len(text) < 6 and int(text) > 0 else 1


def _page(
    request: Request,
    token: str,
    round_: Round,
    session: Session,
    settings: Settings,
    pages: Pages,
    lang: str,
    number: int = 1,
    status: int = 200,
    *,
    done: str | None = None,
    error: str | None = None,
    pinning: int | None = None,
) -> Response:
    """The round page; `pinning`: the plan whose choice of reviewers to pin is open (one at a
    time: a round of 1,000 plans has 2,000 reviewers, and each plan's list of them on every
    page made a page of 100 plans megabytes)."""
    page = round_page(session, settings, round_)
    number = min(number, page.plan_pages)
    shown = page.plans_on(number)
    findings = {p.plan_id: [finding_view(f, lang) for f in p.findings] for p in shown}
    proposed_here = {x.plan_id for x in page.proposed_on(number)}
    pinnable = service.pin_choices(session, round_, proposed_here & {pinning})
    return pages.render(
        request,
        "round.html",
        lang,
        status,
        token=token,
        page=page,
        number=number,
        shown=shown,
        findings=findings,
        pin_choices=pinnable,
        mail=mailbox.round_mail(session, settings, round_),
        done=translator(lang).gettext(done) if done else "",
        error=error,
        plan_states=PLAN_STATES,
        link_states=LINK_STATES,
        rubric_title=rubric_title,
        controls=True,
    )


@router.get("/c/{token}/files/{folder}/{name}")
def download(
    token: str, folder: str, name: str, round_: CoordinatorRound, settings: SettingsDep
) -> Response:
    """A document of the round: a plan's edition, the summary, an export, a PDF copy."""
    try:
        path = storage.open_output(output_folder(settings, round_), f"{folder}/{name}")
    except InvalidInput:
        raise HTTPException(404) from None
    media = storage.OUTPUT_TYPES.get(path.suffix, "application/octet-stream")
    return FileResponse(path, media_type=media, filename=path.name)


@router.get("/c/{token}/mail/{name}")
def mail(
    request: Request,
    token: str,
    name: str,
    round_: CoordinatorRound,
    session: SessionDep,
    settings: SettingsDep,
    pages: PagesDep,
) -> Response:
    """One message of the round in the local mailbox, as text."""
    lang = request_lang(request, round_.language)
    try:
        message = mailbox.read_mail(session, settings, round_, name)
    except NotFound:
        raise HTTPException(404) from None
    return pages.render(request, "mail.html", lang, token=token, round=round_, m=message)


# --------------------------------------------------------------------------- the buttons

#: What the page says after a control worked (`?done=`).
DONE = {
    "extend": N_("The due date was changed; the reviewer is told."),
    "link": N_("A new personal link was sent; the earlier one no longer works."),
    "remind": N_("A reminder was sent."),
}


def _control(
    request: Request,
    token: str,
    action: str,
    assignment_id: int,
    form: FormData,
    round_: Round,
    session: Session,
    settings: Settings,
    pages: Pages,
    background: BackgroundTasks,
) -> Response:
    """Run one of the page's controls on one review of the round; back to the page with what
    happened, or the page again with why not (nothing written then)."""
    raw_lang = form.get("lang")
    lang = pick_language(raw_lang if isinstance(raw_lang, str) else None, round_.language)
    number = _page_number(form.get("page"))  # back to the page of plans the button was on
    if not 1 <= assignment_id <= MAX_ID:
        raise HTTPException(404)
    target = Target(assignment_id=assignment_id)
    try:
        controls.review_of(session, round_, assignment_id)
    except NotFound:
        raise HTTPException(404) from None  # not a review of this round: as a bad link
    try:
        if action == "extend":
            raw = form.get("due_date")
            due = parse_date(raw if isinstance(raw, str) else "", NEW_DUE_DATE)
            allow_past = form.get("allow_past") == "1"
            controls.extend_deadline(session, settings, round_, due, target, allow_past=allow_past)
        elif action == "link":
            controls.new_link(session, settings, round_, target)
        else:
            controls.remind_now(session, settings, round_, target)
    except (PeerplanError, StaleVersion, IllegalTransition) as exc:
        session.rollback()
        t = translator(lang)
        error = t.gettext("That did not work: %(why)s") % {"why": _why(exc, lang)}
        return _page(
            request, token, round_, session, settings, pages, lang, number, 422, error=error
        )
    background.add_task(request.app.state.send_now, settings)  # after the commit
    url = f"/c/{token}?lang={lang}&page={number}&done={action}#assignment-{assignment_id}"
    return RedirectResponse(url, status_code=303)


#: What the page says after its approval button (`?done=approve-<outcome>`) and after the
#: round was solved again without a proposed reviewer or with a pinned one.
APPROVED = {f"approve-{outcome}": said for outcome, said in APPROVAL_SAID.items()} | {
    "leave-out": N_(
        "Solved again without that reviewer on that plan. Look at the new proposal before you "
        "approve it."
    ),
    "pin": N_(
        "Solved again with that reviewer on that plan. Look at the new proposal before you "
        "approve it."
    ),
}


@router.post("/c/{token}/approve")
def approve(
    request: Request,
    token: str,
    round_: CoordinatorRound,
    form: PostedForm,
    session: SessionDep,
    settings: SettingsDep,
    pages: PagesDep,
) -> Response:
    """Approve the proposed reviewers the page showed (review.lifecycle.approve_proposal);
    back to the page with what happened, or the page again with why not."""
    raw_lang, shown = form.get("lang"), form.get("proposal")
    lang = pick_language(raw_lang if isinstance(raw_lang, str) else None, round_.language)
    number = _page_number(form.get("page"))
    try:
        approval = lifecycle.approve_proposal(
            session, round_, actor=ACTOR, shown=shown if isinstance(shown, str) else ""
        )
    except (PeerplanError, StaleVersion) as exc:
        session.rollback()
        error = translator(lang).gettext("That did not work: %(why)s") % {"why": _why(exc, lang)}
        return _page(
            request, token, round_, session, settings, pages, lang, number, 422, error=error
        )
    outcome = approval_outcome(approval)
    return RedirectResponse(
        f"/c/{token}?lang={lang}&page={number}&done=approve-{outcome}#done", status_code=303
    )


@router.post("/c/{token}/proposed/{assignment_id}/leave-out")
def leave_out(
    request: Request,
    token: str,
    assignment_id: int,
    round_: CoordinatorRound,
    form: PostedForm,
    session: SessionDep,
    settings: SettingsDep,
    pages: PagesDep,
) -> Response:
    """Solve again without one proposed reviewer on its plan (review.lifecycle.leave_out); back
    to the page with the new proposal, or the page again with why not (the proposal stands)."""
    if not 1 <= assignment_id <= MAX_ID:
        raise HTTPException(404)

    def bad_link() -> None:
        try:
            controls.review_of(session, round_, assignment_id)
        except NotFound:
            raise HTTPException(404) from None  # not a review of this round: as a bad link

    def solve(shown: str | None) -> None:
        lifecycle.leave_out(session, round_, assignment_id, actor=ACTOR, shown=shown)

    return _solve_again(
        request, token, round_, form, session, settings, pages, "leave-out", solve, bad_link
    )


@router.post("/c/{token}/plans/{plan_id}/pin")
def pin(
    request: Request,
    token: str,
    plan_id: int,
    round_: CoordinatorRound,
    form: PostedForm,
    session: SessionDep,
    settings: SettingsDep,
    pages: PagesDep,
) -> Response:
    """Solve again with the reviewer chosen (`choice`: "<reviewer id>:<rubric>") pinned on the
    plan (review.lifecycle.pin); back to the page with the new proposal, or the page again with
    why not (the proposal stands)."""
    if not 1 <= plan_id <= MAX_ID:
        raise HTTPException(404)
    raw = form.get("choice")
    reviewer, _, rubric = (raw if isinstance(raw, str) else "").partition(":")

    def solve(shown: str | None) -> None:
        if not (reviewer.isdigit() and 0 < len(reviewer) < 12 and rubric):
            raise Refused(N_("choose the reviewer to pin on the plan."))
        lifecycle.pin(session, round_, plan_id, int(reviewer), rubric, actor=ACTOR, shown=shown)

    return _solve_again(
        request, token, round_, form, session, settings, pages, "pin", solve, pinning=plan_id
    )


def _solve_again(
    request: Request,
    token: str,
    round_: Round,
    form: FormData,
    session: Session,
    settings: Settings,
    pages: Pages,
    done: str,
    solve: Callable[[str | None], None],
    bad_link: Callable[[], None] = lambda: None,
    *,
    pinning: int | None = None,
) -> Response:
    """Solve the round again as the proposal's control asks (`solve`, given the proposal mark
    the page posted); back to the page's proposal with `done` said, or the page again with why
    not (nothing written; `pinning`: the plan whose choice stays open). First: a second click
    on a page whose proposal is gone (its pair deleted with it) is told to reload, not shown a
    bad link (`bad_link` raises that)."""
    raw_lang, raw_shown = form.get("lang"), form.get("proposal")
    lang = pick_language(raw_lang if isinstance(raw_lang, str) else None, round_.language)
    number = _page_number(form.get("page"))
    shown = raw_shown if isinstance(raw_shown, str) else None

    def refused(exc: PeerplanError) -> Response:
        session.rollback()
        error = translator(lang).gettext("That did not work: %(why)s") % {"why": _why(exc, lang)}
        return _page(
            request,
            token,
            round_,
            session,
            settings,
            pages,
            lang,
            number,
            422,
            error=error,
            pinning=pinning,
        )

    try:
        lifecycle.approving.check_shown(session, round_, shown)
    except PeerplanError as exc:
        return refused(exc)
    bad_link()
    try:
        solve(shown)
    except PeerplanError as exc:
        return refused(exc)
    return RedirectResponse(
        f"/c/{token}?lang={lang}&page={number}&done={done}#proposal", status_code=303
    )


def _why(exc: Exception, lang: str) -> str:
    """Why a control was refused, in the page's language (#13 follow-up: it was English)."""
    if isinstance(exc, StaleVersion):  # another click or the hourly run came first
        return translator(lang).gettext(STALE)
    if isinstance(exc, IllegalTransition):
        return translator(lang).gettext(NOT_NOW) % {
            "state": state_name(translator(lang), exc.current)
        }
    return say(exc, lang)


STALE = N_("this review was changed meanwhile; reload the page and try again.")
NOT_NOW = N_("a review that is %(state)s cannot take this any more; reload the page.")


def _route(action: str):
    def control(
        request: Request,
        token: str,
        round_: CoordinatorRound,
        assignment_id: int,
        form: PostedForm,
        session: SessionDep,
        settings: SettingsDep,
        pages: PagesDep,
        background: BackgroundTasks,
    ) -> Response:
        return _control(
            request,
            token,
            action,
            assignment_id,
            form,
            round_,
            session,
            settings,
            pages,
            background,
        )

    control.__name__ = f"control_{action}"
    return control


for _action in DONE:  # one route per button: /c/{token}/a/{id}/extend, /link, /remind
    router.post(f"/c/{{token}}/a/{{assignment_id}}/{_action}")(_route(_action))
