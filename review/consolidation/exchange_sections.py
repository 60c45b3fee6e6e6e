"""Parts of a plan's consolidated review that the exchange adds (#16), written in the edition's
language: the action list, learning from peers, and the reviewers' calibration (coordinator's
edition only). The data come with the dossier (`review.exchange`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Protocol

from review.documents.docxkit import COMMENT, FLAG, HINT, SMALL, TABLE, Styled
from review.documents.text import clean
from review.eligibility import gate_label
from review.exchange.actions import action_list
from review.exchange.calibration import calibrated_totals
from review.exchange.data import Action, Lesson
from review.exchange.learning import STRONG_MIN, WEAK_MAX
from review.i18n import N_, Translator
from review.rubric import Rubric

if TYPE_CHECKING:  # the writer calls these functions with itself
    from review.consolidation.plan_document import PlanWriter


class Reader(Protocol):
    """What the texts of a section need: the reader's language and the edition's redaction (the
    plan's writer has them, and so has the action spreadsheet)."""

    lang: str
    t: Translator
    rubrics: dict[str, Rubric]

    # Read-only: a dataclass's callable field is no settable attribute to mypy.
    @property
    def text(self) -> Callable[[object], str]: ...


def lesson_title(w: PlanWriter, lesson: Lesson) -> str:
    if lesson.kind == "gate":
        return w.t.gettext("Eligibility criterion (JRC): %(gate)s – not met") % {
            "gate": gate_label(lesson.item_id, w.lang)
        }
    rubric = w.rubrics.get(lesson.rubric_id)
    title = rubric.criterion(lesson.item_id).title(w.lang) if rubric else ""
    return w.t.gettext("%(criterion)s (this plan: %(score)s)") % {
        "criterion": f"{lesson.item_id} {title}".strip(),
        "score": w.score(lesson.score),
    }


def learning_section(w: PlanWriter, doc: Styled) -> None:
    """ "Learn from peers": each weak point, the plans strong on it, what their reviewers wrote
    and where in their plans."""
    doc.heading(w.t.gettext("Learn from peers"), 1)
    doc.para(
        w.t.gettext(
            "Where this plan is weak (a consolidated score of at most %(weak)s, or an eligibility "
            "criterion not met), these plans of the round are strong (a score of at least "
            "%(strong)s): what their reviewers wrote, and where to look in their plans."
        )
        % {"weak": WEAK_MAX, "strong": STRONG_MIN}
    )
    if not w.d.lessons:
        doc.para(w.t.gettext("This plan has no weak point to pair with a peer."), HINT)
        return
    for lesson in w.d.lessons:
        doc.heading(lesson_title(w, lesson), 2)
        if not lesson.peers:
            doc.para(w.t.gettext("No plan of this round is strong here yet."), HINT)
            continue
        for peer in lesson.peers:
            name = clean(peer.municipality) or w.t.gettext("A plan of this round")
            para = doc.para("")
            para.add_run(name).bold = True
            para.add_run(" – " + w.t.gettext("score %(score)s") % {"score": w.score(peer.score)})
            for comment in peer.comments:
                doc.para(f"„{clean(comment)}“", COMMENT)
            if peer.evidence:
                where = "; ".join(
                    clean(f"{place} „{snippet}“" if snippet else place)
                    for place, snippet in peer.evidence
                )
                doc.para(w.t.gettext("Where in the plan: %(where)s") % {"where": where}, SMALL)


PRIORITY_NAMES: dict[str, str] = {"high": N_("high"), "medium": N_("medium"), "low": N_("low")}


def action_rows(w: Reader, actions: Sequence[Action]) -> list[list[str]]:
    """[priority, criterion, recommendation, who] per action, in the reader's language."""
    rows = []
    for action in actions:
        rubric = w.rubrics.get(action.rubric_id)
        if action.criterion_id and rubric is not None:
            title = rubric.criterion(action.criterion_id).title(w.lang)
            criterion = f"{action.criterion_id} {title}"
        else:
            criterion = w.t.gettext("general")
        if action.source == "rubric":
            text = w.t.gettext("Next level (%(level)s): %(anchor)s") % {
                "level": action.level,
                "anchor": action.recommendation,
            }
            who = w.t.gettext("rubric")
        else:
            text = w.text(action.recommendation)
            who = w.t.ngettext("%(num)s reviewer", "%(num)s reviewers", action.reviewers) % {
                "num": action.reviewers
            }
        rows.append([w.t.gettext(PRIORITY_NAMES[action.priority]), criterion, text, who])
    return rows


def actions_section(w: PlanWriter, doc: Styled) -> None:
    """ "Action list": what the reviewers recommend, merged, with a priority from the score and
    the weight (`review.exchange.actions`)."""
    doc.heading(w.t.gettext("Action list"), 1)
    doc.para(
        w.t.gettext(
            "The reviewers' recommendations, merged where they say the same. The priority comes "
            "from the score and the weight: how many points of the total the criterion leaves "
            "open. Where no reviewer recommended anything for a criterion below 'good', the "
            "rubric's next level is named."
        )
    )
    actions = action_list(w.d, w.r, w.lang)
    if not actions:
        doc.para(w.t.gettext("No recommendations."), HINT)
        return
    table = doc.table(1, 4, TABLE, [2.3, 4.3, 7.7, 2.7])
    names = (
        w.t.gettext("Priority"),
        w.t.gettext("Criterion"),
        w.t.gettext("Recommendation"),
        w.t.gettext("From"),
    )
    for cell, name in zip(table.rows[0].cells, names, strict=True):
        cell.text = name
    for values in action_rows(w, actions):
        cells = table.add_row().cells
        for cell, value in zip(cells, values, strict=True):
            cell.text = clean(value)


def calibration_section(w: PlanWriter, doc: Styled) -> None:
    """The plan's reviewers' leniency over the round, and calibrated totals clearly apart from
    the result (`review.exchange.calibration`): the coordinator's edition only."""
    doc.heading(w.t.gettext("Reviewer calibration"), 2)
    doc.para(
        w.t.gettext(
            "Leniency: how much higher (+) or lower (–) a reviewer scores than the co-reviewers "
            "of the same plans across the round, in scale points and in total points."
        ),
        SMALL,
    )
    if not w.d.leniency:
        doc.para(w.t.gettext("No reviewer has a co-reviewer to compare with yet."), HINT)
        return
    table = doc.table(1, 5, TABLE, [4.6, 2.6, 2.6, 2.2, 5.0])
    names = (
        w.t.gettext("Reviewer"),
        w.t.gettext("Leniency (scale)"),
        w.t.gettext("Leniency (total)"),
        w.t.gettext("Plans"),
        w.t.gettext("Note"),
    )
    for cell, name in zip(table.rows[0].cells, names, strict=True):
        cell.text = name
    for seen in w.d.leniency:
        cells = table.add_row().cells
        cells[0].text = w.who(seen.label)
        cells[1].text = _signed(w, seen.leniency, 2)
        cells[2].text = _signed(w, seen.total_leniency, 1)
        cells[3].text = str(seen.plans)
        cells[4].text = w.t.gettext("few data: read with caution") if seen.few else ""
    calibrated = calibrated_totals(w.d, w.r, {x.email: x for x in w.d.leniency})
    doc.para(
        w.t.gettext(
            "Calibrated totals, for orientation only (the result above is unchanged): each "
            "reviewer's total minus their leniency (where the data are not few), averaged."
        ),
        FLAG,
    )
    for res in w.r.rubrics:
        rubric = w.rubrics[res.rubric_id]
        doc.para(
            w.t.gettext("%(rubric)s: calibrated %(calibrated)s (consolidated %(total)s)")
            % {
                "rubric": rubric.title(w.lang),
                "calibrated": w.total(calibrated.get(res.rubric_id)),
                "total": w.total(res.total if res.total is not None else res.partial_total),
            },
            "List Bullet",
        )


def _signed(w: PlanWriter, value: float | None, decimals: int) -> str:
    if value is None:
        return "–"
    text = w.t.format_decimal(abs(value), decimals)
    return ("+" if value > 0 else "–" if value < 0 else "±") + text


FOLLOW_UP_NAMES: dict[str, str] = {
    "taken": N_("taken up"),
    "open": N_("still open"),
    "unknown": N_("not scored now"),
}


def _arrow(before: float | None, now: float | None) -> str:
    if before is None or now is None:
        return ""
    return "↑" if now > before else "↓" if now < before else "="


def history_section(w: PlanWriter, doc: Styled) -> None:
    """ "Since the last round": the change per criterion since the municipality's plan of an
    earlier round, and which actions of that round's list were taken up (judged by the new
    scores, `review.exchange.history`). Written only when there is an earlier plan."""
    past = w.d.history
    if past is None:
        return
    doc.heading(w.t.gettext("Since the last round"), 1)
    doc.para(
        w.t.gettext("Compared with this municipality's plan in the round “%(round)s”.")
        % {"round": clean(past.round_name)}
    )
    for res in w.r.rubrics:
        rubric = w.rubrics[res.rubric_id]
        now = res.total if res.total is not None else res.partial_total
        doc.para(
            w.t.gettext("%(rubric)s: total %(before)s then, %(now)s now")
            % {
                "rubric": rubric.title(w.lang),
                "before": w.total(past.totals.get(res.rubric_id)),
                "now": w.total(now),
            },
            "List Bullet",
        )
    table = doc.table(1, 4, TABLE, [9.0, 2.6, 2.6, 2.8])
    names = (
        w.t.gettext("Criterion"),
        w.t.gettext("Then"),
        w.t.gettext("Now"),
        w.t.gettext("Change"),
    )
    for cell, name in zip(table.rows[0].cells, names, strict=True):
        cell.text = name
    for change in past.changes:
        rubric = w.rubrics[change.rubric_id]
        cells = table.add_row().cells
        title = rubric.criterion(change.criterion_id).title(w.lang)
        cells[0].text = f"{change.criterion_id} {title}"
        cells[1].text = w.score(change.before) if change.before is not None else "–"
        cells[2].text = w.score(change.now) if change.now is not None else "–"
        cells[3].text = _arrow(change.before, change.now)
    doc.heading(w.t.gettext("Actions of the last list"), 2)
    doc.para(
        w.t.gettext(
            "An action counts as taken up when the reviewers now score its criterion higher "
            "than in the last round."
        ),
        SMALL,
    )
    if not past.follow_ups:
        doc.para(w.t.gettext("The last list had no action on a criterion."), HINT)
        return
    table = doc.table(1, 4, TABLE, [4.0, 7.6, 2.2, 3.2])
    names = (
        w.t.gettext("Criterion"),
        w.t.gettext("Recommendation"),
        w.t.gettext("Then → now"),
        w.t.gettext("Status"),
    )
    for cell, name in zip(table.rows[0].cells, names, strict=True):
        cell.text = name
    rows = action_rows(w, [f.action for f in past.follow_ups])
    for follow_up, (_priority, criterion, text, _who) in zip(past.follow_ups, rows, strict=True):
        cells = table.add_row().cells
        cells[0].text = clean(criterion)
        cells[1].text = clean(text)
        score_then = w.score(follow_up.before) if follow_up.before is not None else "–"
        score_now = w.score(follow_up.now) if follow_up.now is not None else "–"
        cells[2].text = f"{score_then} → {score_now}"
        cells[3].text = w.t.gettext(FOLLOW_UP_NAMES[follow_up.status])
