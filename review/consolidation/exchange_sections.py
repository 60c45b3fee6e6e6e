"""Parts of a plan's consolidated review that the exchange adds (#16), written in the edition's
language: the action list, learning from peers, and the reviewers' calibration (coordinator's
edition only). The data come with the dossier (`review.exchange`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Protocol

from review.documents.docxkit import COMMENT, FLAG, HINT, SMALL, Styled
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

    def label(self, label: str) -> str:
        """A reviewer's blind name in the reader's language ("Reviewer A", "Gutachten A")."""
        ...


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
                doc.para(w.t.quote(clean(comment)), COMMENT)
            if peer.evidence:
                where = "; ".join(
                    clean(f"{place} {w.t.quote(snippet)}" if snippet else place)
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
            text = recommendation_text(w, action)
            who = w.t.ngettext("%(num)s reviewer", "%(num)s reviewers", action.reviewers) % {
                "num": action.reviewers
            }
        rows.append([w.t.gettext(PRIORITY_NAMES[action.priority]), criterion, text, who])
    return rows


def recommendation_text(w: Reader, action: Action) -> str:
    """A reviewer's action as written; a merged one as each of its wordings, one a line, after
    who wrote it ("Reviewer A, Reviewer C: ..."): the municipality and the meeting see every
    reviewer's own words, not only the first."""
    if len(action.wordings) <= 1:
        return w.text(action.recommendation)
    return "\n".join(
        f"{', '.join(w.label(label) for label in wording.labels)}: {w.text(wording.text)}"
        for wording in action.wordings
    )


def actions_section(w: PlanWriter, doc: Styled) -> None:
    """ "Action list": what the reviewers recommend, merged, with a priority from the score and
    the weight (`review.exchange.actions`)."""
    doc.heading(w.t.gettext("Action list"), 1)
    doc.para(
        w.t.gettext(
            "The reviewers' recommendations, merged where they say the same (each in its own "
            "words, with who wrote it). The priority comes "
            "from the score and the weight: how many points of the total the criterion leaves "
            "open. Where no reviewer recommended anything for a criterion below 'good', the "
            "rubric's next level is named."
        )
    )
    actions = action_list(w.d, w.r, w.lang)
    if not actions:
        doc.para(w.t.gettext("No recommendations."), HINT)
        return
    names = (
        w.t.gettext("Priority"),
        w.t.gettext("Criterion"),
        w.t.gettext("Recommendation"),
        w.t.gettext("From"),
    )
    rows = ([clean(value) for value in values] for values in action_rows(w, actions))
    table = doc.text_table(names, rows, [2.3, 4.3, 7.7, 2.7])
    for row, action in zip(table.rows[1:], actions, strict=True):
        if len(action.wordings) > 1:  # each wording its own paragraph, its writers in bold
            cell = row.cells[2]
            cell.text = ""
            for index, wording in enumerate(action.wordings):
                para = cell.paragraphs[0] if index == 0 else cell.add_paragraph()
                who = ", ".join(w.label(label) for label in wording.labels)
                para.add_run(clean(f"{who}: ")).bold = True
                para.add_run(clean(w.text(wording.text)))


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
    names = (
        w.t.gettext("Reviewer"),
        w.t.gettext("Leniency (scale)"),
        w.t.gettext("Leniency (total)"),
        w.t.gettext("Plans"),
        w.t.gettext("Note"),
    )
    few = w.t.gettext("few data: read with caution")
    rows = (
        [
            w.who(seen.label, email=False),
            _signed(w, seen.leniency, 2),
            _signed(w, seen.total_leniency, 1),
            str(seen.plans),
            few if seen.few else "",
        ]
        for seen in w.d.leniency
    )
    doc.text_table(names, rows, [4.6, 2.6, 2.6, 2.2, 5.0])
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


def _score_or_dash(w: PlanWriter, value: float | None) -> str:
    return w.score(value) if value is not None else "–"


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
    names = (
        w.t.gettext("Criterion"),
        w.t.gettext("Then"),
        w.t.gettext("Now"),
        w.t.gettext("Change"),
    )
    changes = (
        [
            f"{c.criterion_id} {w.rubrics[c.rubric_id].criterion(c.criterion_id).title(w.lang)}",
            _score_or_dash(w, c.before),
            _score_or_dash(w, c.now),
            _arrow(c.before, c.now),
        ]
        for c in past.changes
    )
    doc.text_table(names, changes, [9.0, 2.6, 2.6, 2.8])
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
    names = (
        w.t.gettext("Criterion"),
        w.t.gettext("Recommendation"),
        w.t.gettext("Then → now"),
        w.t.gettext("Status"),
    )
    actions = action_rows(w, [f.action for f in past.follow_ups])
    follow_ups = (
        [
            clean(criterion),
            clean(text),
            f"{_score_or_dash(w, follow_up.before)} → {_score_or_dash(w, follow_up.now)}",
            w.t.gettext(FOLLOW_UP_NAMES[follow_up.status]),
        ]
        for follow_up, (_priority, criterion, text, _who) in zip(
            past.follow_ups, actions, strict=True
        )
    )
    doc.text_table(names, follow_ups, [4.0, 7.6, 2.2, 3.2])
