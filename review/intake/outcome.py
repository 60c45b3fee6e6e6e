"""The result of taking in one file, as the CLI, the flow and the portal show it."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Status = Literal["registered", "new_version", "unchanged", "refused"]


@dataclass
class IntakeOutcome:
    file_name: str
    municipality: str
    status: Status
    plan_id: int | None = None
    document_id: int | None = None
    version: int | None = None
    pages: int = 0
    language: str | None = None
    media_type: str | None = None
    sha256: str | None = None
    completeness: str = "-"
    findings: list[dict[str, Any]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    error: str | None = None  # why the file was refused
    error_code: str | None = None

    @property
    def taken_in(self) -> bool:
        return self.status != "refused"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
