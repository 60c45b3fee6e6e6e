"""Progress between two rounds of the same municipality: the change per criterion, the actions
of the last list taken up or not, in the document and in the round summary."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import Session

from review.consolidation.pipeline import compile_round
from review.exchange.history import plan_history, progress
from tests.consolidation.test_documents import docx_text
from tests.support.exchange_round import dossier, rows_of
from tests.support.review_data import reviewed_plan


def test_change_per_criterion_and_the_actions_taken_up() -> None:
    then_plan = dossier(
        1,
        "Tulln",
        [
            {
                "rubric": "technical",
                "base": 3,
                "scores": {"T2": 1, "T8": 2},
                "recommendations": "T2: add the carriers; T8: report every two years",
            }
        ],
        round_name="Round 2024",
    )
    now_plan = dossier(9, "Tulln", [{"rubric": "technical", "base": 3, "scores": {"T8": 2}}])
    now, then = rows_of(now_plan, then_plan)
    history = plan_history(now, then, "en")
    assert history.round_name == "Round 2024"
    changes = {c.criterion_id: (c.before, c.now) for c in history.changes}
    assert changes["T2"] == (1.0, 3.0) and changes["T8"] == (2.0, 2.0)
    status = {f.action.criterion_id: f.status for f in history.follow_ups}
    assert status == {"T2": "taken", "T8": "open"}
    assert progress(history) == (1, 0, 1, 2)


def test_a_municipality_back_in_a_later_round_sees_its_progress(
    session: Session, tmp_path: Path
) -> None:
    first = reviewed_plan(session, municipality="Tulln an der Donau", values=(1, 1, 1))
    other = reviewed_plan(session, municipality="Krems", values=(1, 1, 1))
    second = reviewed_plan(
        session, municipality="tulln  an der Donau", values=(3, 2, 4), municipality_language="de"
    )
    assert first.round_.id != second.round_.id and other.round_.id != second.round_.id
    report = compile_round(session, None, second.round_, tmp_path, workers=1, pdf=False)
    (plan,) = report.plans
    text = docx_text(plan.municipality_docx)
    assert "Seit der letzten Runde" in text
    assert f"Verglichen mit dem Plan dieser Gemeinde in der Runde „{first.round_.name}“" in text
    assert "1 → 2,5" in text and "aufgegriffen" in text
    summary = docx_text(report.summary_docx)
    assert "Progress since the last round" in summary and first.round_.name in summary


def test_every_wording_of_a_merged_action_is_redacted_in_a_blind_round() -> None:
    then_plan = dossier(
        1,
        "Tulln",
        [
            {
                "rubric": "technical",
                "base": 2,
                "recommendations": "T8: report on the monitoring every year",
            },
            {
                "rubric": "technical",
                "base": 2,
                "recommendations": "T8: as Quirinus Zeppelfeld1x0 wrote, the monitoring "
                "should be reported yearly",
            },
        ],
        round_name="Round 2024",
    )
    now_plan = dossier(9, "Tulln", [{"rubric": "technical", "base": 3}])
    now, then = rows_of(now_plan, then_plan)
    [follow_up] = [
        f for f in plan_history(now, then, "en").follow_ups if f.action.source == "reviewer"
    ]
    assert len(follow_up.action.wordings) == 2
    assert "Zeppelfeld" not in follow_up.action.model_dump_json()
