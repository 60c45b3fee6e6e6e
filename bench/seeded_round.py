"""Benchmark: the steps of a round after its invitations (the reviews' submission, the escalation
after them, the compilation), at sizes where a whole round from generated files does not fit in
a session (10,000 plans: generate, intake and invite alone took 75 minutes).

    PYTHONPATH=. /work/main/.venv/bin/python -u bench/seeded_round.py --plans 1000
        [--submit 1000] [--render 0] [--receipts all|sample] [--seed 5] [--profile FILE]

A round of N plans is written straight into a fresh SQLite database in bulk (no files, no intake,
no solver, no invitations sent), as bench/invitations.py and bench/compile.py do: the
participants of `many_participants(N)` (two reviewers per municipality), one document per plan
with an intake finding, three invited assignments per plan (two technical, one communication;
never a reviewer of the plan's own municipality), each with its `assignment.invited` event, and
the invitation messages as sent. Every assignment but a sample (`--submit`, spread evenly over
the round) already has its submitted review: the answers of `simulate_review` for the plan's
spec, with its `assignment.submitted` event. Then, timed:

1. submit: the sample's reviews through the product's path (`review.lifecycle.submit`, the
   form's state read first as the portal does, one transaction each), each queueing its
   submission receipt;
2. escalate: `run_escalation` after the reviews, its outbox delivered to a local SMTP server
   (`review.mailsink`, a thread of this process). With `--receipts all` (default) every seeded
   review's receipt is queued first too (a copy of a sample receipt in the reviewer's language,
   its own key and address): the whole round's receipts are delivered, as in the full round;
   with `--receipts sample` only the sample's;
3. compile: what `compile_round(pdf=False)` runs, step by step (gather with the exchange, the
   plans' documents in the rendering pool, the summary and the four exports). `--render K`
   renders only K plans (spread evenly; the summary and the exports still cover every plan,
   scoring the others again, as `compile_round(plan_ids=...)` does); 0: every plan.

CPU time: this process's (`time.process_time`, the SMTP thread included, the memory sampler's
thread taken off) and, for the rendering,
the CPU time each pool worker reports per plan (`PlanReport.cpu_seconds`: the workers are the
forkserver's children, `RUSAGE_CHILDREN` never sees them). Peak memory: the largest sum of
memory over this process and all its descendants (the forkserver, the pool's workers),
sampled every second from /proc (proportional set size: a page shared by the forkserver and
its workers is counted once), over the run and over each step, and this process's `ru_maxrss`.
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import os
import pstats
import resource
import secrets
import shutil
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlmodel import select

from review.config import Settings, load_settings
from review.consolidation.pipeline import (
    compile_dossiers,
    compile_round_outputs,
    gather_with_exchange,
    only_plans,
)
from review.db import get_engine, migrate, session_scope
from review.lifecycle import submit
from review.mailsink import start_mailbox
from review.models import (
    Assignment,
    Document,
    Event,
    Municipality,
    Outbox,
    Plan,
    Review,
    Reviewer,
    table_of,
    utcnow,
)
from review.reviewing.drafts import form_state
from review.rounds import create_round, get_round
from review.rubric import load_rubrics
from review.runs import run_escalation
from review.synthetic.plans import PlanSpec
from review.synthetic.reviews import simulate_review
from review.synthetic.round import Participants, many_participants

ROUND = "Bench round"
DUE = date.today() + timedelta(days=30)
BEFORE_DUE = datetime.combine(DUE - timedelta(days=10), datetime.min.time(), tzinfo=UTC)
FINDINGS = [
    {
        "check": "council_approval",
        "gate": "council_approval",
        "met": True,
        "message": "Ratsbeschluss",
        "evidence": [{"page": 3, "snippet": "Der Gemeinderat beschließt das Konzept"}],
    }
]


# -- seeding ---------------------------------------------------------------------------------


def _insert(session: Any, model: type, rows: list[dict[str, Any]], chunk: int = 5000) -> None:
    table = table_of(model)
    for start in range(0, len(rows), chunk):
        session.execute(table.insert(), rows[start : start + chunk])


def _pairs(participants: Participants) -> list[tuple[int, int, str]]:
    """(plan index, reviewer index, rubric) for three reviews a plan: two technical, one
    communication, spread over the reviewers with that expertise, never of the plan's own
    municipality and never twice the same reviewer on a plan."""
    reviewers = participants.reviewers
    home = {m.name: i for i, m in enumerate(participants.municipalities)}
    pools = {
        rubric: [i for i, r in enumerate(reviewers) if rubric in r.expertise]
        for rubric in ("technical", "communication")
    }
    cursor = Counter[str]()
    out: list[tuple[int, int, str]] = []
    for plan in range(len(participants.municipalities)):
        chosen: set[int] = set()
        for rubric in ("technical", "technical", "communication"):
            pool = pools[rubric]
            while True:
                index = pool[cursor[rubric] % len(pool)]
                cursor[rubric] += 1
                if home[reviewers[index].municipality] != plan and index not in chosen:
                    break
            chosen.add(index)
            out.append((plan, index, rubric))
    return out


def seed(settings: Settings, plans: int, seed_: int, sample: set[int]) -> dict[int, PlanSpec]:
    """Writes the round (see the module docstring); returns plan id -> its spec. `sample`: the
    assignment ids (1-based, in the order written) left invited for the timed submissions."""
    participants = many_participants(plans, seed_)
    specs = participants.plan_specs()
    rubrics = load_rubrics()
    now = utcnow()
    with session_scope(get_engine(settings)) as session:
        round_ = create_round(session, name=ROUND, due_date=DUE, languages=["de", "en"])
        rid = round_.id
        towns = participants.municipalities
        _insert(
            session,
            Municipality,
            [
                {
                    "id": i + 1,
                    "round_id": rid,
                    "name": m.name,
                    "country": m.country,
                    "language": m.language,
                    "role": m.role,
                    "contact_email": m.email,
                }
                for i, m in enumerate(towns)
            ],
        )
        home = {m.name: i + 1 for i, m in enumerate(towns)}
        _insert(
            session,
            Reviewer,
            [
                {
                    "id": i + 1,
                    "round_id": rid,
                    "municipality_id": home[r.municipality],
                    "name": r.name,
                    "email": r.email,
                    "expertise": list(r.expertise),
                    "languages": list(r.languages),
                    "language": r.language,
                    "salutation": None,
                    "keywords": r.keywords,
                    "min_load": r.min_load,
                    "max_load": r.max_load,
                }
                for i, r in enumerate(participants.reviewers)
            ],
        )
        _insert(
            session,
            Plan,
            [
                {
                    "id": i + 1,
                    "round_id": rid,
                    "municipality_id": i + 1,
                    "title": f"Klimaschutzkonzept {m.name}",
                    "language": m.language,
                    "created_at": now,
                }
                for i, m in enumerate(towns)
            ],
        )
        _insert(
            session,
            Document,
            [
                {
                    "round_id": rid,
                    "plan_id": i + 1,
                    "version": 1,
                    "file_name": "plan.pdf",
                    "sha256": hashlib.sha256(str(i).encode()).hexdigest(),
                    "media_type": "application/pdf",
                    "size": 1,
                    "pages": 40,
                    "language": m.language,
                    "stored_path": "x",
                    "text": "",
                    "meta": {},
                    "structure": {},
                    "findings": FINDINGS,
                    "problems": [],
                    "created_at": now,
                }
                for i, m in enumerate(towns)
            ],
        )
        pairs = _pairs(participants)
        assignments: list[dict[str, Any]] = []
        reviews: list[dict[str, Any]] = []
        events: list[dict[str, Any]] = []
        for aid, (plan, reviewer, rubric) in enumerate(pairs, start=1):
            submitted = aid not in sample
            assignments.append(
                {
                    "id": aid,
                    "round_id": rid,
                    "plan_id": plan + 1,
                    "reviewer_id": reviewer + 1,
                    "rubric": rubric,
                    "due_date": DUE,
                    "status": "submitted" if submitted else "invited",
                    "affinity": 0.5,
                    "explanation": {},
                    "token_hash": secrets.token_hex(32),
                    "token_expires_at": now + timedelta(days=60),
                    "approved_at": now,
                    "version": 3 if submitted else 2,
                    "created_at": now,
                    "updated_at": now,
                }
            )
            events.append(_event(rid, aid, "assignment.invited", now))
            if submitted:
                answers = simulate_review(
                    rubrics[rubric],
                    specs[plan],
                    language=participants.reviewers[reviewer].language,
                    seed=aid,
                )
                reviews.append(
                    {
                        "assignment_id": aid,
                        "version": 1,
                        "revision": 1,
                        "status": "submitted",
                        "source": "web",
                        "scores": answers.scores,
                        "comments": answers.comments,
                        "strengths": answers.strengths,
                        "weaknesses": answers.weaknesses,
                        "recommendations": answers.recommendations,
                        "eligibility": answers.eligibility,
                        "created_at": now,
                        "updated_at": now,
                        "submitted_at": now,
                    }
                )
                events.append(_event(rid, aid, "assignment.submitted", now))
        _insert(session, Assignment, assignments)
        _insert(session, Review, reviews)
        _insert(session, Event, events)
        # The invitations as sent: one message per reviewer (their keys are what the
        # escalation reads to know what was done).
        invited = sorted({reviewer for _plan, reviewer, _rubric in pairs})
        _insert(
            session,
            Outbox,
            [
                {
                    "key": f"invitation_list:r{r + 1}",
                    "round_id": rid,
                    "assignment_id": None,
                    "kind": "invitation_list",
                    "recipient": participants.reviewers[r].email,
                    "language": participants.reviewers[r].language,
                    "subject": "Einladung",
                    "body": "sent",
                    "message_id": f"<inv-{r + 1}@bench.example>",
                    "attachments": [],
                    "reason": "invited",
                    "status": "sent",
                    "attempts": 1,
                    "created_at": now,
                }
                for r in invited
            ],
        )
    return {i + 1: spec for i, spec in enumerate(specs)}


def _event(round_id: int | None, assignment_id: int, kind: str, at: datetime) -> dict[str, Any]:
    return {
        "round_id": round_id,
        "at": at,
        "actor": "bench",
        "kind": kind,
        "entity": "assignment",
        "entity_id": assignment_id,
        "payload": {},
    }


def queue_seeded_receipts(settings: Settings, sample: set[int]) -> int:
    """A submission receipt for every seeded review, as `submit` queues one: a copy of a sample
    receipt in the reviewer's language, with its own key, address and message id."""
    with session_scope(get_engine(settings)) as session:
        model: dict[str, Outbox] = {}
        for row in session.exec(select(Outbox).where(Outbox.kind == "submission_receipt")):
            model.setdefault(row.language, row)
        rows: list[dict[str, Any]] = []
        seeded = session.exec(
            select(Assignment.id, Reviewer.email, Reviewer.language)
            .join(Reviewer, Reviewer.id == Assignment.reviewer_id)  # type: ignore[arg-type]
            .where(Assignment.status == "submitted")
        ).all()
        for aid, email, language in seeded:
            if aid in sample:
                continue
            like = model.get(language) or next(iter(model.values()))
            rows.append(
                {
                    "key": f"submission_receipt:a{aid}:v1",
                    "round_id": like.round_id,
                    "assignment_id": aid,
                    "kind": like.kind,
                    "recipient": email,
                    "language": like.language,
                    "subject": like.subject,
                    "body": like.body,
                    "message_id": f"<rcpt-{aid}@bench.example>",
                    "attachments": [],
                    "reason": like.reason,
                    "status": "pending",
                    "attempts": 0,
                    "created_at": utcnow(),
                }
            )
        _insert(session, Outbox, rows)
        return len(rows)


