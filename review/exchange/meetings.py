"""Planning a round's exchange meetings from the programme (`review.exchange.programme`, #16).

For each kind of meeting of the programme: the host (a municipality of the round with the
programme's host role; each frontrunner hosts its own meeting where the programme says
`each_host`), the participants (by audience: municipalities' contacts, the reviewers of the
meeting's rubric, the coordinator), the date and time, and the agenda: the round's plans, those
with the most disagreement among their reviewers first (consolidation's flags), then those with
the most to learn and to teach (`review.exchange.learning`), a time slot each.

A coordinator changes a meeting's date, host or the agenda's order through `Changes`; nothing
here writes to the database. `review.exchange.meeting_run` sends the invitations and writes
the meeting packs.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, Field, SkipValidation
from sqlmodel import Session, select

from review.consolidation.gather import PlanRow
from review.consolidation.pipeline import gather_with_exchange
from review.errors import InvalidInput
from review.exchange.learning import matches
from review.exchange.programme import MeetingKind, Programme
from review.i18n import N_, Message, Phrase
from review.models import Municipality, Reviewer, Role, Round
from review.municipality_names import MunicipalityNames, normalise_name

#: Minutes before the first plan: welcome and the meeting's topics.
OPENING_MINUTES = 30
#: Days between two meetings of a round planned without dates.
DEFAULT_SPACING_DAYS = 7


class Changes(BaseModel):
    """What a coordinator changes in the plan the programme gives."""

    #: First meeting's day; the others follow every `spacing_days` in the programme's order.
    start: date | None = None
    spacing_days: int = Field(default=DEFAULT_SPACING_DAYS, ge=0, le=90)
    starts_at: time = time(10, 0)
    timezone: str = "Europe/Berlin"
    #: meeting id -> day
    dates: dict[str, date] = Field(default_factory=dict)
    #: meeting id -> municipality name
    hosts: dict[str, str] = Field(default_factory=dict)
    #: municipality names in the order the agenda should take them (the rest follow)
    agenda_order: list[str] = Field(default_factory=list)


class Participant(BaseModel):
    name: str
    email: str
    language: str
    #: "contact" of a municipality, "reviewer", or "coordinator".
    kind: str
    municipality: str = ""


class AgendaItem(BaseModel):
    plan_id: int
    municipality: str
    plan_title: str
    starts: datetime
    minutes: int
    flags: int
    #: Weak points it can learn on plus peers' weak points it is strong on.
    learning: int
    outcome_id: str | None


class Meeting(BaseModel):
    id: str
    kind: MeetingKind
    round_id: int
    round_name: str
    host: str
    starts: datetime
    ends: datetime
    participants: list[Participant]
    agenda: list[AgendaItem]


class MeetingPlan(BaseModel):
    meetings: list[Meeting]
    #: Meetings of the programme that could not be planned, and why: each a `Phrase`, said in
    #: the coordinator's language where it is shown (kept as it is, not made a plain str).
    notes: list[SkipValidation[str]] = Field(default_factory=list)


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput(
            N_("unknown time zone '%(name)s' (like Europe/Berlin)"), name=name
        ) from None


def learning_potential(rows: Sequence[PlanRow]) -> dict[int, int]:
    """Per plan: its weak points a peer is strong on plus the peers' weak points it is strong on."""
    found = matches(rows)
    potential = {row.dossier.plan_id: 0 for row in rows}
    for learner, lessons in found.items():
        for _kind, _rubric, _item, teachers in lessons:
            potential[learner] = potential.get(learner, 0) + 1
            for teacher in teachers:
                potential[teacher] = potential.get(teacher, 0) + 1
    return potential


def _flags(row: PlanRow, rubric: str) -> int:
    return sum(r.flags for r in row.result.rubrics if not rubric or r.rubric_id == rubric)


