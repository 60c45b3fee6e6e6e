"""Creating, changing and finding review rounds; the dates a coordinator types, checked."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlmodel import Session, select

from review import events
from review.errors import AlreadyExists, InvalidInput, NotFound, Translatable
from review.i18n import N_, Message, Plural
from review.models import PLACEHOLDER_COORDINATOR_EMAIL, Round
from review.notify.policy import policy_for
from review.rubric import LANGUAGES, load_rubrics

# Settings `update_round` may change; the deadlines of assignments move with the lifecycle's
# extension, not here.
UPDATABLE = (
    "final_deadline",
    "reviews_per_plan",
    "blind",
    "peers_named",
    "avoid_reciprocal",
    "require_frontrunner",
    "coordinator_name",
    "coordinator_email",
    "language",
    "reminder_policy",
)


class DateRefused(Translatable, InvalidInput):
    """A typed date that is not one, or one in the past not confirmed; in the reader's language
    on a page (`text(language)`), in English on the command line."""


#: What a refused date is called (on the round page and on the command line).
NEW_DUE_DATE = Message(N_("the new due date"))
DUE_DATE = Message(N_("the due date"))
FINAL_DEADLINE = Message(N_("the final deadline"))


def parse_date(text: str, what: str = Message(N_("date"))) -> date:
    """A date typed as YYYY-MM-DD, or as German writes it (15.01.2027: the dots make it
    unambiguous, and a German coordinator types it so), or an error that says what was wrong."""
    for form in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return datetime.strptime(text.strip(), form).date()
        except ValueError:
            continue
    raise DateRefused(
        N_("%(what)s '%(text)s' is not a calendar date in the form YYYY-MM-DD (e.g. 2026-12-15)"),
        what=what,
        text=text,
    )


def check_future(day: date, what: str, *, allow_past: bool, today: date | None = None) -> None:
    """A date before today is almost always a typo: refused unless the coordinator confirms."""
    today = today or datetime.now(UTC).date()
    if day < today and not allow_past:
        raise DateRefused(
            N_(
                "%(what)s %(day)s is in the past (today is %(today)s); if you mean it, confirm it "
                "(--allow-past, or 'also if in the past' on the round page)"
            ),
            what=what,
            day=day,
            today=today,
        )


#: The rubrics of a round created without naming any, and their minimum of reviews per plan.
STANDARD_RUBRICS = {"technical": 1, "communication": 1}


def minimum_per_rubric(
    rubrics: list[str], technical: int | None = None, communication: int | None = None
) -> dict[str, int]:
    """A round's minimum of reviews per rubric from `peerplan round create`'s options: each
    `--rubric ID[=N]` (N default 1), or else the two standard rubrics with their minimums."""
    if not rubrics:
        return {
            "technical": STANDARD_RUBRICS["technical"] if technical is None else technical,
            "communication": (
                STANDARD_RUBRICS["communication"] if communication is None else communication
            ),
        }
    if technical is not None or communication is not None:
        raise InvalidInput(
            N_(
                "give the rubrics either with --rubric or with --technical and "
                "--communication, not both (--rubric technical=2 --rubric communication=1)"
            )
        )
    minimums: dict[str, int] = {}
    for given in rubrics:
        rubric_id, _, count = given.partition("=")
        rubric_id, count = rubric_id.strip(), count.strip() or "1"
        if not count.isdigit():
            raise InvalidInput(
                N_("--rubric %(given)s: the number of reviews after '=' must be a whole number"),
                given=given,
            )
        minimums[rubric_id] = int(count)
    return minimums


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
    coordinator_email: str = PLACEHOLDER_COORDINATOR_EMAIL,
    reminder_policy: dict[str, Any] | None = None,
    allow_past: bool = True,
    actor: str = "coordinator",
) -> Round:
    """A new round. `allow_past=False` (the CLI's default) refuses a due date before today."""
    name = name.strip()
    if not name:
        raise InvalidInput(N_("a round needs a name"))
    if session.exec(select(Round).where(Round.name == name)).first():
        raise AlreadyExists(N_("a round named '%(name)s' already exists"), name=name)
    languages = languages or [language]
    bad = [lang for lang in [language, *languages] if lang not in LANGUAGES]
    if bad:
        raise InvalidInput(
            N_("%(unsupported)s %(bad)s; peerplan speaks %(known)s"),
            unsupported=Plural("unsupported language", "unsupported languages", len(bad)),
            bad=", ".join(bad),
            known=", ".join(LANGUAGES),
        )
    min_per_rubric = dict(STANDARD_RUBRICS) if min_per_rubric is None else min_per_rubric
    known = load_rubrics()
    unknown = [rubric_id for rubric_id in min_per_rubric if rubric_id not in known]
    if unknown:
        raise InvalidInput(
            N_("%(unknown)s: %(not_found)s; the rubric files define %(known)s"),
            not_found=Plural("rubric not found", "rubrics not found", len(unknown)),
            unknown=", ".join(unknown),
            known=", ".join(sorted(known)),
        )
    if not min_per_rubric:
        raise InvalidInput(
            N_("a round needs at least one rubric; the rubric files define %(known)s"),
            known=", ".join(sorted(known)),
        )
    if reviews_per_plan < sum(min_per_rubric.values()):
        raise InvalidInput(
            N_(
                "%(n)s reviews per plan cannot meet the minimum per rubric %(minimum)s "
                "(needs %(needed)s)"
            ),
            n=reviews_per_plan,
            minimum=_minimum(min_per_rubric),
            needed=sum(min_per_rubric.values()),
        )
    check_future(due_date, DUE_DATE, allow_past=allow_past)
    if final_deadline and final_deadline < due_date:
        raise InvalidInput(
            N_(
                "the final deadline %(final)s is before the due date %(due)s: it is when "
                "personal links close, after every reminder"
            ),
            final=final_deadline,
            due=due_date,
        )
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


def _minimum(per_rubric: dict[str, int]) -> str:
    """'technical 1, communication 1': the minimum reviews per rubric as a message names them."""
    return ", ".join(f"{rubric} {n}" for rubric, n in per_rubric.items())


def round_names(session: Session) -> list[str]:
    return list(session.exec(select(Round.name).order_by(Round.name)))


def get_round(session: Session, name: str) -> Round:
    round_ = session.exec(select(Round).where(Round.name == name)).first()
    if round_ is None:
        known = [r.name for r in session.exec(select(Round))]
        if known:
            raise NotFound(
                N_("no round named '%(name)s'. Known rounds: %(known)s."),
                name=name,
                known=", ".join(known),
            )
        raise NotFound(
            N_("no round named '%(name)s'. Create one with `peerplan round create`."), name=name
        )
    return round_


def update_round(
    session: Session,
    round_: Round,
    *,
    changes: dict[str, Any],
    allow_past: bool = False,
    actor: str = "coordinator",
) -> dict[str, tuple[Any, Any]]:
    """Change a round's settings; returns {setting: (old, new)} of what really changed.

    Side effects: one `round.updated` event listing the changes. The assignments' due dates are
    not touched (extending a deadline is an assignment operation of the lifecycle).
    """
    unknown = sorted(set(changes) - set(UPDATABLE))
    if unknown:
        raise InvalidInput(
            N_("cannot change %(unknown)s; a round's settings are %(known)s"),
            unknown=", ".join(unknown),
            known=", ".join(UPDATABLE),
        )
    if "language" in changes and changes["language"] not in LANGUAGES:
        raise InvalidInput(
            N_("unsupported language '%(bad)s'; peerplan speaks %(known)s"),
            bad=changes["language"],
            known=", ".join(LANGUAGES),
        )
    if changes.get("reviews_per_plan") is not None and changes["reviews_per_plan"] < sum(
        round_.min_per_rubric.values()
    ):
        raise InvalidInput(
            N_("%(n)s reviews per plan cannot meet the minimum per rubric %(minimum)s"),
            n=changes["reviews_per_plan"],
            minimum=_minimum(round_.min_per_rubric),
        )
    final = changes.get("final_deadline")
    if final is not None:
        check_future(final, FINAL_DEADLINE, allow_past=allow_past)
        if final < round_.due_date:
            raise InvalidInput(
                N_("the final deadline %(final)s is before the round's due date %(due)s"),
                final=final,
                due=round_.due_date,
            )
    if "reminder_policy" in changes:
        policy_for(changes["reminder_policy"])
    changed = {
        key: (getattr(round_, key), value)
        for key, value in changes.items()
        if value is not None and getattr(round_, key) != value
    }
    for key, (_, value) in changed.items():
        setattr(round_, key, value)
    if changed:
        session.add(round_)
        events.record(
            session,
            kind="round.updated",
            actor=actor,
            entity="round",
            entity_id=round_.id,
            round_id=round_.id,
            payload={key: [_plain(old), _plain(new)] for key, (old, new) in changed.items()},
        )
    return changed


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value