# -- measuring -------------------------------------------------------------------------------


class TreeMemory:
    """Peak of the summed memory (PSS) of this process and all its descendants."""

    def __init__(self, interval: float = 1.0) -> None:
        global MEMORY
        MEMORY = self
        self.peak_mb = 0.0
        self.step_peak_mb = 0.0  # since `timed` last reset it
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(interval,), daemon=True)

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def now_mb(self) -> float:
        parents: dict[int, list[int]] = {}
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat") as handle:
                    ppid = int(handle.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            parents.setdefault(ppid, []).append(int(entry))
        total, todo = 0, [os.getpid()]
        while todo:
            pid = todo.pop()
            todo += parents.get(pid, [])
            total += _pss_kb(pid)
        return total / 1024

    def _run(self, interval: float) -> None:
        global SAMPLER_CPU
        while not self._stop.wait(interval):
            now = self.now_mb()
            self.peak_mb = max(self.peak_mb, now)
            self.step_peak_mb = max(self.step_peak_mb, now)
            # Reading smaps_rollup costs the kernel a walk of the process's pages (8-30 ms a
            # sample): CPU time of this process that `timed` takes off each step's figure.
            SAMPLER_CPU = time.thread_time()


def _pss_kb(pid: int) -> int:
    """A process's proportional set size: its private memory plus its share of pages it shares
    (the forkserver's preloaded modules with each worker), so that a sum over processes counts
    each page once."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except (OSError, IndexError, ValueError):
        pass  # the process ended between listing and reading it: it holds nothing any more
    return 0


#: CPU seconds the memory sampler's thread has used so far (not part of any step).
SAMPLER_CPU = 0.0
#: The sampler while it runs: `timed` reads each step's peak from it.
MEMORY: TreeMemory | None = None


@contextmanager
def timed(name: str, figures: dict[str, tuple[float, float]]) -> Iterator[None]:
    wall, cpu, sampler = time.perf_counter(), time.process_time(), SAMPLER_CPU
    if MEMORY is not None:
        MEMORY.step_peak_mb = 0.0
    yield
    wall = time.perf_counter() - wall
    cpu = time.process_time() - cpu - (SAMPLER_CPU - sampler)
    figures[name] = (wall, cpu)
    # The step's peak from the samples taken while it ran (one a second: none for a step
    # shorter than that, which shows 0).
    peak = f", peak {MEMORY.step_peak_mb:.0f} MB" if MEMORY is not None else ""
    print(f"  ... {name}: {wall:.1f} s wall, {cpu:.1f} s CPU{peak} (load {_load()})", flush=True)


def _load() -> str:
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


def submit_sample(settings: Settings, specs: dict[int, PlanSpec], sample: set[int]) -> int:
    """The sample's reviews through `review.lifecycle.submit`, one transaction each."""
    rubrics = load_rubrics()
    engine = get_engine(settings)
    with session_scope(engine) as session:
        rows = session.exec(
            select(Assignment.id, Assignment.plan_id, Assignment.rubric, Reviewer.language)
            .join(Reviewer, Reviewer.id == Assignment.reviewer_id)  # type: ignore[arg-type]
            .where(Assignment.status == "invited")
            .order_by(Assignment.id)  # type: ignore[arg-type]
        ).all()
    answers = {
        aid: simulate_review(rubrics[rubric], specs[plan], language=language, seed=aid).as_input()
        for aid, plan, rubric, language in rows
        if aid is not None
    }
    done = 0
    started = time.perf_counter()
    for aid, _plan, _rubric, _language in rows:
        assert aid is not None
        with session_scope(engine) as session:
            assignment = session.get(Assignment, aid)
            assert assignment is not None
            submit(
                session,
                assignment,
                answers[aid],
                settings=settings,
                actor="bench",
                seen_revision=form_state(session, assignment).seen,
            )
        done += 1
        if done % 250 == 0:
            print(
                f"      {done} submitted, {time.perf_counter() - started:.0f} s (load {_load()})",
                flush=True,
            )
    return done


def compile_steps(
    settings: Settings,
    out: Path,
    render: int,
    figures: dict[str, tuple[float, float]],
    profile: cProfile.Profile | None,
) -> tuple[float, int]:
    """What `compile_round(pdf=False)` does, in its order, each part timed. Returns the CPU
    seconds the rendering pool's workers reported and the plans rendered."""
    engine = get_engine(settings)
    with session_scope(engine) as session:
        round_ = get_round(session, ROUND)
        if profile is not None:
            profile.enable()
        with timed("compile: gather with the exchange", figures):
            dossiers = gather_with_exchange(session, round_)
        plan_ids = None
        if render:
            step = max(1, len(dossiers) // render)
            plan_ids = [d.plan_id for d in dossiers[::step][:render]]
        with timed("compile: render (main process)", figures):
            reports = compile_dossiers(session, round_, only_plans(dossiers, plan_ids), out)
        with timed("compile: summary and exports", figures):
            compile_round_outputs(session, round_, reports, out, pdf=False, dossiers=dossiers)
        if profile is not None:
            profile.disable()
        with timed("compile: commit", figures):
            session.commit()
    return sum(r.cpu_seconds for r in reports), len(reports)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--plans", type=int, default=1000)
    parser.add_argument("--submit", type=int, default=1000, help="reviews submitted, timed")
    parser.add_argument("--render", type=int, default=0, help="plans rendered (0: all)")
    parser.add_argument("--receipts", choices=("all", "sample"), default="all")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--profile", type=Path, help="cProfile of compile to this file")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="peerplan-bench-seeded-"))
    figures: dict[str, tuple[float, float]] = {}
    profile = cProfile.Profile() if args.profile else None
    print(f"{args.plans} plans; load {_load()} on {os.cpu_count()} cores", flush=True)
    try:
        with TreeMemory() as memory, start_mailbox(work / "mail") as mailbox:
            settings = load_settings(
                data_dir=work / "data",
                smtp_host=mailbox.host,
                smtp_port=mailbox.port,
                portal_base_url="http://portal.bench",
            )
            migrate(settings)
            total = 3 * args.plans
            every = max(1, total // max(1, args.submit))
            sample = set(range(1, total + 1, every)[: args.submit]) if args.submit else set()
            with timed("seed (not a product step)", figures):
                specs = seed(settings, args.plans, args.seed, sample)
            with timed("submit", figures):
                submitted = submit_sample(settings, specs, sample)
            receipts = len(sample)
            if args.receipts == "all":
                with timed("queue the seeded reviews' receipts (not a product step)", figures):
                    receipts += queue_seeded_receipts(settings, sample)
            with timed("escalate after the reviews", figures):
                run = run_escalation(settings, round_name=ROUND, now=BEFORE_DUE)
            arrived = sum(1 for _ in mailbox.folder.glob("*.eml"))
            print(f"      {run.delivery.summary()}; {arrived} in the mailbox", flush=True)
            workers_cpu, rendered = compile_steps(
                settings, work / "out", args.render, figures, profile
            )
            own_compile = sum(c for name, (_w, c) in figures.items() if name.startswith("compile"))
            wall_compile = sum(w for name, (w, _c) in figures.items() if name.startswith("compile"))
            peak_tree = memory.peak_mb
    finally:
        shutil.rmtree(work, ignore_errors=True)
    n = args.plans
    print(f"\n{n} plans, {3 * n} reviews ({submitted} submitted here), {receipts} receipts")
    for name, (wall, cpu) in figures.items():
        print(
            f"  {name:<58} {wall:8.1f} s wall {cpu:8.1f} s CPU  {1000 * cpu / n:8.2f} ms CPU/plan"
        )
    if submitted:
        wall, cpu = figures["submit"]
        print(
            f"  submit, a review: {1000 * wall / submitted:.1f} ms wall, "
            f"{1000 * cpu / submitted:.1f} ms CPU"
        )
    print(
        f"  compile: {wall_compile:.1f} s wall; CPU {own_compile:.1f} s this process + "
        f"{workers_cpu:.1f} s the rendering workers ({rendered} plans rendered, "
        f"{1000 * workers_cpu / max(1, rendered):.0f} ms a plan)"
    )
    if rendered < n:
        per_plan = workers_cpu / max(1, rendered)
        render_main = figures["compile: render (main process)"][1] / max(1, rendered)
        print(
            f"  compile with every plan rendered, extrapolated: CPU "
            f"{own_compile + (n - rendered) * render_main:.1f} s this process + "
            f"{n * per_plan:.1f} s the workers"
        )
    own_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"  peak memory: {peak_tree:.0f} MB this process and its descendants together "
        f"(PSS, sampled), {own_peak:.0f} MB this process (ru_maxrss)"
    )
    print(f"  load at the end {_load()}")
    if profile is not None:
        profile.dump_stats(args.profile)
        pstats.Stats(profile).sort_stats("cumulative").print_stats(40)


if __name__ == "__main__":
    main()
