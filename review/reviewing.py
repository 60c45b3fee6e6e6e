"""Reviewing an assigned plan: personal links, the review form's state, drafts, submission,
accepting and declining. Plain functions on a session; the portal and the Word form call them.

A review is a row of `Review`. A draft is saved in place and its `revision` goes up with every
save; submitting freezes that version; editing a submitted review (when the round allows it and
the deadline has not passed) starts a new version and keeps the earlier ones. Every save names
the (version, revision) it was based on: a save based on anything but the newest is refused with
the differences (`StaleSave`), never written over newer work.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from review import events, tokens
from review.config import Settings
from review.errors import InvalidInput, PeerplanError
from review.models import (
    Assignment,
    AssignmentStatus,
    Document,
    Municipality,
    Plan,
    Review,
    Reviewer,
    ReviewSource,
    ReviewStatus,
    Round,
    utcnow,
)
from review.notify import hooks
from review.rubric import Rubric, Text
from review.states import LINK_VALID, OPEN, transition

S = AssignmentStatus

#: Longest text accepted in one field (a comment is a few paragraphs, not a book).
MAX_TEXT = 20_000
#: The default days a link works after the final deadline when no settings are at hand.
DEFAULT_GRACE_DAYS = Settings.model_fields["link_grace_days"].default
OVERALL_FIELDS = ("strengths", "weaknesses", "recommendations")
NOT_APPLICABLE = "n/a"
_NA_SPELLINGS = {"n/a", "na", "n.a.", "k.a.", "ka", "entfällt", "nicht anwendbar", "not applicable"}

#: The JRC eligibility criteria a reviewer confirms (Covenant of Mayors; a plan failing one is
#: sent back). Stored in `Review.eligibility` as {id: true/false}; the ids are those of
#: review.eligibility.JRC_GATES (consolidation).
ELIGIBILITY: dict[str, Text] = {
    "council_approval": Text(
        de="Vom Gemeinderat beschlossen", en="Approved by the municipal council"
    ),
    "targets": Text(
        de="Nennt Minderungsziel und Anpassungsverpflichtung",
        en="States the mitigation target and the adaptation commitment",
    ),
    "bei_rva": Text(
        de="Beruht auf einem Emissionsinventar (BEI) und einer Risikoanalyse (RVA)",
        en="Based on a baseline emission inventory (BEI) and a risk and vulnerability assessment",
    ),
    "bei_sectors": Text(
        de="Inventar deckt mindestens 3 der 4 Schlüsselsektoren ab",
        en="The inventory covers at least 3 of the 4 key sectors",
    ),
    "action_sectors": Text(
        de="Minderungsmaßnahmen decken mindestens 2 der 4 Schlüsselsektoren ab",
        en="Mitigation actions cover at least 2 of the 4 key sectors",
    ),
}


# --------------------------------------------------------------------------- errors


@dataclass(frozen=True)
class Difference:
    field: str
    yours: str
    stored: str


class Bilingual(PeerplanError):
    """A user error whose message exists in English (`str`) and German (`.text("de")`)."""

    def __init__(self, en: str, de: str) -> None:
        super().__init__(en)
        self.de = de

    def text(self, language: str) -> str:
        return self.de if language == "de" else str(self)


class StaleSave(Bilingual):
    """The review was saved elsewhere since the page (or Word form) was opened. Nothing written."""

    def __init__(self, differences: list[Difference], stored: Seen | None, seen: Seen) -> None:
        self.differences, self.stored, self.seen = differences, stored, seen
        fields = ", ".join(d.field for d in differences)
        super().__init__(
            f"this review was saved elsewhere (another tab, device or an uploaded Word form) "
            f"after you opened it: you worked on {seen}, the newest is {stored}. Nothing was "
            f"saved. Fields that differ: {fields or 'none of the fields you sent'}. "
            f"Check the differences and save again.",
            f"Diese Begutachtung wurde anderswo gespeichert (anderer Tab, anderes Gerät oder ein "
            f"hochgeladenes Word-Formular), nachdem Sie sie geöffnet hatten: "
            f"Sie haben Stand {seen} "
            f"bearbeitet, gespeichert ist {stored}. Es wurde nichts gespeichert. Abweichende "
            f"Felder: {fields or 'keine'}. Prüfen Sie die Unterschiede und speichern Sie erneut.",
        )


class InvalidReview(PeerplanError):
    """The review breaks the rubric's rules; `errors` maps form fields to messages."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))


