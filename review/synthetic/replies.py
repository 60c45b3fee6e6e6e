"""What a municipality of the demo replies to its draft review (#16, review.exchange.replies): a
correction of fact where the reviewers found a part missing that the municipality has elsewhere,
and a comment on a criterion where the plan is weak, in the municipality's language."""

from __future__ import annotations

from dataclasses import dataclass

from review.synthetic.plans import PlanSpec
from review.synthetic.reviews import CRITERION_PARTS, PART_LABELS, emphasis


@dataclass(frozen=True)
class MunicipalityReply:
    rubric_id: str
    criterion_id: str
    kind: str  # "correction" or "comment" (review.exchange.replies.KINDS)
    text: str


def _rubric(criterion_id: str) -> str:
    return "technical" if criterion_id.startswith("T") else "communication"


def municipality_replies(spec: PlanSpec) -> list[MunicipalityReply]:
    """A correction on the first criterion whose part the plan leaves out (if any) and a comment
    on its first weak criterion."""
    de = spec.language == "de"
    replies = []
    missing = next(
        (
            (cid, part)
            for cid, parts in CRITERION_PARTS.items()
            for part in parts
            if not spec.has(part)
        ),
        None,
    )
    if missing is not None:
        cid, part = missing
        label = PART_LABELS[part][spec.language]
        text = (
            f"Der Baustein {label} liegt vor: Der Gemeinderat von {spec.municipality} hat ihn "
            f"am {spec.council_date:%d.%m.%Y} als eigenes Dokument beschlossen, es war der "
            "Einreichung nicht beigefügt. Wir reichen es mit der nächsten Fassung ein."
            if de
            else f"The {label} exists: the council of {spec.municipality} adopted it as a "
            f"separate document on {spec.council_date:%d %B %Y}, which was not attached to the "
            "submission. We will hand it in with the next version."
        )
        replies.append(MunicipalityReply(_rubric(cid), cid, "correction", text))
    weak = [cid for cid, shift in emphasis(spec).items() if shift < 0]
    if weak:
        cid = sorted(weak)[0]
        text = (
            f"Wir teilen die Einschätzung. {spec.municipality} hat dafür inzwischen eine Stelle "
            "ausgeschrieben und will diesen Punkt bis Ende nächsten Jahres nachbessern; die "
            "Beispiele der anderen Gemeinden nehmen wir gern auf."
            if de
            else f"We share this view. {spec.municipality} has since advertised a post for it "
            "and intends to improve this point by the end of next year; we welcome the examples "
            "of the other municipalities."
        )
        replies.append(MunicipalityReply(_rubric(cid), cid, "comment", text))
    return replies
