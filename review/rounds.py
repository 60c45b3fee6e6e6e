"""Creating and finding review rounds."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlmodel import Session, select

from review import events
from review.errors import AlreadyExists, InvalidInput, NotFound
from review.models import Round
from review.rubric import LANGUAGES


def create_round(
    session: Session,
    *,
    name: str,
    due_date: date,
    country: str = "DE",
    language: str = "de",
    languages: list[str] | None = None,
    reviews_per_plan: int = 3,
    min_per_rubric: dict[str, int] | None = None,
    blind: bool = True,
    final_deadline: date | None = None,
    avoid_reciprocal: bool = False,
    require_frontrunner: bool = False,
    coordinator_name: str = "Coordinator",
    coordinator_email: str = "coordinator@example.org",
    reminder_policy: dict[str, Any] | None = None,
    actor: str = "coordinator",
) -> Round:
    name = name.strip()
    if not name:
        raise InvalidInput("a round needs a name")
    if session.exec(select(Round).where(Round.name == name)).first():
        raise AlreadyExists(f"a round named '{name}' already exists")
    languages = languages or [language]
    bad = [lang for lang in [language, *languages] if lang not in LANGUAGES]
    if bad:
        raise InvalidInput(f"unsupported language(s) {bad}; peerplan speaks {list(LANGUAGES)}")
    min_per_rubric = (
        {"technical": 1, "communication": 1} if min_per_rubric is None else min_per_rubric
    )
    if reviews_per_plan < sum(min_per_rubric.values()):
        raise InvalidInput(
            f"{reviews_per_plan} reviews per plan cannot meet the minimum per rubric "
            f"{min_per_rubric} (needs {sum(min_per_rubric.values())})"
        )
    from review.notify.policy import policy_for

    policy_for(reminder_policy)  # a bad policy is refused now, not at the first reminder
    round_ = Round(
        name=name,
        country=country.upper(),
        language=language,
        languages=languages,
        reviews_per_plan=reviews_per_plan,
        min_per_rubric=min_per_rubric,
        due_date=due_date,
        final_deadline=final_deadline or due_date + timedelta(days=14),
        blind=blind,
        avoid_reciprocal=avoid_reciprocal,
        require_frontrunner=require_frontrunner,
        coordinator_name=coordinator_name,
        coordinator_email=coordinator_email,
        reminder_policy=reminder_policy or {},
    )
    session.add(round_)
    session.flush()
    events.record(
        session,
        kind="round.created",
        actor=actor,
        entity="round",
        entity_id=round_.id,
        round_id=round_.id,
        payload={"name": name, "due_date": due_date.isoformat(), "blind": blind},
    )
    return round_


def get_round(session: Session, name: str) -> Round:
    round_ = session.exec(select(Round).where(Round.name == name)).first()
    if round_ is None:
        known = [r.name for r in session.exec(select(Round))]
        hint = (
            f" Known rounds: {', '.join(known)}."
            if known
            else " Create one with `peerplan round create`."
        )
        raise NotFound(f"no round named '{name}'.{hint}")
    return round_
