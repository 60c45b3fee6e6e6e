"""Personal links: a reviewer's link to their assignments and a municipality's plan-upload link.
Only a token's hash is stored; issuing a new link replaces (and so revokes) the old one. A
reviewer's link works while the assignment is in `LINK_VALID` and until its expiry."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlmodel import Session, col, select

from review import events, tokens
from review.config import Settings
from review.models import Assignment, AssignmentStatus, Municipality, Round, utcnow
from review.states import LINK_VALID

S = AssignmentStatus

#: The default days a link works after the final deadline when no settings are at hand.
DEFAULT_GRACE_DAYS = Settings.model_fields["link_grace_days"].default


def end_of(day: date) -> datetime:
    return datetime.combine(day, time.max, tzinfo=UTC)


def link_expiry(
    round_: Round, grace_days: int = DEFAULT_GRACE_DAYS, *, due: date | None = None
) -> datetime:
    """Links work until the end of the round's final deadline plus the grace period, or of the
    assignment's own due date (`due`: a backup's or an extended one) when that is later."""
    last = round_.final_deadline or round_.due_date
    if due is not None and due > last:
        last = due
    return end_of(last + timedelta(days=grace_days))


def issue_link(
    session: Session, assignment: Assignment, *, settings: Settings | None = None
) -> str:
    """A fresh personal link token for `assignment`; only its hash is stored. Issuing again
    replaces (and so revokes) the previous link."""
    round_ = session.get(Round, assignment.round_id)
    assert round_ is not None
    grace = settings.link_grace_days if settings else DEFAULT_GRACE_DAYS
    token, digest = new_link_token(settings, assignment)
    assignment.token_hash = digest
    assignment.token_expires_at = link_expiry(round_, grace, due=assignment.due_date)
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


def link_subject(assignment: Assignment) -> str:
    """What a reviewer's link token is derived for: its assignment (`a12`)."""
    return f"a{assignment.id}"


def new_link_token(settings: Settings | None, assignment: Assignment) -> tuple[str, str]:
    """A fresh (token, hash) for `assignment`'s link, derived from the link key so that its
    invitation can wait in the outbox without it (review.tokens); random without settings."""
    if settings is None:
        return tokens.new_token()
    token, digest, _ = tokens.new_derived_token(tokens.link_key(settings), link_subject(assignment))
    return token, digest


def link_placeholder(settings: Settings, assignment: Assignment, token: str) -> str:
    """What stands for `token` in a queued message: its placeholder when the token was derived
    from the link key, else (a random token) the token itself."""
    key = tokens.link_key(settings)
    return tokens.placeholder_for(key, token, link_subject(assignment)) or token


def issue_upload_link(
    session: Session, municipality: Municipality, *, settings: Settings | None = None
) -> str:
    """A fresh plan-upload link token for a municipality (it opens the upload page and the
    reply page); only its hash is stored, and with `settings` it is derived from the link key
    and its nonce kept, so that messages can carry it as a placeholder (`upload_placeholder`).
    Issuing again replaces (and so revokes) the previous link."""
    if settings is None:
        token, digest = tokens.new_token()
        municipality.upload_link_nonce = None
    else:
        key = tokens.link_key(settings)
        token, digest, _ = tokens.new_derived_token(key, municipality_subject(municipality))
        municipality.upload_link_nonce = tokens.nonce_of(token)
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


def municipality_subject(municipality: Municipality) -> str:
    """What a municipality's link token is derived for (`m7`)."""
    return f"m{municipality.id}"


def upload_placeholder(session: Session, settings: Settings, municipality: Municipality) -> str:
    """What stands for the municipality's link token in a queued message: the placeholder of
    its current link when that was derived from the link key, else of a new one (which
    replaces an earlier random link: the message then carries the only working link)."""
    subject = municipality_subject(municipality)
    key = tokens.link_key(settings)
    if municipality.upload_link_nonce:
        found = tokens.stored_placeholder(
            key, subject, municipality.upload_link_nonce, municipality.upload_token_hash
        )
        if found is not None:
            return found
    token = issue_upload_link(session, municipality, settings=settings)
    placeholder = tokens.placeholder_for(key, token, subject)
    assert placeholder is not None  # derived just now
    return placeholder


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
    expires = link_expiry(round_, settings.link_grace_days, due=assignment.due_date)
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
        .order_by(col(Assignment.id))
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
