"""Gather, the first step of consolidation: from the database to plain data, everything the
consolidated documents of a plan need.

What counts:
- assignments that are active, i.e. not released (declined, reassigned, withdrawn); a review
  submitted on a released assignment is left out;
- per assignment its latest *submitted* review version (drafts never count);
- expected reviews per rubric: the plan's active assignments with that rubric, and at least the
  round's `min_per_rubric`; fewer submitted reviews make the rubric incomplete;
- reviewer labels ("Reviewer A", "B", ...) by assignment id over the plan's active assignments, so
  a label stays the same from one compile to the next;
- the findings of the plan's latest document (automatic intake hints).

The result, `PlanDossier`, is plain data (picklable): documents are rendered from it in other
processes without a database connection.
"""

from __future__ import annotations

import string
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field
from sqlmodel import Session, col, select

from review.asked_parts import ALL_GATES, asked_in, findings_shown, gates_in
from review.consolidation.rules import PlanResult, RubricInput, SubmittedReview, score_plan
from review.errors import NotFound
from review.exchange.data import Lesson, PlanHistory, ReviewerLeniency
from review.exchange.replies import ReplyItem, replies_by_plan
from review.i18n import N_, Plural, translator
from review.models import (
    Assignment,
    AssignmentStatus,
    Document,
    Municipality,
    Plan,
    Review,
    Reviewer,
    Round,
)
from review.queries import in_batches, latest_documents, latest_submitted_reviews
from review.rubric import Rubric, load_rubrics

RELEASED = frozenset(
    {
        AssignmentStatus.declined.value,
        AssignmentStatus.reassigned.value,
        AssignmentStatus.withdrawn.value,
    }
)


def reviewer_label(index: int, language: str) -> str:
    """'Reviewer A' for 0, ..., 'Reviewer Z', then 'Reviewer AA'; German 'Gutachten A'."""
    letters = string.ascii_uppercase
    tag = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        tag = letters[rest] + tag
    return translator(language).gettext("Reviewer %(tag)s") % {"tag": tag}


class ReviewerIdentity(BaseModel):
    """Who is behind a label: for the coordinator's edition, and to redact the municipality's."""

    label: str
    #: The reviewer's place among the plan's reviewers: the label in another language.
    index: int = 0
    rubric: str
    name: str
    email: str
    municipality: str = ""
    submitted: bool = False
    submitted_at: datetime | None = None
    version: int | None = None
    source: str | None = None
    status: str = ""


class PlanDossier(BaseModel):
    round_name: str
    #: The round's language: the coordinator's edition, the summary and the exports.
    language: str
    #: The municipality's language: its edition.
    municipality_language: str = ""
    blind: bool
    #: Whether plans and municipalities are named to each other (learning from peers).
    peers_named: bool = True
    compiled_on: date
    plan_id: int
    plan_title: str
    municipality: str
    #: The document the reviews assessed when they all assessed one, else the plan's newest.
    document_name: str | None = None
    document_version: int | None = None
    #: The plan's newest document when it is not the one shown ('plan-v2.pdf (version 2)'), and
    #: the versions the reviews assessed when they were more than one: a municipality may send
    #: a new version while its plan is reviewed.
    newer_document: str | None = None
    newer_version: int | None = None
    versions_reviewed: list[int] = Field(default_factory=list)
    findings: list[dict[str, Any]] = Field(default_factory=list)
    #: The JRC gates the round asks its reviewers about (review.asked_parts.gates_in): the only
    #: ones judged and reported.
    gates: list[str] = Field(default_factory=lambda: list(ALL_GATES))
    rubrics: list[RubricInput]
    reviewers: list[ReviewerIdentity]
    # The exchange (#16), filled by the pipeline from more than this plan: what it can learn
    # from its peers, its plan of an earlier round, its reviewers' leniency (coordinator only).
    lessons: list[Lesson] = Field(default_factory=list)
    history: PlanHistory | None = None
    leniency: list[ReviewerLeniency] = Field(default_factory=list)
    #: The municipality's replies to the draft (review.exchange.replies), shown in both editions.
    replies: list[ReplyItem] = Field(default_factory=list)

    def score(self) -> PlanResult:
        return score_plan(self.rubrics, self.findings, self.language, self.gates)

    def review_of(self, label: str) -> SubmittedReview | None:
        for rubric in self.rubrics:
            for review in rubric.reviews:
                if review.label == label:
                    return review
        return None


@dataclass
class PlanRow:
    """A plan's dossier with its scored result: one row of the round outputs."""

    dossier: PlanDossier
    result: PlanResult


def rubrics_of(rows: Sequence[PlanRow]) -> list[Rubric]:
    """The rubrics the plans are reviewed with, by id."""
    seen: dict[str, Rubric] = {}
    for row in rows:
        for ri in row.dossier.rubrics:
            seen.setdefault(ri.rubric.id, ri.rubric)
    return [seen[k] for k in sorted(seen)]