def order_plans(
    rows: Sequence[PlanRow], rubric: str = "", first: Sequence[str] = ()
) -> list[PlanRow]:
    """The agenda's order: the municipalities named in `first` in that order, then the plans with
    the most disagreement (on `rubric`, or on all), then the most learning potential, then by
    name."""
    potential = learning_potential(rows)
    named = {name.casefold(): i for i, name in enumerate(first)}
    unknown = set(named) - {row.dossier.municipality.casefold() for row in rows}
    if unknown:
        raise InvalidInput(
            N_("agenda order names no plan of the round: %(names)s"),
            names=", ".join(sorted(unknown)),
        )
    return sorted(
        rows,
        key=lambda row: (
            named.get(row.dossier.municipality.casefold(), len(named)),
            -_flags(row, rubric),
            -potential[row.dossier.plan_id],
            row.dossier.municipality.casefold(),
        ),
    )


def _agenda(
    rows: Sequence[PlanRow], kind: MeetingKind, starts: datetime, slot: int, first: Sequence[str]
) -> list[AgendaItem]:
    potential = learning_potential(rows)
    items = []
    at = starts + timedelta(minutes=OPENING_MINUTES)
    for row in order_plans(rows, kind.rubric, first):
        outcome = row.result.outcome
        items.append(
            AgendaItem(
                plan_id=row.dossier.plan_id,
                municipality=row.dossier.municipality,
                plan_title=row.dossier.plan_title,
                starts=at,
                minutes=slot,
                flags=_flags(row, kind.rubric),
                learning=potential[row.dossier.plan_id],
                outcome_id=outcome.id if outcome else None,
            )
        )
        at += timedelta(minutes=slot)
    return items


def _participants(
    round_: Round,
    kind: MeetingKind,
    municipalities: Sequence[Municipality],
    reviewers: Sequence[Reviewer],
) -> list[Participant]:
    """Who is invited: the contacts of the municipalities the audience covers, the reviewers of
    the meeting's rubric (all reviewers for the followers' review and the conference), and the
    coordinator; each address once."""
    towns = [
        m for m in municipalities if kind.audience != "followers" or m.role in {Role.follower.value}
    ]
    names = {m.id: m.name for m in municipalities}
    people = [
        Participant(
            name=m.name,
            email=m.contact_email,
            language=m.language,
            kind="contact",
            municipality=m.name,
        )
        for m in towns
        if m.contact_email
    ]
    if kind.audience != "politicians":
        town_ids = {m.id for m in towns}
        people += [
            Participant(
                name=r.name,
                email=r.email,
                language=r.language,
                kind="reviewer",
                municipality=names.get(r.municipality_id, "") if r.municipality_id else "",
            )
            for r in reviewers
            if (not kind.rubric or kind.rubric in r.expertise)
            and (kind.audience != "followers" or r.municipality_id in town_ids)
        ]
    people.append(
        Participant(
            name=round_.coordinator_name,
            email=round_.coordinator_email,
            language=round_.language,
            kind="coordinator",
        )
    )
    seen: set[str] = set()
    unique = []
    for person in people:
        if person.email.casefold() not in seen:
            seen.add(person.email.casefold())
            unique.append(person)
    return unique


def _host_named(
    typed: str, meeting_id: str, municipalities: Sequence[Municipality], round_: Round
) -> Municipality:
    """The host a coordinator typed, as a typed municipality is found
    (review.municipality_names: 'gmuend' for "Gmünd"); refused naming the closest or every
    one it fits."""
    exact = [m for m in municipalities if normalise_name(m.name) == normalise_name(typed)]
    names = MunicipalityNames(m.name for m in municipalities)
    fits = [exact[0].name] if exact else names.named(typed)
    if len(fits) == 1:
        return next(m for m in municipalities if m.name == fits[0])
    if fits:
        raise InvalidInput(
            N_(
                "meeting '%(meeting)s': '%(name)s' fits more than one municipality of round "
                "'%(round)s' (%(municipalities)s): give one of them in full"
            ),
            meeting=meeting_id,
            name=typed,
            round=round_.name,
            municipalities=", ".join(fits),
        )
    raise InvalidInput(
        N_(
            "meeting '%(meeting)s': no municipality '%(name)s' in round '%(round)s'; the "
            "closest: %(closest)s"
        ),
        meeting=meeting_id,
        name=typed,
        round=round_.name,
        closest=", ".join(names.closest(typed)) or "-",
    )


