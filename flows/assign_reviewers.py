"""Prefect flow `assign_reviewers`: propose the round's assignment, show it as a table artifact,
and pause until the coordinator approves it in the Prefect UI, or rejects it with pairs to pin
or forbid, after which it re-solves and asks again. Only approved assignments are invited.

The coordinator decides explicitly in the Resume form: approve; solve again with pins and
forbids; or stop. Nothing is preselected, and "solve again" without a change is refused with a
note (the same problem gives the same answer).

Or the coordinator approves elsewhere: on the round page or with `peerplan approve`, which
know nothing of Prefect runs. While paused, the run looks every `poll_seconds`
(review.lifecycle.approved_since) whether the proposal it showed was approved since; if so it
resumes its own pause through the Prefect API with approve and goes on exactly as if approved
in its form (its round run then invites), without approving twice, and logs where and by whom
(the approval event's actor) in the coordinator's language. A proposal solved again elsewhere
is not an approved one: the run waits on, and its form's answers work as before. Once the
proposal it showed was approved elsewhere, that approval stands whatever the form says.
Why a watcher thread and not pausing in short slices: see `_resumed_when_approved_elsewhere`.
The form's approve approves only the proposal the run showed (its mark, as the round page's
button): when it was solved again elsewhere meanwhile (leave out or pin on the round page),
nothing is approved; the run reads the proposal as it stands, shows its table again, logs
where and by whom it was changed, and asks about the new one (a new pause key).

Pause, not suspend. `pause_flow_run(wait_for_input=ApprovalInput)` keeps this process alive and
polling (every `poll_seconds`) until the answer or `approval_timeout_hours`; nothing has to be
persisted and the flow continues exactly where it stopped. The price: the worker process stays
busy while the coordinator thinks, and if it dies during the pause the run is lost (a zombie
after resume). A coordinator may well take a day, so the timeout is a parameter (default 24 h);
on timeout the run fails and the proposal stays in the database, unapproved: run the flow again
(same proposal, nothing changes), approve it with `peerplan approve` or on the round page.
`suspend_flow_run` would free the process and can wait for days, but it needs a deployment and
persisted results, and on resume the flow re-runs from the top in a new process: tolerable here
because `service.propose` is idempotent, but not worth it for an answer that usually comes the
same day. Revisit when coordinators routinely take longer than a worker can wait.

`auto_approve` approves the first feasible proposal without pausing (demos, tests, scripts).
Thin: the rules live in review.assignment.service; the approval is
review.lifecycle.approve_proposal, as on the CLI and the round page.
"""

from __future__ import annotations

import contextvars
import enum
import itertools
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.context import FlowRunContext
from prefect.exceptions import NotPausedError
from prefect.flow_runs import pause_flow_run, resume_flow_run
from prefect.input import RunInput
from pydantic import Field

from flows.artifacts import (
    artifact_key,
    errors_said,
    publish_round_progress,
    round_translator,
    run_name,
)
from flows.forms import FORM_CONFIG, Form, optional
from review import lifecycle
from review.assignment import service
from review.assignment.budget import DEFAULT_BUDGET
from review.assignment.table import proposal_table
from review.config import load_settings
from review.coordinator import artifacts, run_log
from review.coordinator.language import coordinator_language
from review.db import get_engine, session_scope
from review.errors import InvalidInput
from review.i18n import Translator, said, translator
from review.rounds import get_round

if TYPE_CHECKING:
    from sqlmodel import Session

    from review.models import Round

ACTOR = "flow:assign_reviewers"


class Pair(Form):
    """A reviewer and a plan, by the ids in the table / Gutachter:in und Plan, IDs wie in der
    Tabelle."""

    reviewer_id: int = Field(description="Reviewer id / Gutachter:in-ID")
    plan_id: int = Field(description="Plan id / Plan-ID")
    rubric: str | None = optional(
        "technical or communication; empty: either / technical oder communication; leer: beide"
    )


class Decision(enum.StrEnum):
    approve = "approve"
    solve_again = "solve again"
    stop = "stop"