def gather_round(
    session: Session,
    round_: Round,
    *,
    rubrics: dict[str, Rubric] | None = None,
    plan_ids: list[int] | None = None,
    today: date | None = None,
) -> list[PlanDossier]:
    """The dossiers of every plan of a round (or of `plan_ids`), in a few queries."""
    rubrics = rubrics if rubrics is not None else load_rubrics()
    asked = asked_in(round_, rubrics)  # the parts the hints may call missing
    gates = list(gates_in(round_, rubrics))
    query = select(Plan).where(Plan.round_id == round_.id).order_by(col(Plan.id))
    if plan_ids is not None:
        query = query.where(col(Plan.id).in_(plan_ids))
    plans = list(session.exec(query))
    ids = [p.id for p in plans if p.id is not None]
    municipalities = {
        m.id: m
        for m in session.exec(select(Municipality).where(Municipality.round_id == round_.id))
    }
    reviewers = {
        r.id: r for r in session.exec(select(Reviewer).where(Reviewer.round_id == round_.id))
    }
    assignments_by_plan: dict[int, list[Assignment]] = defaultdict(list)
    for batch in in_batches(ids):  # batches of plans: each plan's assignments stay in order
        for a in session.exec(
            select(Assignment)
            .where(col(Assignment.plan_id).in_(batch))
            .order_by(col(Assignment.id))
        ):
            if a.status not in RELEASED:
                assignments_by_plan[a.plan_id].append(a)
    active_ids = [a.id for group in assignments_by_plan.values() for a in group if a.id is not None]
    reviews = latest_submitted_reviews(session, active_ids)
    documents = latest_documents(session, ids)
    # The documents the reviews assessed that are not their plan's newest (rare: a new
    # version came in while the plan was reviewed).
    newest_ids = {d.id for d in documents.values()}
    older = sorted({r.document_id for r in reviews.values() if r.document_id} - newest_ids)
    assessed = {d.id: d for d in documents.values()}
    for batch in in_batches(older):
        assessed.update(
            (d.id, d) for d in session.exec(select(Document).where(col(Document.id).in_(batch)))
        )
    language = round_.language
    today = today or date.today()

    replied = replies_by_plan(session, round_.id) if round_.id is not None else {}
    dossiers = []
    for plan in plans:
        assert plan.id is not None
        active = assignments_by_plan.get(plan.id, [])
        unknown = sorted({a.rubric for a in active} - set(rubrics))
        if unknown:
            raise NotFound(
                N_(
                    "plan %(id)s is reviewed with %(rubrics)s %(unknown)s, not found among the "
                    "rubric files (%(known)s)"
                ),
                id=plan.id,
                # Its own texts, not "rubric": that one is a column's header (no plural).
                rubrics=Plural("unknown rubric", "unknown rubrics", len(unknown)),
                unknown=", ".join(unknown),
                known=", ".join(sorted(rubrics)),
            )
        expected: dict[str, int] = defaultdict(int)
        for rubric_id, minimum in (round_.min_per_rubric or {}).items():
            if rubric_id in rubrics and minimum > 0:
                expected[rubric_id] = 0
        by_rubric: dict[str, list[SubmittedReview]] = defaultdict(list)
        infos: list[ReviewerIdentity] = []
        for index, assignment in enumerate(active):
            label = reviewer_label(index, language)
            expected[assignment.rubric] += 1
            reviewer = reviewers[assignment.reviewer_id]
            review = reviews.get(assignment.id) if assignment.id is not None else None
            home = (
                municipalities.get(reviewer.municipality_id) if reviewer.municipality_id else None
            )
            infos.append(
                ReviewerIdentity(
                    label=label,
                    index=index,
                    rubric=assignment.rubric,
                    name=reviewer.name,
                    email=reviewer.email,
                    municipality=home.name if home else "",
                    submitted=review is not None,
                    submitted_at=review.submitted_at if review else None,
                    version=review.version if review else None,
                    source=review.source if review else None,
                    status=assignment.status,
                )
            )
            if review is not None:
                by_rubric[assignment.rubric].append(
                    SubmittedReview(
                        label=label,
                        scores=dict(review.scores or {}),
                        comments={k: str(v) for k, v in (review.comments or {}).items()},
                        strengths=review.strengths or "",
                        weaknesses=review.weaknesses or "",
                        recommendations=review.recommendations or "",
                        eligibility={k: bool(v) for k, v in (review.eligibility or {}).items()},
                    )
                )
        minimums = round_.min_per_rubric or {}
        rubric_inputs = [
            RubricInput(
                rubric=rubrics[rubric_id],
                expected=max(count, int(minimums.get(rubric_id, 0))),
                reviews=by_rubric.get(rubric_id, []),
            )
            for rubric_id, count in sorted(expected.items())
        ]
        newest = documents.get(plan.id)
        submitted = [reviews[a.id] for a in active if a.id in reviews]
        document, newer, versions = _assessed(newest, submitted, assessed)
        municipality = municipalities.get(plan.municipality_id)
        dossiers.append(
            PlanDossier(
                round_name=round_.name,
                language=language,
                municipality_language=municipality.language if municipality else language,
                blind=round_.blind,
                peers_named=round_.peers_named,
                compiled_on=today,
                plan_id=plan.id,
                plan_title=plan.title or "",
                municipality=municipality.name if municipality else "",
                document_name=document.file_name if document else None,
                document_version=document.version if document else None,
                newer_document=newer.file_name if newer else None,
                newer_version=newer.version if newer else None,
                versions_reviewed=versions,
                findings=findings_shown(document.findings or [], asked) if document else [],
                gates=gates,
                rubrics=rubric_inputs,
                reviewers=infos,
                replies=replied.get(plan.id, []),
            )
        )
    return dossiers


