"""The demo round (`peerplan demo`, `make demo`): not a deployment, but the whole system at work
the way a coordinator and twenty reviewers would use it, on the embedded default (SQLite, the
ephemeral Prefect server) with a local SMTP server and the reviewer portal on localhost.

8 follower and 2 frontrunner municipalities in German and English send generated plans (PDF and
DOCX, some chapters missing on purpose); the `review_round` flow takes them in, assigns reviewers
(approval given automatically), invites them by email; reviewers follow the link from their
email and submit through the portal's HTTP interface, some through the Word form; a simulated
clock moves past the due date so that one late reviewer is reminded and escalated and one
silent reviewer is replaced; two municipalities reply to their draft on their own link; the
consolidated documents are written (with the replies); the exchange meetings are planned with
their packs and invitations (flows.demo_exchange); three municipalities hand in revised plans for
a next round that shows their progress.
"""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from typing import TypedDict

import uvicorn

from flows.demo_people import assignment_facts, cast_roles, invited, links
from review.config import Settings, load_settings
from review.consolidation.gather import gather_round
from review.coordinator.language import coordinator_translator
from review.db import get_engine, migrate, session_scope
from review.i18n import translator
from review.mailsink import Mailbox, free_port, start_mailbox
from review.participants import import_participants
from review.portal import create_app
from review.portal.client import PortalReviewer
from review.rounds import create_round, get_round
from review.rubric import load_rubrics
from review.status import round_status
from review.synthetic.generate import generate_plans, revised_plans
from review.synthetic.review_texts import pages_of
from review.synthetic.reviews import simulate_review
from review.synthetic.word import fill_word_form, word_answers

ROUND_NAME = "MULTIPLY Demo"
#: The next round (#16): three municipalities hand in revised plans, their documents show the
#: progress since the first round.
NEXT_ROUND_NAME = "MULTIPLY Demo – monitoring"
Echo = Callable[[str], None]


class PlanSummary(TypedDict):
    """One plan's line in the demo's table."""

    municipality: str
    language: str | None
    length: str  # "54 pages" for a PDF, "520 paragraphs" for a Word file
    assignments: dict[str, int]  # per status
    outcome: str
    totals: dict[str, float | None]  # per rubric, None while incomplete
    flags: int


@dataclass
class DemoResult:
    out_dir: Path
    documents_dir: Path
    seconds: float
    plans: list[PlanSummary]
    messages: Counter[str] = field(default_factory=Counter)
    submitted: Counter[str] = field(default_factory=Counter)
    replied: list[str] = field(default_factory=list)
    meetings_dir: Path | None = None