class NotEditable(Bilingual):
    pass


class BadReason(Bilingual, InvalidInput):
    pass


# --------------------------------------------------------------------------- form data


@dataclass(frozen=True, order=True)
class Seen:
    """Which saved state a page or Word form was based on: (0, 0) is "nothing saved yet"."""

    version: int = 0
    revision: int = 0

    def __str__(self) -> str:
        return f"{self.version}.{self.revision}"

    @classmethod
    def parse(cls, value: str | Seen | tuple[int, int] | None) -> Seen:
        if isinstance(value, Seen):
            return value
        if isinstance(value, tuple):
            return cls(int(value[0]), int(value[1]))
        try:
            version, revision = (int(p) for p in str(value or "0.0").split("."))
        except ValueError:
            raise InvalidInput(f"'{value}' is not a review revision marker") from None
        return cls(version, revision)


@dataclass
class ReviewInput:
    """What a reviewer typed, as typed: scores are "" (unanswered), "n/a" or a level number."""

    scores: dict[str, str] = field(default_factory=dict)
    comments: dict[str, str] = field(default_factory=dict)
    strengths: str = ""
    weaknesses: str = ""
    recommendations: str = ""
    eligibility: dict[str, bool] = field(default_factory=dict)

    @classmethod
    def from_review(cls, review: Review | None) -> ReviewInput:
        if review is None:
            return cls()
        return cls(
            scores={
                k: NOT_APPLICABLE if v is None else str(v) for k, v in (review.scores or {}).items()
            },
            comments=dict(review.comments or {}),
            strengths=review.strengths,
            weaknesses=review.weaknesses,
            recommendations=review.recommendations,
            eligibility=dict(review.eligibility or {}),
        )

    @classmethod
    def from_form(cls, rubric: Rubric, form: Any) -> ReviewInput:
        """From posted fields `score-<id>`, `comment-<id>`, `strengths`, ..., `elig-<id>`."""

        def get(name: str) -> str:
            value = form.get(name)
            return value if isinstance(value, str) else ""

        return cls(
            scores={c.id: get(f"score-{c.id}").strip() for c in rubric.criteria},
            comments={c.id: get(f"comment-{c.id}") for c in rubric.criteria},
            strengths=get("strengths"),
            weaknesses=get("weaknesses"),
            recommendations=get("recommendations"),
            eligibility={
                key: get(f"elig-{key}") == "yes"
                for key in ELIGIBILITY
                if get(f"elig-{key}") in ("yes", "no")
            },
        )

    def fields(self, rubric: Rubric) -> dict[str, str]:
        """Flat field -> text, the same names the web form uses (for comparing two inputs)."""
        out: dict[str, str] = {}
        for c in rubric.criteria:
            out[f"score-{c.id}"] = normalise_score(self.scores.get(c.id, ""))
            out[f"comment-{c.id}"] = (self.comments.get(c.id) or "").strip()
        for name in OVERALL_FIELDS:
            out[name] = getattr(self, name).strip()
        for key in ELIGIBILITY:
            value = self.eligibility.get(key)
            out[f"elig-{key}"] = "" if value is None else ("yes" if value else "no")
        return out


def normalise_score(raw: Any) -> str:
    text = str(raw if raw is not None else "").strip()
    if text.lower() in _NA_SPELLINGS:
        return NOT_APPLICABLE
    return text


@dataclass
class FormState:
    """The newest saved review of an assignment, as the form shows it."""

    assignment: Assignment
    review: Review | None
    data: ReviewInput
    seen: Seen
    status: str | None  # None: nothing saved; "draft"; "submitted"
    editable: bool
    versions: int


# --------------------------------------------------------------------------- links


def _end_of(day: date) -> datetime:
    return datetime.combine(day, time.max, tzinfo=UTC)


def link_expiry(round_: Round, grace_days: int = DEFAULT_GRACE_DAYS) -> datetime:
    """Links work until the end of the round's final deadline plus the grace period."""
    return _end_of((round_.final_deadline or round_.due_date) + timedelta(days=grace_days))