def _hosts(kind: MeetingKind, municipalities: Sequence[Municipality]) -> list[Municipality]:
    candidates = sorted((m for m in municipalities if m.role == kind.host), key=lambda m: m.name)
    return candidates if kind.each_host else candidates[:1]


class _Title(Message):
    """A meeting kind's title from the programme, said in the reader's language."""

    kind: MeetingKind

    def __new__(cls, kind: MeetingKind) -> _Title:
        title = super().__new__(cls, kind.title("en"))
        title.kind = kind
        return title

    def __getnewargs__(self) -> tuple[MeetingKind]:  # type: ignore[override]
        return (self.kind,)

    def __call__(self, language: str) -> str:
        return self.kind.title(language)


def _not_planned(kind: MeetingKind) -> Phrase:
    """Why a meeting of the programme is not planned: its host's role is not in the round."""
    if kind.host == "special-award":
        why = N_(
            "'%(meeting)s' not planned: the round has no special-award municipality to host it"
        )
    elif kind.host == "follower":
        why = N_("'%(meeting)s' not planned: the round has no follower municipality to host it")
    else:
        why = N_("'%(meeting)s' not planned: the round has no frontrunner municipality to host it")
    return Phrase(why, meeting=_Title(kind))


def plan(
    programme: Programme,
    round_: Round,
    municipalities: Sequence[Municipality],
    reviewers: Sequence[Reviewer],
    rows: Sequence[PlanRow],
    changes: Changes | None = None,
) -> MeetingPlan:
    """The round's meetings as the programme and `changes` say (pure: no database)."""
    assert round_.id is not None
    changes = changes or Changes()
    zone = _zone(changes.timezone)
    start = changes.start or (round_.final_deadline or round_.due_date) + timedelta(days=14)
    meetings: list[Meeting] = []
    notes: list[str] = []
    for kind in programme.meetings:
        hosts = _hosts(kind, municipalities)
        if not hosts:
            notes.append(_not_planned(kind))
            continue
        for number, host in enumerate(hosts, start=1):
            meeting_id = f"{kind.id}-{number}" if kind.each_host else kind.id
            if meeting_id in changes.hosts:
                host = _host_named(changes.hosts[meeting_id], meeting_id, municipalities, round_)
            day = changes.dates.get(
                meeting_id, start + timedelta(days=changes.spacing_days * len(meetings))
            )
            starts = datetime.combine(day, changes.starts_at, tzinfo=zone)
            agenda = _agenda(rows, kind, starts, programme.slot_minutes, changes.agenda_order)
            ends = agenda[-1].starts + timedelta(minutes=agenda[-1].minutes) if agenda else starts
            meetings.append(
                Meeting(
                    id=meeting_id,
                    kind=kind,
                    round_id=round_.id,
                    round_name=round_.name,
                    host=host.name,
                    starts=starts,
                    ends=max(ends, starts + timedelta(minutes=OPENING_MINUTES)),
                    participants=_participants(round_, kind, municipalities, reviewers),
                    agenda=agenda,
                )
            )
    unknown = (set(changes.dates) | set(changes.hosts)) - {m.id for m in meetings}
    if unknown:
        raise InvalidInput(
            N_("no meeting %(unknown)s in the plan (meetings: %(known)s)"),
            unknown=", ".join(sorted(unknown)),
            known=", ".join(m.id for m in meetings),
        )
    return MeetingPlan(meetings=meetings, notes=notes)


def plan_round(
    session: Session, programme: Programme, round_: Round, changes: Changes | None = None
) -> tuple[MeetingPlan, list[PlanRow]]:
    """`plan` on the round's municipalities, reviewers and consolidated plans; also returns the
    plans' rows (for the meeting pack)."""
    municipalities = session.exec(
        select(Municipality).where(Municipality.round_id == round_.id)
    ).all()
    reviewers = session.exec(select(Reviewer).where(Reviewer.round_id == round_.id)).all()
    rows = [PlanRow(d, d.score()) for d in gather_with_exchange(session, round_)]
    return plan(programme, round_, municipalities, reviewers, rows, changes), rows