class _Portal:
    """The reviewer portal served by uvicorn in a thread of the demo process."""

    def __init__(self, settings: Settings, port: int) -> None:
        config = uvicorn.Config(
            create_app(settings), host="127.0.0.1", port=port, log_level="warning", access_log=False
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, name="portal", daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the reviewer portal did not start")
            time.sleep(0.05)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def _environment(out_dir: Path, mailbox: Mailbox, portal_port: int) -> None:
    """The flows read their settings from the environment, like a deployment would."""
    os.environ.pop("PEERPLAN_DATABASE_URL", None)  # the embedded default: SQLite
    os.environ.pop("PEERPLAN_CONFIG", None)
    os.environ.update(
        {
            "PEERPLAN_DATA_DIR": str(out_dir / "data"),
            "PEERPLAN_SMTP_HOST": mailbox.host,
            "PEERPLAN_SMTP_PORT": str(mailbox.port),
            "PEERPLAN_SMTP_SECURITY": "none",
            "PEERPLAN_PORTAL_BASE_URL": f"http://127.0.0.1:{portal_port}",
            "PEERPLAN_MAIL_FROM": "MULTIPLY Peer Review <peer-review@multiply-demo.eu>",
        }
    )
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")


def _at(day: date) -> datetime:
    return datetime.combine(day, clock_time(9, 0), tzinfo=UTC)


def run_demo(
    out_dir: Path, *, seed: int = 2026, pages: int | None = None, echo: Echo = print
) -> DemoResult:
    """The demo round in `out_dir` (emptied first); `pages`: every plan's length instead of the
    20-60 pages the demo's plans have each."""
    started = time.perf_counter()
    out_dir = out_dir.resolve()
    if out_dir.exists():
        shutil.rmtree(out_dir)
    out_dir.mkdir(parents=True)
    mailbox = start_mailbox(out_dir / "mail")
    portal_port = free_port()
    _environment(out_dir, mailbox, portal_port)
    settings = load_settings()
    migrate(settings)
    portal = _Portal(settings, portal_port)
    try:
        return _scenario(settings, out_dir, mailbox, seed, pages, echo, started)
    finally:
        portal.stop()
        mailbox.stop()


def _scenario(
    settings: Settings,
    out_dir: Path,
    mailbox: Mailbox,
    seed: int,
    pages_each: int | None,
    echo: Echo,
    started: float,
) -> DemoResult:
    # Prefect is imported only here: `import prefect` costs seconds and the flows need the
    # environment above.
    from flows.compile_reviews import CompileParameters, compile_reviews  # noqa: PLC0415
    from flows.demo_exchange import plan_the_meetings, reply_to_drafts  # noqa: PLC0415
    from flows.review_round import RoundParameters, review_round  # noqa: PLC0415

    engine = get_engine(settings)

    # The demo's steps are said in the installation's language (the round itself is English).
    t = coordinator_translator(settings)
    _ = t.gettext

    def say(line: str) -> None:
        echo(f"{time.perf_counter() - started:4.0f} s  {line}")

    say(
        _("[1/9] generating 8 plans (PDF and DOCX, German and English) in %(folder)s")
        % {"folder": out_dir / "incoming"}
    )
    folder = generate_plans(out_dir / "incoming", seed=seed, demo=True, pages=pages_each)
    due = date.today() + timedelta(days=14)
    with session_scope(engine) as session:
        round_ = create_round(
            session,
            name=ROUND_NAME,
            due_date=due,
            language="en",
            languages=["de", "en"],
            blind=True,
            coordinator_name="MULTIPLY coordination",
            coordinator_email="coordination@multiply-demo.eu",
        )
        import_participants(session, round_, folder.participants_csv)

    def advance(now: datetime | None = None) -> dict[str, object]:
        return review_round(
            RoundParameters(
                round_name=ROUND_NAME,
                auto_approve=True,
                now=now,
                out_dir=str(out_dir / "documents"),
            )
        )

    say(
        _(
            "[2/9] review_round: intake, assignment (approved automatically), invitations "
            "(the Prefect server starts first; on a fresh machine that takes about 25 s)"
        )
    )
    review_round(
        RoundParameters(
            round_name=ROUND_NAME,
            plan_paths=[str(folder.manifest)],
            auto_approve=True,
            out_dir=str(out_dir / "documents"),
        )
    )

    behaviour = cast_roles(engine, {r.email: r.behaviour for r in folder.participants.reviewers})
    late = next(e for e, b in behaviour.items() if b == "late")
    silent = next(e for e, b in behaviour.items() if b == "silent")
    say(
        "      "
        + _("late reviewer: %(late)s; silent reviewer: %(silent)s")
        % {"late": late, "silent": silent}
    )
    specs = {w.spec.municipality: w.spec for w in folder.plans}
    pages = {w.spec.municipality: pages_of(w.locations) for w in folder.plans}
    # A reviewer is the same person on every plan: its leniency and its way of writing.
    seeds = {r.email.strip().lower(): i for i, r in enumerate(folder.participants.reviewers)}
    rubrics = load_rubrics()
    submitted: Counter[str] = Counter()
    handled: set[int] = set()

    def act(kinds: set[str], emails: set[str] | None = None) -> None:
        """Every invited reviewer whose behaviour is in `kinds` (and, given `emails`, who is
        among them) reviews through their link."""
        for email_address, link in links(mailbox).items():
            if behaviour.get(email_address, "web") not in kinds:
                continue
            if emails is not None and email_address not in emails:
                continue
            with PortalReviewer(link) as reviewer:
                for assignment_id in reviewer.assignment_ids():
                    if assignment_id in handled:
                        continue
                    municipality, rubric_id, language = assignment_facts(engine, assignment_id)
                    answers = simulate_review(
                        rubrics[rubric_id],
                        specs[municipality],
                        language=language,
                        seed=seeds.get(email_address, assignment_id),
                        pages=pages.get(municipality),
                    )
                    if behaviour.get(email_address) == "word":
                        form = reviewer.word_form(assignment_id)
                        filled = fill_word_form(form, word_answers(answers, rubrics[rubric_id]))
                        reviewer.upload_word_form(assignment_id, filled, submit=True)
                        submitted["word form"] += 1
                    else:
                        reviewer.accept(assignment_id)
                        fields = answers.form_fields(rubrics[rubric_id])
                        reviewer.save(assignment_id, fields, submit=False)  # a draft first
                        reviewer.save(assignment_id, fields, submit=True)
                        submitted["web form"] += 1
                    handled.add(assignment_id)

    say(_("[3/9] reviewers follow the links in their emails: web form and Word form"))
    act({"web", "word"})

    say(
        _("[4/9] the clock moves: due date %(due)s; reminders at -7, -2, 0 days, escalation at +1")
        % {"due": t.format_date(due)}
    )
    for offset in (-7, -2, 0, 1):
        advance(_at(due + timedelta(days=offset)))
    say("      " + _("the late reviewer submits after the overdue notice"))
    act({"late"})

    say(_("[5/9] +6 days: the silent reviewer is replaced; the backup reviewer submits"))
    advance(_at(due + timedelta(days=6)))
    act({"web", "word"})  # the backups got their invitation just now

    say(_("[6/9] two municipalities reply to their draft review on their own link"))
    followers = [specs[m.name] for m in folder.participants.followers]
    replied = reply_to_drafts(settings, ROUND_NAME, followers, due + timedelta(days=13))
    say("      " + _("replied: %(names)s") % {"names": ", ".join(replied)})

    say(_("[7/9] consolidated review documents (final editions, with the replies)"))
    taken = advance(_at(due + timedelta(days=6)))["steps"]
    if not isinstance(taken, list) or "compile" not in taken:  # the replies came after
        compile_reviews(
            CompileParameters(round_name=ROUND_NAME, out_dir=str(out_dir / "documents"))
        )

    say(_("[8/9] plan_meetings: hosts, agendas, meeting packs, calendar files, invitations"))
    meetings_dir = plan_the_meetings(
        settings, ROUND_NAME, due + timedelta(days=21), out_dir / "meetings"
    )

    say(_("[9/9] the next round: three municipalities hand in revised plans"))
    revised = revised_plans(folder, 3, out_dir / "incoming-next-round")
    with session_scope(engine) as session:
        next_round = create_round(
            session,
            name=NEXT_ROUND_NAME,
            due_date=due + timedelta(days=14),
            language="en",
            languages=["de", "en"],
            blind=True,
            coordinator_name="MULTIPLY coordination",
            coordinator_email="coordination@multiply-demo.eu",
        )
        import_participants(session, next_round, revised.participants_csv)
    next_parameters = RoundParameters(
        round_name=NEXT_ROUND_NAME,
        plan_paths=[str(revised.manifest)],
        auto_approve=True,
        out_dir=str(out_dir / "documents-next-round"),
    )
    review_round(next_parameters)
    specs.update({w.spec.municipality: w.spec for w in revised.plans})
    pages.update({w.spec.municipality: pages_of(w.locations) for w in revised.plans})
    # Everyone invited to the next round answers this time (the others' links are the first
    # round's, some closed).
    act({"web", "word", "late", "silent"}, invited(engine, NEXT_ROUND_NAME))
    review_round(next_parameters.model_copy(update={"plan_paths": []}))

    kinds = Counter(_kind(m["Subject"] or "") for m in mailbox.messages())
    return DemoResult(
        out_dir=out_dir,
        documents_dir=out_dir / "documents",
        seconds=time.perf_counter() - started,
        plans=plan_summary(settings, ROUND_NAME, t.language),
        messages=kinds,
        submitted=submitted,
        replied=replied,
        meetings_dir=meetings_dir,
    )


def plan_summary(settings: Settings, round_name: str, language: str = "en") -> list[PlanSummary]:
    """Per plan: municipality, language, length, assignments, outcome and totals, said in
    `language` (the reader's, not the round's)."""
    with session_scope(get_engine(settings)) as session:
        round_ = get_round(session, round_name)
        status = {p["municipality"]: p for p in round_status(session, round_, language)["plans"]}
        dossiers = gather_round(session, round_)
    rows: list[PlanSummary] = []
    for dossier in sorted(dossiers, key=lambda d: d.municipality):
        result = dossier.score()
        plan = status.get(dossier.municipality, {})
        rows.append(
            {
                "municipality": dossier.municipality,
                "language": plan.get("language"),
                "length": plan.get("length") or "",
                "assignments": plan.get("assignments", {}),
                "outcome": result.outcome.label(language)
                if result.outcome
                else translator(language).gettext("incomplete"),
                "totals": {r.rubric_id: r.total for r in result.rubrics},
                "flags": result.flags,
            }
        )
    return rows


def _kind(subject: str) -> str:
    return subject.split(":", 1)[0].strip() or "(no subject)"