class ApprovalInput(RunInput):
    """Your decision on the proposed reviewers / Ihre Entscheidung zu den vorgeschlagenen
    Gutachter:innen."""

    model_config = FORM_CONFIG

    decision: Decision = Field(
        title="Decision / Entscheidung",
        description="approve: these reviewers, invitations may go out; solve again: with the "
        "pairs to pin and forbid below; stop: end this run, nothing approved / "
        "approve: freigeben, Einladungen dürfen raus; solve again: neu lösen mit den Paaren "
        "unten; stop: Lauf beenden, nichts freigegeben",
    )
    pin: list[Pair] = Field(
        default_factory=list,
        description="Pairs that must be in the assignment (solve again) / "
        "Paare, die zugeteilt werden müssen (neu lösen)",
    )
    forbid: list[Pair] = Field(
        default_factory=list,
        description="Pairs that must not be in it (solve again) / "
        "Paare, die nicht zugeteilt werden dürfen (neu lösen)",
    )
    note: str = Field(default="", description="Note for the audit log / Notiz für das Protokoll")


class AssignRequest(Form):
    """Propose reviewers and ask for your approval / Gutachter:innen vorschlagen und freigeben
    lassen."""

    round_name: str = Field(description="The review round / Die Begutachtungsrunde")
    auto_approve: bool = Field(
        default=False,
        description="Approve the proposal without asking (demos, scripts) / "
        "Vorschlag ohne Rückfrage freigeben (Demos, Skripte)",
    )
    approval_timeout_hours: float = Field(
        default=24,
        gt=0,
        description="Hours to wait for your decision before this run ends / "
        "Stunden, die dieser Lauf auf Ihre Entscheidung wartet",
    )
    poll_seconds: int = Field(
        default=10,
        ge=1,
        description="Seconds between two looks at the decision form (not a deadline) / "
        "Sekunden zwischen zwei Blicken auf das Formular (keine Frist)",
    )
    max_revisions: int = Field(
        default=10,
        ge=0,
        description="How often you may ask to solve again in this run / "
        "Wie oft in diesem Lauf neu gelöst werden darf",
    )
    budget_seconds: float = Field(
        default=DEFAULT_BUDGET,
        gt=0,
        description="Seconds the solver may take; then the best answer found, with its gap / "
        "Sekunden, die der Solver rechnen darf; danach die beste Lösung mit ihrer Lücke",
    )


def assignment_artifact_key(round_name: str) -> str:
    return artifact_key("assign-reviewers", round_name)


@task(cache_policy=NO_CACHE)
def propose(
    round_name: str, pinned: list[tuple], forbidden: list[tuple], budget: float = DEFAULT_BUDGET
) -> dict[str, Any]:
    settings = load_settings()
    log = get_run_logger()
    with session_scope(get_engine(settings)) as session:
        round_ = get_round(session, round_name)
        language = coordinator_language(settings, round_.language)
        t = translator(language)
        proposal = service.propose(
            session,
            round_,
            pinned=pinned,
            forbidden=forbidden,
            actor=ACTOR,
            budget=budget,
            progress=lambda line: log.info(said(t, line)),  # in the round's language
        )
        return _summary(session, round_, proposal, language)


@task(cache_policy=NO_CACHE)
def standing(round_name: str) -> dict[str, Any]:
    """The round's proposal as it stands, read, not solved (solved again elsewhere since this
    run showed its own), with who solved it: review.assignment.service.standing."""
    settings = load_settings()
    with session_scope(get_engine(settings)) as session:
        round_ = get_round(session, round_name)
        language = coordinator_language(settings, round_.language)
        by = lifecycle.solved_again(session, round_)
        return {
            **_summary(session, round_, service.standing(session, round_), language),
            "solved_by": by.actor if by else None,
            "solved_at": by.at if by else None,
        }


def _summary(
    session: Session, round_: Round, proposal: service.Proposal, language: str
) -> dict[str, Any]:
    rows = proposal_table(session, proposal)
    return {
        "language": language,
        "status": proposal.status,
        "objective": proposal.objective,
        "reasons": proposal.reasons,
        "rows": rows,
        "created": proposal.created,
        "updated": proposal.updated,
        "removed": proposal.removed,
        "method": proposal.method,
        "found": proposal.found,
        "quality": proposal.quality(),
        "sentence": artifacts.proposal_sentence(
            proposal.status, proposal.gap, rows, translator(language)
        )
        if proposal.found
        else "",
        "pinned": proposal.pinned,
        "forbidden": proposal.forbidden,
        # what the coordinator is asked to approve, to tell an approval made elsewhere
        "shown": lifecycle.shown_proposal(session, round_),
    }


