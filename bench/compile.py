"""Benchmark: consolidated review documents per second, against a bare python-docx loop.

    /work/venv/bin/python bench/compile.py [--plans 200] [--workers 2]

Builds a round of N plans with 3 submitted reviews each (2 technical, 1 communication, a
comment on every criterion) in a temporary SQLite database, then measures in the same run:

1. bare: a plain python-docx loop writing the same content (same headings, tables, scores,
   comments, findings, the action list; default template, no scoring, cleaning, redaction or
   properties), one
   process, two documents per plan (the two editions);
2. peerplan, one process: `render_plans(workers=1)`, scoring and both editions;
3. peerplan, a whole round: `compile_round(workers=N)` without PDF: reading the database, both
   editions of every plan in a process pool, the round summary and the four exports.

It prints time per document, the ratios to the bare loop, and how many cores the round used
((user + system CPU of this process and its workers) / wall time).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from docx import Document

from review.config import load_settings
from review.consolidation.gather import PlanDossier, gather_round
from review.consolidation.pipeline import compile_round
from review.consolidation.render import render_plans
from review.consolidation.rules import PlanResult
from review.db import get_engine, migrate, session_scope
from review.exchange.actions import action_list
from review.exchange.data import Action
from review.models import Document as PlanDocument
from review.rubric import load_rubrics
from tests.support.factories import (
    make_assignment,
    make_municipality,
    make_plan,
    make_review,
    make_reviewer,
    make_round,
)

COMMENT = (
    "Die Bilanz deckt Haushalte, Gewerbe und Verkehr ab; kommunale Liegenschaften fehlen. "
    "Emissionsfaktoren nach BISKO, Quellen im Anhang. Empfehlung: Tabellen je Energieträger "
    "ergänzen und die Unsicherheiten benennen, damit das Monitoring-Inventar vergleichbar wird. "
)


def build_round(settings, plans: int) -> None:
    rubrics = load_rubrics()
    with session_scope(get_engine(settings)) as session:
        round_ = make_round(session, name="Bench", language="de")
        homes = [make_municipality(session, round_, f"Gemeinde {i:03d}") for i in range(plans)]
        reviewers = [make_reviewer(session, round_, homes[(i + 7) % plans]) for i in range(plans)]
        for i, home in enumerate(homes):
            plan = make_plan(session, round_, home, title=f"Klimaschutzkonzept {home.name}")
            session.add(
                PlanDocument(
                    round_id=round_.id,
                    plan_id=plan.id,
                    file_name="plan.pdf",
                    sha256=f"{i:064d}",
                    media_type="application/pdf",
                    size=1,
                    stored_path="x",
                    findings=[
                        {
                            "gate": "council_approval",
                            "met": True,
                            "message": "Ratsbeschluss",
                            "evidence": [{"page": 3, "snippet": "Der Gemeinderat beschließt"}],
                        }
                    ],
                )
            )
            for j, rubric_id in enumerate(("technical", "technical", "communication")):
                reviewer = reviewers[(i + 1 + j * 3) % plans]
                assignment = make_assignment(session, plan, reviewer, rubric_id)
                criteria = rubrics[rubric_id].criteria
                make_review(
                    session,
                    assignment,
                    {c.id: (i + j + k) % 5 for k, c in enumerate(criteria)},
                    comments={c.id: f"{c.id}: {COMMENT}" for c in criteria},
                    strengths=COMMENT,
                    weaknesses=COMMENT,
                    recommendations=COMMENT,
                    eligibility={"council_approval": True},
                )


def bare_loop(items: list[tuple[PlanDossier, PlanResult, list[Action]]], out: Path) -> None:
    """The same content with nothing but python-docx: the floor for any generator. The action
    list is worked out before (the rules are peerplan's, not the writer's): only its table is
    written here."""
    out.mkdir(parents=True, exist_ok=True)
    for dossier, result, actions in items:
        rubrics = {ri.rubric.id: ri.rubric for ri in dossier.rubrics}
        reviews = {r.label: r for ri in dossier.rubrics for r in ri.reviews}
        for edition in ("m", "c"):
            doc = Document()
            _bare_front(doc, dossier, edition)
            _bare_summary(doc, result, rubrics)
            _bare_criteria(doc, result, rubrics, reviews)
            _bare_texts(doc, dossier, reviews)
            _bare_actions(doc, actions)
            if edition == "c":
                _bare_coordination(doc, dossier)
            doc.save(str(out / f"{dossier.plan_id}-{edition}.docx"))


def _bare_front(doc, dossier: PlanDossier, edition: str) -> None:
    doc.add_paragraph("Konsolidiertes Gutachten", "Title")
    doc.add_paragraph(dossier.plan_title, "Subtitle")
    table = doc.add_table(rows=0, cols=2, style="Table Grid")
    for key, value in (
        ("Gemeinde", dossier.municipality),
        ("Runde", dossier.round_name),
        ("Datum", str(dossier.compiled_on)),
        ("Ausgabe", edition),
    ):
        cells = table.add_row().cells
        cells[0].text, cells[1].text = key, value


def _bare_summary(doc, result: PlanResult, rubrics: dict) -> None:
    doc.add_heading("Zusammenfassung", 1)
    doc.add_paragraph(f"Ergebnis: {result.outcome.label('de') if result.outcome else '-'}")
    table = doc.add_table(rows=1, cols=5, style="Light Grid Accent 1")
    for res in result.rubrics:
        cells = table.add_row().cells
        cells[0].text = rubrics[res.rubric_id].title("de")
        cells[1].text, cells[2].text = f"{res.total}", "x"
        cells[3].text, cells[4].text = f"{res.received}/{res.expected}", str(res.flags)
    doc.add_heading("Förderfähigkeit", 2)
    table = doc.add_table(rows=1, cols=3, style="Light Grid Accent 1")
    for gate in result.gates:
        cells = table.add_row().cells
        cells[0].text, cells[1].text, cells[2].text = (
            gate.gate_id,
            gate.status,
            str(gate.hint),
        )


def _bare_criteria(doc, result: PlanResult, rubrics: dict, reviews: dict) -> None:
    doc.add_heading("Bewertung je Kriterium", 2)
    for res in result.rubrics:
        table = doc.add_table(rows=0, cols=3, style="Table Grid")
        for crit in res.criteria:
            cells = table.add_row().cells
            cells[0].text = crit.criterion_id
            cells[1].paragraphs[0].add_run("█" * round((crit.value or 0) * 5))
            cells[1].paragraphs[0].add_run("█" * (20 - round((crit.value or 0) * 5)))
            cells[2].text = str(crit.value)
    for res in result.rubrics:
        rubric = rubrics[res.rubric_id]
        doc.add_heading(rubric.title("de"), 1)
        for crit in res.criteria:
            doc.add_heading(
                f"{crit.criterion_id} {rubric.criterion(crit.criterion_id).title('de')}", 2
            )
            doc.add_paragraph(f"Konsolidiert: {crit.value} · Spannweite: {crit.spread}")
            table = doc.add_table(rows=1, cols=3, style="Light Grid Accent 1")
            for label, score in crit.scores.items():
                cells = table.add_row().cells
                cells[0].text, cells[1].text = label, str(score)
                cells[2].paragraphs[0].add_run(reviews[label].comments.get(crit.criterion_id, ""))


def _bare_texts(doc, dossier: PlanDossier, reviews: dict) -> None:
    doc.add_heading("Stärken, Schwächen, Empfehlungen", 1)
    for review in reviews.values():
        doc.add_heading(review.label, 3)
        for text in (review.strengths, review.weaknesses, review.recommendations):
            doc.add_paragraph(text)
    doc.add_heading("Automatische Hinweise", 1)
    for finding in dossier.findings:
        doc.add_paragraph(str(finding.get("message")))


def _bare_actions(doc, actions: list[Action]) -> None:
    doc.add_heading("Maßnahmenliste", 1)
    table = doc.add_table(rows=1, cols=4, style="Light Grid Accent 1")
    for action in actions:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = action.priority, action.criterion_id
        cells[2].text, cells[3].text = action.recommendation, f"{action.reviewers}"


def _bare_coordination(doc, dossier: PlanDossier) -> None:
    doc.add_heading("Koordination", 1)
    table = doc.add_table(rows=1, cols=7, style="Light Grid Accent 1")
    for info in dossier.reviewers:
        cells = table.add_row().cells
        for cell, value in zip(
            cells,
            (
                info.label,
                info.name,
                info.email,
                info.municipality,
                info.rubric,
                info.status,
                str(info.submitted_at),
            ),
            strict=True,
        ):
            cell.text = value


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--plans", type=int, default=200)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="peerplan-bench-"))
    try:
        settings = load_settings(data_dir=work / "data")
        migrate(settings)
        build_round(settings, args.plans)
        with session_scope(get_engine(settings)) as session:
            from review.rounds import get_round

            round_ = get_round(session, "Bench")
            dossiers = gather_round(session, round_)
            scored = [(d, d.score()) for d in dossiers]
            items = [(d, r, action_list(d, r, "de")) for d, r in scored]
            docs = 2 * len(dossiers)

            # Warm up both (imports, template caches) on a few plans, outside the timing.
            bare_loop(items[:3], work / "warm-bare")
            render_plans(dossiers[:3], work / "warm", workers=1)

            load_before = os.getloadavg()[0]
            start, cpu0 = time.perf_counter(), time.process_time()
            bare_loop(items, work / "bare")
            bare = (time.perf_counter() - start) / docs
            bare_cpu = (time.process_time() - cpu0) / docs

            start, cpu0 = time.perf_counter(), time.process_time()
            render_plans(dossiers, work / "single", workers=1)
            single = (time.perf_counter() - start) / docs
            single_cpu = (time.process_time() - cpu0) / docs

            own0, start = time.process_time(), time.perf_counter()
            report = compile_round(
                session, settings, round_, work / "round", workers=args.workers, pdf=False
            )
            wall = time.perf_counter() - start
            # Workers are children of the forkserver, not of this process: they report their
            # own CPU time per plan; the rest (database, summary, exports) is this process's.
            workers_cpu = sum(p.cpu_seconds for p in report.plans) if args.workers > 1 else 0.0
            cores = (time.process_time() - own0 + workers_cpu) / wall
            per_doc_round = wall / docs
    finally:
        shutil.rmtree(work, ignore_errors=True)

    def line(name: str, seconds: float, extra: str = "") -> None:
        print(f"{name:<44} {seconds * 1000:7.1f} ms/doc {1 / seconds:6.1f} docs/s{extra}")

    print(
        f"plans: {args.plans}, documents: {docs} (two editions per plan), "
        f"workers: {args.workers}, cpus: {os.cpu_count()}"
    )
    line("bare python-docx loop, 1 process", bare, f"  CPU {bare_cpu * 1000:.1f} ms/doc")
    line(
        "peerplan render_plans, 1 process",
        single,
        f"  CPU {single_cpu * 1000:.1f} ms/doc; ratio {single / bare:.2f}x wall, "
        f"{single_cpu / bare_cpu:.2f}x CPU (goal <= 1.2x)",
    )
    line(
        f"peerplan compile_round, {args.workers} workers, whole round",
        per_doc_round,
        f"  ratio {per_doc_round / bare:.2f}x, cores used {cores:.2f}",
    )
    per_worker: dict[int, list[float]] = {}
    for plan in report.plans:
        per_worker.setdefault(plan.worker_pid, []).append(plan.cpu_seconds)
    print(
        "round rendered by worker processes: "
        + ", ".join(f"{len(v)} plans / {sum(v):.1f} s CPU" for v in per_worker.values())
    )
    print(
        f"load average (1 min) before/after: {load_before:.1f}/{os.getloadavg()[0]:.1f} on "
        f"{os.cpu_count()} cpus: wall-clock figures need an otherwise idle machine"
    )
    print(
        f"round: {wall:.1f} s for {len(report.plans)} plans incl. database read, summary, "
        f"exports; steps {report.timings}"
    )


if __name__ == "__main__":
    main()