def issue_link(
    session: Session, assignment: Assignment, *, settings: Settings | None = None
) -> str:
    """A fresh personal link token for `assignment`; only its hash is stored. Issuing again
    replaces (and so revokes) the previous link."""
    round_ = session.get(Round, assignment.round_id)
    assert round_ is not None
    grace = settings.link_grace_days if settings else DEFAULT_GRACE_DAYS
    token, digest = tokens.new_token()
    assignment.token_hash = digest
    assignment.token_expires_at = link_expiry(round_, grace)
    session.add(assignment)
    session.flush()
    events.record(
        session,
        kind="assignment.link_issued",
        actor="system",
        entity="assignment",
        entity_id=assignment.id,
        round_id=assignment.round_id,
        payload={"expires_at": assignment.token_expires_at.isoformat()},
    )
    return token


def issue_upload_link(session: Session, municipality: Municipality) -> str:
    """A fresh plan-upload link token for a municipality; only its hash is stored."""
    token, digest = tokens.new_token()
    municipality.upload_token_hash = digest
    session.add(municipality)
    session.flush()
    events.record(
        session,
        kind="municipality.upload_link_issued",
        actor="system",
        entity="municipality",
        entity_id=municipality.id,
        round_id=municipality.round_id,
    )
    return token


def _aware(value: datetime) -> datetime:
    # SQLite hands datetimes back without their zone; every stored time is UTC.
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def assignment_for_token(
    session: Session, token: str, settings: Settings, *, now: datetime | None = None
) -> Assignment | None:
    """The assignment a personal link opens, or None when the link is unknown, expired or
    revoked (declined, reassigned, withdrawn). Look-up by hash, then a constant-time check."""
    if not token or len(token) > 200:
        return None
    digest = tokens.hash_token(token)
    assignment = session.exec(select(Assignment).where(Assignment.token_hash == digest)).first()
    if assignment is None or not tokens.matches(token, assignment.token_hash):
        return None
    if S(assignment.status) not in LINK_VALID:
        return None
    now = now or utcnow()
    round_ = session.get(Round, assignment.round_id)
    assert round_ is not None
    expires = link_expiry(round_, settings.link_grace_days)
    if assignment.token_expires_at is not None:
        expires = min(expires, _aware(assignment.token_expires_at))
    if now > expires:
        return None
    return assignment


def municipality_for_token(session: Session, token: str) -> Municipality | None:
    if not token or len(token) > 200:
        return None
    digest = tokens.hash_token(token)
    municipality = session.exec(
        select(Municipality).where(Municipality.upload_token_hash == digest)
    ).first()
    if municipality is None or not tokens.matches(token, municipality.upload_token_hash):
        return None
    return municipality


def own_assignments(session: Session, assignment: Assignment) -> list[Assignment]:
    """Every assignment of the same reviewer (one email per round) that a link may open."""
    rows = session.exec(
        select(Assignment)
        .where(Assignment.reviewer_id == assignment.reviewer_id)
        .order_by(Assignment.id)  # type: ignore[arg-type]
    )
    return [a for a in rows if S(a.status) in LINK_VALID]


def own_assignment(session: Session, via: Assignment, assignment_id: int) -> Assignment | None:
    """The reviewer's assignment `assignment_id`, reached through the link of `via`; None when it
    belongs to someone else or its link no longer works."""
    if assignment_id == via.id:
        return via
    other = session.get(Assignment, assignment_id)
    if other is None or other.reviewer_id != via.reviewer_id or S(other.status) not in LINK_VALID:
        return None
    return other


# --------------------------------------------------------------------------- reading


@dataclass
class AssignmentView:
    """What the reviewer may see about an assignment (never other reviewers or their reviews)."""

    assignment: Assignment
    reviewer: Reviewer
    round: Round
    plan: Plan
    municipality: Municipality
    document: Document | None


def view(session: Session, assignment: Assignment) -> AssignmentView:
    plan = session.get(Plan, assignment.plan_id)
    reviewer = session.get(Reviewer, assignment.reviewer_id)
    round_ = session.get(Round, assignment.round_id)
    assert plan and reviewer and round_
    municipality = session.get(Municipality, plan.municipality_id)
    assert municipality
    return AssignmentView(
        assignment, reviewer, round_, plan, municipality, latest_document(session, plan)
    )