@task(cache_policy=NO_CACHE)
def approve(round_name: str, note: str, shown: str | None = None) -> int | None:
    """Approve the round's proposal; with `shown` (its `proposal_mark` as this run showed it)
    only that one: None when another one waits now (solved again elsewhere, ProposalChanged),
    and nothing was approved."""
    settings = load_settings()
    try:
        with session_scope(get_engine(settings)) as session:
            approval = lifecycle.approve_proposal(
                session,
                get_round(session, round_name),
                actor=f"{ACTOR}{': ' + note if note else ''}",
                shown=shown,
            )
            return len(approval.approved)
    except lifecycle.ProposalChanged:
        return None


def approved_elsewhere(
    round_name: str, shown: lifecycle.ShownProposal
) -> lifecycle.ApprovedElsewhere | None:
    """The approval of the proposal shown made since, outside this run (none while it waits, or
    when it was only solved again): review.lifecycle.approved_since."""
    with session_scope(get_engine(load_settings())) as session:
        return lifecycle.approved_since(session, get_round(session, round_name), shown)


def _publish(round_name: str, summary: dict[str, Any]) -> None:
    key = assignment_artifact_key(round_name)
    t = translator(summary["language"])
    if summary["found"]:
        create_table_artifact(
            key=key,
            table=artifacts.proposal_rows(summary["rows"], t),
            description=artifacts.proposal_description(summary["sentence"], t),
        )
    else:
        create_markdown_artifact(
            key=key, markdown=artifacts.no_assignment_markdown(summary["reasons"], t)
        )


def _pairs(items: list[Pair]) -> list[tuple]:
    return [
        (p.reviewer_id, p.plan_id, p.rubric) if p.rubric else (p.reviewer_id, p.plan_id)
        for p in items
    ]


@flow(name="assign_reviewers", flow_run_name=run_name("assignment"), log_prints=False)
@errors_said
def assign_reviewers(request: AssignRequest) -> dict[str, Any]:
    log = get_run_logger()
    pinned: list[tuple] = []
    forbidden: list[tuple] = []
    added = (0, 0)  # pins and forbids of the last answer, dropped if they make it infeasible
    for revision in range(request.max_revisions + 1):
        summary = propose(request.round_name, pinned, forbidden, request.budget_seconds)
        _publish(request.round_name, summary)
        t = translator(summary["language"])
        if not summary["found"]:
            if revision == 0:
                raise InvalidInput(run_log.no_assignment(summary["reasons"], t))
            log.warning(run_log.infeasible_after_answer(summary["reasons"], t))
            description = artifacts.infeasible_question(summary["reasons"], t)
            pinned, forbidden = (
                pinned[: len(pinned) - added[0]],
                forbidden[: len(forbidden) - added[1]],
            )
            summary = propose(request.round_name, pinned, forbidden, request.budget_seconds)
            _publish(request.round_name, summary)
        else:
            description = artifacts.approval_question(
                request.round_name,
                summary["sentence"],
                assignment_artifact_key(request.round_name),
                translator(summary["language"]),
            )
        if request.auto_approve:
            approved = approve(request.round_name, "auto")
            publish_round_progress(request.round_name, ["assign", "approve"])
            return {**_result(summary), "approved": approved, "revisions": revision}
        for changed in itertools.count():
            key = f"approval-{revision}" + (f"-changed-{changed}" if changed else "")
            answer = _decision(request, description, key, summary["shown"], t)
            elsewhere = approved_elsewhere(request.round_name, summary["shown"])
            if elsewhere is not None:
                # Approved on the round page or the command line meanwhile (the watcher resumed
                # the pause, or the form's answer came after it): that approval stands, whatever
                # the form said, and is not made twice.
                log.info(
                    run_log.approved_elsewhere(elsewhere.count, elsewhere.actor, elsewhere.at, t)
                )
                publish_round_progress(request.round_name, ["assign", "approve"])
                return {
                    **_result(summary),
                    "approved": elsewhere.count,
                    "revisions": revision,
                    "approved_by": elsewhere.actor,
                }
            if answer.decision != Decision.approve:
                break
            # Only the proposal this run showed: one solved again on the round page since
            # was never shown here.
            approved = approve(request.round_name, answer.note, summary["shown"].mark)
            if approved is not None:
                log.info(run_log.approved(approved, t))
                publish_round_progress(request.round_name, ["assign", "approve"])
                return {**_result(summary), "approved": approved, "revisions": revision}
            summary = standing(request.round_name)
            log.warning(run_log.proposal_changed(summary["solved_by"], summary["solved_at"], t))
            _publish(request.round_name, summary)
            # what it was solved with holds when the coordinator solves again in the form
            pinned, forbidden, added = summary["pinned"], summary["forbidden"], (0, 0)
            description = artifacts.approval_question(
                request.round_name,
                summary["sentence"],
                assignment_artifact_key(request.round_name),
                t,
            )
        if answer.decision == Decision.stop:
            log.info(run_log.stopped(t))
            return {**_result(summary), "approved": 0, "revisions": revision, "stopped": True}
        added = (len(answer.pin), len(answer.forbid))
        pinned += _pairs(answer.pin)
        forbidden += _pairs(answer.forbid)
        log.info(run_log.solving_again(len(pinned), len(forbidden), t))
    t = round_translator(request.round_name)
    raise InvalidInput(run_log.no_approval(request.max_revisions, t))