def _assessed(
    newest: Document | None, reviews: list[Review], documents: dict[int | None, Document]
) -> tuple[Document | None, Document | None, list[int]]:
    """The document to name (the one every review assessed, else the newest), the newest when
    it is another, and the versions assessed when they were several (reviews submitted before
    the assessed document was kept count as assessing nothing known)."""
    seen = sorted({r.document_id for r in reviews if r.document_id in documents}, key=str)
    if len(seen) == 1:
        shown = documents[seen[0]]
        return shown, (newest if newest is not None and newest.id != shown.id else None), []
    versions = sorted({documents[i].version for i in seen})
    return newest, None, versions if len(versions) > 1 else []


def round_plan_ids(session: Session, round_: Round) -> list[int]:
    query = select(Plan.id).where(Plan.round_id == round_.id).order_by(col(Plan.id))
    return [plan_id for plan_id in session.exec(query) if plan_id is not None]


def gather_plan(
    session: Session, plan_id: int, *, rubrics: dict[str, Rubric] | None = None
) -> PlanDossier:
    plan = session.get(Plan, plan_id)
    if plan is None:
        raise NotFound(f"no plan with id {plan_id}")
    round_ = session.get(Round, plan.round_id)
    assert round_ is not None
    return gather_round(session, round_, rubrics=rubrics, plan_ids=[plan_id])[0]


def plan_complete(
    session: Session, plan_id: int, *, rubrics: dict[str, Rubric] | None = None
) -> bool:
    """Whether every expected review of the plan is in: the moment to compile it (call after a
    review is submitted; `compile_reviews` with `plan_ids=[plan_id]` then writes its documents)."""
    return gather_plan(session, plan_id, rubrics=rubrics).score().status == "complete"


def municipality_key(name: str) -> str:
    """A municipality's name as rounds are compared on it: case and spacing aside."""
    return " ".join(name.casefold().split())


def gather_earlier(
    session: Session,
    round_: Round,
    dossiers: Sequence[PlanDossier],
    *,
    rubrics: dict[str, Rubric] | None = None,
) -> dict[int, PlanDossier]:
    """Plan id -> the dossier of the same municipality's plan in the most recent round created
    before `round_` (a monitoring cycle or a revised plan), for the plans that have one."""
    wanted = {municipality_key(d.municipality): d.plan_id for d in dossiers}
    if not wanted:
        return {}
    rounds = {
        r.id: r
        for r in session.exec(select(Round).where(Round.id != round_.id))
        if (r.created_at, r.id or 0) < (round_.created_at, round_.id or 0)
    }
    if not rounds:
        return {}
    latest: dict[str, tuple[Round, int]] = {}
    query = (
        select(Plan.id, Plan.round_id, Municipality.name)
        .join(Municipality, col(Plan.municipality_id) == col(Municipality.id))
        .where(col(Plan.round_id).in_(list(rounds)))
    )
    for plan_id, round_id, name in session.exec(query):
        key = municipality_key(name)
        then = rounds[round_id]
        if key in wanted and plan_id is not None:
            seen = latest.get(key)
            if seen is None or (seen[0].created_at, seen[0].id or 0) < (then.created_at, round_id):
                latest[key] = (then, plan_id)
    by_round: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for key, (then, plan_id) in latest.items():
        assert then.id is not None
        by_round[then.id].append((key, plan_id))
    out: dict[int, PlanDossier] = {}
    for round_id, pairs in by_round.items():
        found = gather_round(
            session, rounds[round_id], rubrics=rubrics, plan_ids=[p for _k, p in pairs]
        )
        for dossier in found:
            out[wanted[municipality_key(dossier.municipality)]] = dossier
    return out
