"""The exchange programme as data: the schema of `programme/*.yaml`, loading, and errors a
coordinator can act on (like `review.rubric` for rubrics).

A programme names its meetings: who hosts each (a municipality role), for which audience, on
which topics, with titles in each language (English required). Changing the programme is editing
the file; `review.exchange.meetings` plans a round's meetings from it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal, get_args

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from review.errors import InvalidInput
from review.models import Role
from review.paths import PROGRAMME_DIR
from review.rubric import Text

#: Who a meeting is for: mayors and politicians, building and planning staff, communication
#: staff, the followers' mutual review, or everyone (the international conference).
Audience = Literal["politicians", "planning", "communication", "followers", "everyone"]
HostRole = Literal["frontrunner", "follower", "special-award"]
DEFAULT_PROGRAMME = "multiply"


class MeetingKind(BaseModel):
    """One kind of meeting of the programme."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=r"^[a-z][a-z0-9_-]*$")
    host: HostRole
    #: Every municipality of the host role hosts one (each frontrunner hosts its own).
    each_host: bool = False
    audience: Audience
    #: The rubric whose reviewers and results the meeting is about ("" for all rubrics).
    rubric: str = ""
    international: bool = False
    title: Text
    topics: list[Text] = Field(min_length=1)


class Programme(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=r"^[a-z][a-z0-9_-]*$")
    title: Text
    #: Minutes of the agenda per plan.
    slot_minutes: int = Field(default=30, ge=5, le=240)
    meetings: list[MeetingKind] = Field(min_length=1)
    source: Path | None = Field(default=None, exclude=True)

    @model_validator(mode="after")
    def _unique(self) -> Programme:
        ids = [m.id for m in self.meetings]
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:
            raise ValueError(f"meeting ids used twice: {', '.join(twice)}")
        return self

    def kind(self, meeting_id: str) -> MeetingKind:
        for meeting in self.meetings:
            if meeting.id == meeting_id:
                return meeting
        raise KeyError(meeting_id)


# Every role the schema accepts is a role a municipality can have.
assert set(get_args(HostRole)) == {r.value for r in Role}


class ProgrammeError(InvalidInput):
    """A programme file is invalid; the message names the file, the meeting and the field."""

    def __init__(self, path: Path, problems: list[str]) -> None:
        self.path, self.problems = path, problems
        super().__init__("\n".join(f"{path}: {p}" for p in problems))


def _where(raw: Any, loc: tuple[int | str, ...]) -> str:
    """'meeting planning: host' for ('meetings', 1, 'host'), naming meetings by their id."""
    parts: list[str] = []
    index = 0
    while index < len(loc):
        key = loc[index]
        if key == "meetings" and index + 1 < len(loc) and isinstance(loc[index + 1], int):
            position = int(loc[index + 1])
            items = raw.get("meetings") if isinstance(raw, dict) else None
            item = items[position] if isinstance(items, list) and position < len(items) else None
            name = item.get("id") if isinstance(item, dict) else None
            parts.append(f"meeting {name}" if name else f"meeting #{position + 1}")
            index += 2
            continue
        parts.append(str(key))
        index += 1
    return ": ".join(parts) if parts else "programme"


def parse_programme(raw: Any, path: Path) -> Programme:
    if not isinstance(raw, dict):
        raise ProgrammeError(path, ["the file must be a mapping (id, title, meetings)"])
    try:
        programme = Programme.model_validate(raw)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            message = str(err["msg"]).removeprefix("Value error, ")
            where = _where(raw, tuple(err["loc"]))
            problems.append(f"{where}: {message}")
        raise ProgrammeError(path, problems) from None
    if path.stem != programme.id:
        raise ProgrammeError(path, [f"id: '{programme.id}' must match the file name"])
    programme.source = path
    return programme


def load_programme(name_or_path: str | Path = DEFAULT_PROGRAMME) -> Programme:
    """A programme by name (a file of `programme/`) or by path."""
    path = Path(name_or_path)
    if path.suffix not in {".yaml", ".yml"}:
        path = PROGRAMME_DIR / f"{name_or_path}.yaml"
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark else ""
        raise ProgrammeError(path, [f"{where}not valid YAML"]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ProgrammeError(path, [f"cannot be read ({exc})"]) from None
    return parse_programme(raw, path)
