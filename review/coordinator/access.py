"""Coordinators' personal links to a round's page (`/c/{token}` on the portal).

Like a reviewer's link: a random token of 192 bits shown once, only its hash stored, compared in
constant time. A link is issued under a label (who or what it is for: 'cli', 'serve',
'prefect'); issuing again under the same label revokes the earlier one, so a lost or forwarded
link is replaced with one command. `revoke` ends every link of a round (or of one label).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import Session, col, select

from review import events, tokens
from review.errors import InvalidInput
from review.i18n import N_
from review.models import CoordinatorLink, Round, utcnow

#: The Prefect progress artifact carries a link, issued anew each time it is published; the
#: links of its earlier versions keep working this long, so a page opened from one stays usable.
PREFECT_LINK_LIFETIME = timedelta(days=1)
LABELS = ("cli", "serve", "prefect")


def round_path(token: str) -> str:
    """The round page's path on the portal for a coordinator token."""
    return f"/c/{token}"


def issue(
    session: Session,
    round_: Round,
    *,
    label: str = "cli",
    actor: str = "coordinator",
    keep_earlier: bool = False,
    now: datetime | None = None,
) -> str:
    """A fresh coordinator link for `round_`; returns the token (send it, never store it).

    Side effects: the earlier active links under `label` are revoked (unless `keep_earlier`);
    event `round.coordinator_link_issued` (the label, never the token)."""
    if label not in LABELS:
        raise InvalidInput(
            N_("link label '%(label)s' is not one of %(known)s"),
            label=label,
            known=", ".join(LABELS),
        )
    assert round_.id is not None
    now = now or utcnow()
    if not keep_earlier:
        _revoke(session, round_, label, now)
    token, digest = tokens.new_token()
    session.add(CoordinatorLink(round_id=round_.id, label=label, token_hash=digest, created_at=now))
    events.record(
        session,
        kind="round.coordinator_link_issued",
        actor=actor,
        entity="round",
        entity_id=round_.id,
        round_id=round_.id,
        payload={"label": label},
    )
    session.flush()
    return token


def issue_for_artifact(session: Session, round_: Round, *, now: datetime | None = None) -> str:
    """The link the Prefect progress artifact shows: a new one each version, the earlier ones
    kept for `PREFECT_LINK_LIFETIME` (then revoked) so that a bookmark from yesterday's artifact
    is not cut off by the hourly deadline run."""
    now = now or utcnow()
    for link in _active(session, round_, "prefect"):
        if _aware(link.created_at) < now - PREFECT_LINK_LIFETIME:
            link.revoked_at = now
            session.add(link)
    return issue(session, round_, label="prefect", actor="system", keep_earlier=True, now=now)


def revoke(
    session: Session,
    round_: Round,
    *,
    label: str | None = None,
    actor: str = "coordinator",
    now: datetime | None = None,
) -> int:
    """Revoke the round's active links (of `label`, or all); returns how many. Event
    `round.coordinator_links_revoked`."""
    count = _revoke(session, round_, label, now or utcnow())
    events.record(
        session,
        kind="round.coordinator_links_revoked",
        actor=actor,
        entity="round",
        entity_id=round_.id,
        round_id=round_.id,
        payload={"label": label or "all", "count": count},
    )
    session.flush()
    return count


def round_for_token(session: Session, token: str) -> Round | None:
    """The round an active coordinator link opens; None for an unknown or revoked link."""
    if not token or len(token) > 200:
        return None
    link = session.exec(
        select(CoordinatorLink).where(CoordinatorLink.token_hash == tokens.hash_token(token))
    ).first()
    if link is None or link.revoked_at is not None or not tokens.matches(token, link.token_hash):
        return None
    return session.get(Round, link.round_id)


def _active(session: Session, round_: Round, label: str | None) -> list[CoordinatorLink]:
    query = select(CoordinatorLink).where(
        CoordinatorLink.round_id == round_.id, col(CoordinatorLink.revoked_at).is_(None)
    )
    if label:
        query = query.where(CoordinatorLink.label == label)
    return list(session.exec(query))


def _revoke(session: Session, round_: Round, label: str | None, now: datetime) -> int:
    links = _active(session, round_, label)
    for link in links:
        link.revoked_at = now
        session.add(link)
    return len(links)


def _aware(value: datetime) -> datetime:
    # SQLite hands datetimes back without their zone; every stored time is UTC.
    return value if value.tzinfo else value.replace(tzinfo=UTC)
