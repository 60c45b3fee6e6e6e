"""Personal links: a reviewer's link to their assignments and a municipality's plan-upload link.
Only a token's hash is stored; issuing a new link replaces (and so revokes) the old one. A
reviewer's link works while the assignment is in `LINK_VALID` and until its expiry."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Date, Row, and_, bindparam, func, literal_column, or_
from sqlalchemy import select as core_select
from sqlmodel import Session, col, select

from review import events, tokens
from review.config import Settings
from review.link_guard import TRIED, LinkGuard
from review.models import Assignment, AssignmentStatus, Municipality, Round, table_of, utcnow
from review.states import LINK_VALID, OPEN

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
    return _expiry(round_.final_deadline or round_.due_date, due, grace_days)


def _expiry(round_last: date, due: date | None, grace_days: int) -> datetime:
    last = due if due is not None and due > round_last else round_last
    return end_of(last + timedelta(days=grace_days))


def issue_link(
    session: Session, assignment: Assignment, *, settings: Settings | None = None
) -> str:
    """A fresh personal link token for `assignment`; only its hash is stored. Issuing again
    replaces (and so revokes) the previous link."""
    token, columns = link_columns(session, assignment, settings=settings)
    for name, value in columns.items():
        setattr(assignment, name, value)
    session.add(assignment)
    session.flush()
    record_issued(session, [assignment])
    return token


def link_columns(
    session: Session, assignment: Assignment, *, settings: Settings | None = None
) -> tuple[str, dict[str, Any]]:
    """A fresh token for `assignment` and the columns that store its link (hash, expiry), for a
    caller that writes them with the assignment's state change (`invite`: one statement for
    the round); `record_issued` once written."""
    round_ = session.get(Round, assignment.round_id)
    assert round_ is not None
    grace = settings.link_grace_days if settings else DEFAULT_GRACE_DAYS
    token, digest = new_link_token(settings, assignment)
    expires = link_expiry(round_, grace, due=assignment.due_date)
    nonce = tokens.nonce_of(token) if settings is not None else None
    return token, {"token_hash": digest, "token_expires_at": expires, "link_nonce": nonce}


def record_issued(session: Session, assignments: Sequence[Assignment]) -> None:
    """The audit events of links written to `assignments` (one statement for all)."""
    happened = []
    for assignment in assignments:
        assert assignment.token_expires_at is not None
        happened.append(
            {
                "kind": "assignment.link_issued",
                "actor": "system",
                "entity": "assignment",
                "entity_id": assignment.id,
                "round_id": assignment.round_id,
                "payload": {"expires_at": assignment.token_expires_at.isoformat()},
            }
        )
    events.record_all(session, happened)


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


def current_placeholder(settings: Settings, assignment: Assignment) -> str | None:
    """What stands for the assignment's current link in a message queued after its invitation:
    its placeholder while the link derived from the link key is the one in force; None for a
    random link or one issued before its nonce was kept (the message then points to the
    invitation's link)."""
    if not assignment.link_nonce:
        return None
    key = tokens.link_key(settings)
    return tokens.stored_placeholder(
        key, link_subject(assignment), assignment.link_nonce, assignment.token_hash
    )


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


@dataclass(frozen=True)
class OpenedAssignment:
    """An assignment as a reviewer's link opens it: what the portal needs of it and of its round,
    read in one statement without loading ORM objects (every reviewer request opens one). Where
    a change of state needs the row itself: `loaded`."""

    id: int
    round_id: int
    plan_id: int
    reviewer_id: int
    rubric: str
    status: str
    due_date: date
    #: Its round's: when submitted reviews can no longer be edited (`drafts.edit_deadline`).
    final_deadline: date | None
    edit_after_submit: bool


_A, _R = table_of(Assignment), table_of(Round)
_OPENED = core_select(
    _A.c.id,
    _A.c.round_id,
    _A.c.plan_id,
    _A.c.reviewer_id,
    _A.c.rubric,
    _A.c.status,
    _A.c.due_date,
    _R.c.final_deadline,
    _R.c.edit_after_submit,
    _A.c.token_hash,
    _A.c.token_expires_at,
    _R.c.due_date.label("round_due_date"),
).join_from(_A, _R, _R.c.id == _A.c.round_id)
#: Prepared once: SQLAlchemy then finds their compiled form by the statement's cached key.
_BY_TOKEN = _OPENED.where(_A.c.token_hash == bindparam("digest"))
_BY_TOKEN_GUARDED = _BY_TOKEN.add_columns(TRIED.label("tried"))
_BY_ID = _OPENED.where(_A.c.id == bindparam("id"), _A.c.reviewer_id == bindparam("reviewer_id"))


def _opened(row: Row) -> OpenedAssignment:
    return OpenedAssignment(*row[:9])


def opened_by_token(
    session: Session, token: str, settings: Settings, *, now: datetime | None = None
) -> OpenedAssignment | None:
    """The assignment a personal link opens, or None when the link is unknown, expired or
    revoked (declined, reassigned, withdrawn). Look-up by hash, then a constant-time check."""
    if not token or len(token) > 200:
        return None
    row = session.connection().execute(_BY_TOKEN, {"digest": tokens.hash_token(token)}).first()
    return _valid(row, token, settings, now or utcnow())


def open_link(
    session: Session,
    token: str,
    settings: Settings,
    guard: LinkGuard,
    client: str,
    *,
    now: datetime | None = None,
) -> tuple[OpenedAssignment | None, float]:
    """What a reviewer's request through its link needs first: the seconds `client` is still
    locked out by `guard` (0: not locked) and, unless locked, `opened_by_token`'s assignment.
    One statement for both when the client has no recent bad tries (the usual case)."""
    now = now or utcnow()
    row = None
    if token and len(token) <= 200:
        params = {"digest": tokens.hash_token(token), **guard.tried_params(client, now)}
        row = session.connection().execute(_BY_TOKEN_GUARDED, params).first()
    if row is None or row.tried:  # the lock-out worked out from the client's tries
        locked = guard.locked_for(client, now, session=session)
        if locked:
            return None, locked
    return _valid(row, token, settings, now), 0.0


#: A reviewer's link look-up (`open_link`'s statement) as a CTE, for a statement that writes
#: through the link in the same round trip (`in_place.save_through_link`).
LINK = _BY_TOKEN_GUARDED.cte("link")
#: `_valid` as SQL (PostgreSQL's) over `LINK`, and narrower: where a statement may write
#: through the link without asking first. It must never hold where `_valid` refuses: the path's
#: assignment is the link's own (`assignment`), in a state a review can be written in (OPEN,
#: within LINK_VALID); the client has no recent bad try (`tried`: the lock-out is then worked
#: out first); the rubric, reviewer and round are the ones the caller read the form for; and the
#: link has not expired, as `_expiry` has it: it works until the end of the later of its round's
#: last day and its own due date, plus the grace days (`last_day`: today less those days), and
#: not past its own `token_expires_at`. Its parameters: `link_params`.
WRITABLE = and_(
    LINK.c.id == bindparam("assignment"),
    ~LINK.c.tried,
    # Each state a literal of the statement: an IN list of values would be expanded, and the
    # statement's text rendered again, at every execution.
    LINK.c.status.in_([literal_column(f"'{s.value}'") for s in sorted(OPEN)]),
    LINK.c.rubric == bindparam("rubric"),
    LINK.c.reviewer_id == bindparam("reviewer"),
    LINK.c.round_id == bindparam("round"),
    or_(LINK.c.token_expires_at.is_(None), LINK.c.token_expires_at >= bindparam("now")),
    func.greatest(func.coalesce(LINK.c.final_deadline, LINK.c.round_due_date), LINK.c.due_date)
    >= bindparam("last_day", type_=Date),
)


def link_params(
    token: str, settings: Settings, guard: LinkGuard, client: str, now: datetime
) -> dict[str, Any]:
    """The parameters of `LINK` and `WRITABLE` (but those the caller names: the assignment, its
    rubric, reviewer and round)."""
    return {
        "digest": tokens.hash_token(token),
        **guard.tried_params(client, now),
        "now": now,
        "last_day": now.date() - timedelta(days=settings.link_grace_days),
    }


def valid(
    row: Row | None, token: str, settings: Settings, now: datetime
) -> OpenedAssignment | None:
    """`opened_by_token`'s answer for a row of `LINK` that another statement read."""
    return _valid(row, token, settings, now)


def _valid(
    row: Row | None, token: str, settings: Settings, now: datetime
) -> OpenedAssignment | None:
    if row is None or not tokens.matches(token, row.token_hash):
        return None
    if S(row.status) not in LINK_VALID:
        return None
    round_last = row.final_deadline or row.round_due_date
    expires = _expiry(round_last, row.due_date, settings.link_grace_days)  # as `link_expiry`
    if row.token_expires_at is not None:
        expires = min(expires, _aware(row.token_expires_at))
    if now > expires:
        return None
    return _opened(row)


def assignment_for_token(
    session: Session, token: str, settings: Settings, *, now: datetime | None = None
) -> Assignment | None:
    """`opened_by_token`'s assignment as its row."""
    opened = opened_by_token(session, token, settings, now=now)
    return None if opened is None else loaded(session, opened)


def loaded(session: Session, opened: OpenedAssignment) -> Assignment:
    """The row of an opened assignment, for what changes it (accepting, submitting...)."""
    assignment = session.get(Assignment, opened.id)
    assert assignment is not None, "opened in this transaction"
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


def own_assignments(
    session: Session, assignment: Assignment | OpenedAssignment
) -> list[Assignment]:
    """Every assignment of the same reviewer (one email per round) that a link may open."""
    rows = session.exec(
        select(Assignment)
        .where(Assignment.reviewer_id == assignment.reviewer_id)
        .order_by(col(Assignment.id))
    )
    return [a for a in rows if S(a.status) in LINK_VALID]


def own_assignment(
    session: Session, via: OpenedAssignment, assignment_id: int
) -> OpenedAssignment | None:
    """The reviewer's assignment `assignment_id`, reached through the link of `via`; None when it
    belongs to someone else or its link no longer works."""
    if assignment_id == via.id:
        return via
    params = {"id": assignment_id, "reviewer_id": via.reviewer_id}
    row = session.connection().execute(_BY_ID, params).first()
    if row is None or S(row.status) not in LINK_VALID:
        return None
    return _opened(row)