def latest_document(session: Session, plan: Plan) -> Document | None:
    return session.exec(
        select(Document).where(Document.plan_id == plan.id).order_by(Document.version.desc())  # type: ignore[attr-defined]
    ).first()


def latest_review(session: Session, assignment: Assignment) -> Review | None:
    return session.exec(
        select(Review)
        .where(Review.assignment_id == assignment.id)
        .order_by(Review.version.desc())  # type: ignore[attr-defined]
        .execution_options(populate_existing=True)
    ).first()


def reviews(session: Session, assignment: Assignment) -> list[Review]:
    return list(
        session.exec(
            select(Review).where(Review.assignment_id == assignment.id).order_by(Review.version)  # type: ignore[arg-type]
        )
    )


def edit_deadline(round_: Round, assignment: Assignment) -> datetime:
    """Submitted reviews can be edited until the end of the round's final deadline."""
    return _end_of(round_.final_deadline or assignment.due_date)


def _editable(
    session: Session, assignment: Assignment, latest: Review | None, now: datetime
) -> bool:
    status = S(assignment.status)
    if status in OPEN:
        return True
    if status is S.submitted:
        round_ = session.get(Round, assignment.round_id)
        assert round_
        return round_.edit_after_submit and now <= edit_deadline(round_, assignment)
    return False


def form_state(
    session: Session, assignment: Assignment, *, now: datetime | None = None
) -> FormState:
    latest = latest_review(session, assignment)
    return FormState(
        assignment=assignment,
        review=latest,
        data=ReviewInput.from_review(latest),
        seen=Seen(latest.version, latest.revision) if latest else Seen(),
        status=latest.status if latest else None,
        editable=_editable(session, assignment, latest, now or utcnow()),
        versions=latest.version if latest else 0,
    )


@dataclass(frozen=True)
class FormPage:
    """What a reviewer's form page shows: the assignment as the reviewer may see it, the newest
    saved review, and the submitted versions."""

    view: AssignmentView
    state: FormState
    submitted: list[Review]


def form_page(session: Session, assignment_id: int, *, now: datetime | None = None) -> FormPage:
    assignment = session.get(Assignment, assignment_id)
    assert assignment is not None, "the portal opens only assignments its links found"
    return FormPage(
        view=view(session, assignment),
        state=form_state(session, assignment, now=now),
        submitted=[r for r in reviews(session, assignment) if r.status == ReviewStatus.submitted],
    )


# --------------------------------------------------------------------------- validation

_MESSAGES = {
    "score_missing": Text(de="Bitte eine Bewertung wählen.", en="Please choose a score."),
    "score_range": Text(
        de="„{value}“ liegt nicht auf der Skala {low}–{high}.",
        en="'{value}' is not on the scale {low}-{high}.",
    ),
    "na_not_allowed": Text(
        de="„nicht anwendbar“ ist bei diesem Kriterium nicht erlaubt; bitte {low}–{high} wählen.",
        en="'not applicable' is not allowed for this criterion; please choose {low}-{high}.",
    ),
    "comment_required": Text(
        de="Ein Kommentar ist hier erforderlich (bei Bewertung {value}).",
        en="A comment is required here (for score {value}).",
    ),
    "comment_always": Text(
        de="Zu diesem Kriterium ist immer ein Kommentar erforderlich.",
        en="This criterion always needs a comment.",
    ),
    "too_long": Text(
        de="Zu lang: höchstens {max} Zeichen.", en="Too long: at most {max} characters."
    ),
    "unknown": Text(de="Unbekanntes Kriterium „{value}“.", en="Unknown criterion '{value}'."),
}


def _msg(key: str, language: str, **kw: Any) -> str:
    return _MESSAGES[key](language).format(**kw)