def _decision(
    request: AssignRequest,
    description: str,
    key: str,
    shown: lifecycle.ShownProposal,
    t: Translator,
) -> ApprovalInput:
    """The coordinator's answer; 'solve again' without a change is asked again, because the
    same problem gives the same answer. Each question has its own pause key (`key`, then
    `key-1`, ...: a used key does not pause again). While paused, an approval made elsewhere
    answers approve (see `_resumed_when_approved_elsewhere`)."""
    unchanged = artifacts.nothing_changed_notice(t)
    for attempt in itertools.count():
        with _resumed_when_approved_elsewhere(request, shown, t):
            answer = pause_flow_run(
                wait_for_input=ApprovalInput.with_initial_data(
                    description=(unchanged if attempt else "") + description
                ),
                timeout=int(request.approval_timeout_hours * 3600),
                poll_interval=request.poll_seconds,
                key=key + (f"-{attempt}" if attempt else ""),
            )
        if answer.decision != Decision.solve_again or answer.pin or answer.forbid:
            return answer
    raise AssertionError("unreachable")


@contextmanager
def _resumed_when_approved_elsewhere(
    request: AssignRequest, shown: lifecycle.ShownProposal, t: Translator
) -> Iterator[None]:
    """While the body pauses this run: every `poll_seconds`, ask the domain whether the
    proposal shown was approved elsewhere (the round page, `peerplan approve`), and if so
    resume the pause through the Prefect API with approve, as the coordinator would in the
    form. The watcher is this run's own (a thread of its process, which knows its run id and
    has the Prefect API): the portal and the CLI know nothing of Prefect runs.

    Why not pause in short slices and look between them: Prefect (3.9) leaves a pause that
    timed out Paused and refuses a new pause from there ("Cannot pause flows that are not
    currently running", tried), and its rule for a timed-out pause fails the run on leaving
    it, so a run cannot pause again once its pause timed out."""
    context = FlowRunContext.get()
    assert context is not None and context.flow_run is not None
    run_id = context.flow_run.id
    stop = threading.Event()

    def watch() -> None:
        while not stop.wait(request.poll_seconds):
            try:
                found = approved_elsewhere(request.round_name, shown)
            except Exception:  # the database away for a moment: the form still answers
                get_run_logger().debug("looking for an approval elsewhere failed", exc_info=True)
                continue
            if found is None or stop.is_set():
                continue
            note = run_log.approved_elsewhere(found.count, found.actor, found.at, t)
            try:
                resume_flow_run(
                    run_id, run_input={"decision": Decision.approve.value, "note": note}
                )
                return
            except NotPausedError:
                pass  # not paused yet (approved before the pause began), or answered meanwhile
            except Exception:  # the API busy (tried again), or the pause ended meanwhile
                get_run_logger().debug("resuming after an approval elsewhere", exc_info=True)

    # The copied context carries the Prefect settings and this run's context into the thread.
    watcher = threading.Thread(
        target=contextvars.copy_context().run, args=(watch,), daemon=True, name="approval"
    )
    watcher.start()
    try:
        yield
    finally:
        stop.set()
        watcher.join()


def _result(summary: dict[str, Any]) -> dict[str, Any]:
    return {
        "status": summary["status"],
        "objective": summary["objective"],
        "assignments": len(summary["rows"]),
    }