def parse_score(rubric: Rubric, criterion_id: str, raw: Any) -> tuple[bool, int | None]:
    """(answered, level): (False, None) unanswered, (True, None) not applicable. Raises
    ValueError for anything else off the scale."""
    text = normalise_score(raw)
    if text == "":
        return False, None
    if text == NOT_APPLICABLE:
        return True, None
    # "3", "3 - gut", "3 (good)": the leading number counts.
    head = text.split()[0].rstrip(".:-–)")
    value = int(head)
    if not rubric.scale.minimum <= value <= rubric.scale.maximum:
        raise ValueError(text)
    return True, value


def validate(
    rubric: Rubric, submission: ReviewInput, *, complete: bool = True, language: str = "en"
) -> dict[str, str]:
    """Errors by form field (`score-<id>`, `comment-<id>`, `strengths`, ...); empty when valid.

    `complete=False` (a draft) only refuses values that are wrong, not ones still missing.
    """
    errors: dict[str, str] = {}
    low, high = rubric.scale.minimum, rubric.scale.maximum
    known = {c.id for c in rubric.criteria}
    for stray in sorted(set(submission.scores) - known):
        if normalise_score(submission.scores[stray]):
            errors[f"score-{stray}"] = _msg("unknown", language, value=stray)
    for criterion in rubric.criteria:
        key = f"score-{criterion.id}"
        raw = submission.scores.get(criterion.id, "")
        try:
            answered, value = parse_score(rubric, criterion.id, raw)
        except ValueError:
            errors[key] = _msg(
                "score_range", language, value=normalise_score(raw), low=low, high=high
            )
            continue
        if answered and value is None and not criterion.allow_na:
            errors[key] = _msg("na_not_allowed", language, low=low, high=high)
            continue
        comment = (submission.comments.get(criterion.id) or "").strip()
        if len(comment) > MAX_TEXT:
            errors[f"comment-{criterion.id}"] = _msg("too_long", language, max=MAX_TEXT)
        if not complete:
            continue
        if not answered:
            errors[key] = _msg("score_missing", language)
            continue
        if not comment and rubric.comment_required(criterion, value):
            errors[f"comment-{criterion.id}"] = (
                _msg("comment_always", language)
                if criterion.comment == "always"
                else _msg("comment_required", language, value=value)
            )
    for name in OVERALL_FIELDS:
        if len(getattr(submission, name)) > MAX_TEXT:
            errors[name] = _msg("too_long", language, max=MAX_TEXT)
    return errors


def _stored_values(rubric: Rubric, data: ReviewInput) -> dict[str, Any]:
    scores: dict[str, int | None] = {}
    comments: dict[str, str] = {}
    for criterion in rubric.criteria:
        answered, value = parse_score(rubric, criterion.id, data.scores.get(criterion.id, ""))
        if answered:
            scores[criterion.id] = value
        comment = (data.comments.get(criterion.id) or "").strip()
        if comment:
            comments[criterion.id] = comment
    return {
        "scores": scores,
        "comments": comments,
        "strengths": data.strengths.strip(),
        "weaknesses": data.weaknesses.strip(),
        "recommendations": data.recommendations.strip(),
        "eligibility": {k: bool(v) for k, v in data.eligibility.items() if k in ELIGIBILITY},
    }


# --------------------------------------------------------------------------- saving


def differences(rubric: Rubric, yours: ReviewInput, stored: ReviewInput) -> list[Difference]:
    mine, theirs = yours.fields(rubric), stored.fields(rubric)
    return [Difference(k, mine[k], theirs[k]) for k in mine if mine[k] != theirs[k]]


def _rubric_of(assignment: Assignment, rubrics: dict[str, Rubric] | None) -> Rubric:
    if rubrics is None:
        from review.rubric import load_rubrics

        rubrics = load_rubrics()
    try:
        return rubrics[assignment.rubric]
    except KeyError:
        raise InvalidInput(
            f"assignment {assignment.id} uses rubric '{assignment.rubric}', which is not installed"
        ) from None


def _check_fresh(
    session: Session, rubric: Rubric, assignment: Assignment, data: ReviewInput, seen: Seen
) -> Review | None:
    latest = latest_review(session, assignment)
    stored = Seen(latest.version, latest.revision) if latest else Seen()
    if stored != seen:
        raise StaleSave(differences(rubric, data, ReviewInput.from_review(latest)), stored, seen)
    return latest


def _check_editable(
    session: Session, assignment: Assignment, latest: Review | None, now: datetime
) -> None:
    if not _editable(session, assignment, latest, now):
        if S(assignment.status) is S.submitted:
            raise NotEditable(
                "this review has been submitted and can no longer be changed "
                "(the round does not allow edits after submission, or its deadline has passed)",
                "Diese Begutachtung ist abgeschickt und kann nicht mehr geändert werden (die Runde "
                "erlaubt keine Änderung nach Abgabe, oder die Frist ist abgelaufen).",
            )
        raise NotEditable(
            f"this assignment is {assignment.status}; its review cannot be changed",
            f"Diese Begutachtung ist im Stand „{assignment.status}“ "
            "und kann nicht geändert werden.",
        )


def _write(
    session: Session,
    assignment: Assignment,
    latest: Review | None,
    values: dict[str, Any],
    *,
    status: ReviewStatus,
    source: ReviewSource | str,
    rubric: Rubric,
    data: ReviewInput,
    seen: Seen,
    now: datetime,
) -> Review:
    """Write the review: in place over a draft (guarded by its revision), else a new version."""
    source = ReviewSource(source).value
    common = {
        **values,
        "status": status.value,
        "source": source,
        "updated_at": now,
        "submitted_at": now if status is ReviewStatus.submitted else None,
    }
    if latest is not None and latest.status == ReviewStatus.draft.value:
        result = session.execute(
            update(Review)
            .where(Review.id == latest.id, Review.revision == latest.revision)  # type: ignore[arg-type]
            .values(revision=latest.revision + 1, **common)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:  # saved by someone else between our read and our write
            session.expire(latest)
            fresh = latest_review(session, assignment)
            stored = Seen(fresh.version, fresh.revision) if fresh else Seen()
            raise StaleSave(differences(rubric, data, ReviewInput.from_review(fresh)), stored, seen)
        session.expire(latest)
        session.refresh(latest)
        return latest
    review = Review(
        assignment_id=assignment.id,  # type: ignore[arg-type]
        version=(latest.version + 1) if latest else 1,
        revision=1,
        created_at=now,
        **common,
    )
    session.add(review)
    try:
        session.flush()
    except IntegrityError:
        # Another save created this version at the same moment; the caller's transaction is
        # rolled back, so nothing of ours is written.
        raise StaleSave([], None, seen) from None
    return review


def _checked_write(
    session: Session,
    assignment: Assignment,
    data: ReviewInput,
    seen_revision: Seen | str | tuple[int, int],
    status: ReviewStatus,
    *,
    source: ReviewSource | str,
    now: datetime,
    rubrics: dict[str, Rubric] | None,
    language: str,
) -> Review:
    """What a draft save and a submission share: refuse a stale base, a closed review and
    invalid values (missing ones too when submitting), then write. Nothing is written on refusal."""
    seen = Seen.parse(seen_revision)
    rubric = _rubric_of(assignment, rubrics)
    latest = _check_fresh(session, rubric, assignment, data, seen)
    _check_editable(session, assignment, latest, now)
    errors = validate(rubric, data, complete=status is ReviewStatus.submitted, language=language)
    if errors:
        raise InvalidReview(errors)
    return _write(
        session,
        assignment,
        latest,
        _stored_values(rubric, data),
        status=status,
        source=source,
        rubric=rubric,
        data=data,
        seen=seen,
        now=now,
    )


def save_draft(
    session: Session,
    assignment: Assignment,
    data: ReviewInput,
    *,
    seen_revision: Seen | str | tuple[int, int],
    source: ReviewSource | str = ReviewSource.web,
    actor: str,
    now: datetime | None = None,
    rubrics: dict[str, Rubric] | None = None,
    language: str = "en",
) -> Review:
    """Save what the reviewer typed so far. Refuses wrong values (a score off the scale) but
    not missing ones. Raises StaleSave, InvalidReview, NotEditable; none of them writes."""
    now = now or utcnow()
    review = _checked_write(
        session,
        assignment,
        data,
        seen_revision,
        ReviewStatus.draft,
        source=source,
        now=now,
        rubrics=rubrics,
        language=language,
    )
    events.record(
        session,
        kind="review.draft_saved",
        actor=actor,
        entity="assignment",
        entity_id=assignment.id,
        round_id=assignment.round_id,
        payload={"version": review.version, "revision": review.revision, "source": review.source},
    )
    return review


def submit(
    session: Session,
    assignment: Assignment,
    data: ReviewInput,
    *,
    settings: Settings,
    seen_revision: Seen | str | tuple[int, int],
    source: ReviewSource | str = ReviewSource.web,
    actor: str,
    now: datetime | None = None,
    rubrics: dict[str, Rubric] | None = None,
    language: str = "en",
) -> Review:
    """Submit the review: validated with the rubric's rules, then frozen as a version; the
    assignment becomes `submitted` and the coordinator is told, all in one transaction.

    After submission (when the round allows edits and before its deadline) a new submission is a
    new version; the earlier versions stay. Raises StaleSave, InvalidReview, NotEditable.
    """
    now = now or utcnow()
    review = _checked_write(
        session,
        assignment,
        data,
        seen_revision,
        ReviewStatus.submitted,
        source=source,
        now=now,
        rubrics=rubrics,
        language=language,
    )
    payload = {"version": review.version, "source": review.source}
    if S(assignment.status) is S.submitted:
        events.record(
            session,
            kind="review.resubmitted",
            actor=actor,
            entity="assignment",
            entity_id=assignment.id,
            round_id=assignment.round_id,
            payload=payload,
        )
    else:
        transition(session, assignment, S.submitted, actor=actor, payload=payload, now=now)
    hooks.on_submitted(session, settings, assignment, review)
    return review


def accept(
    session: Session, settings: Settings, assignment: Assignment, *, actor: str
) -> Assignment:
    """The reviewer accepts the invitation. Accepting twice changes nothing."""
    if S(assignment.status) in (S.accepted, S.submitted):
        return assignment
    if S(assignment.status) is S.overdue:
        return assignment  # already expected to deliver; nothing to confirm
    transition(session, assignment, S.accepted, actor=actor)
    hooks.on_accepted(session, settings, assignment)
    return assignment


def decline(
    session: Session, settings: Settings, assignment: Assignment, reason: str, *, actor: str
) -> Assignment:
    """The reviewer declines with a reason. The link stops working, the coordinator is told and
    a replacement is sought (review.notify.hooks.on_declined)."""
    reason = (reason or "").strip()
    if not reason:
        raise BadReason(
            "please give a reason for declining (a sentence is enough)",
            "Bitte nennen Sie einen Grund für die Ablehnung (ein Satz genügt).",
        )
    if len(reason) > 2000:
        raise BadReason(
            "the reason is too long: at most 2000 characters",
            "Der Grund ist zu lang: höchstens 2000 Zeichen.",
        )
    transition(
        session,
        assignment,
        S.declined,
        actor=actor,
        payload={"reason": reason},
        changes={"decline_reason": reason},
    )
    hooks.on_declined(session, settings, assignment, reason, actor=actor)
    return assignment


# --------------------------------------------------------------------------- plan upload


def municipality_documents(session: Session, municipality: Municipality) -> list[Document]:
    """The plan versions a municipality has handed in, newest first."""
    return list(
        session.exec(
            select(Document)
            .join(Plan, Plan.id == Document.plan_id)  # type: ignore[arg-type]
            .where(Plan.municipality_id == municipality.id)
            .order_by(Document.version.desc())  # type: ignore[attr-defined]
        )
    )


def receive_plan(
    session: Session, settings: Settings, municipality: Municipality, data: bytes, file_name: str
) -> Any:
    """A municipality uploads its plan through its own link: the intake reads, checks and
    registers it (its size and file checks apply), and the municipality gets a receipt in the
    same transaction. Returns the intake's outcome (refused ones carry the reason)."""
    from review.intake import take_in

    round_ = session.get(Round, municipality.round_id)
    assert round_ is not None
    outcome = take_in(
        session,
        settings,
        round_=round_,
        data=data,
        file_name=file_name,
        municipality=municipality.name,
        actor=f"municipality:{municipality.id}",
    )
    if outcome.status in ("registered", "new_version") and outcome.document_id is not None:
        document = session.get(Document, outcome.document_id)
        assert document is not None
        hooks.on_plan_received(session, settings, municipality, document)
    return outcome
