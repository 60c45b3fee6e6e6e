"""What the Prefect UI's Run forms show a coordinator.

Every field is named and says what it does in English and German ("English / Deutsch"): its
title comes from `TITLES` (a form model derives from `Form`), or Prefect would title it from its
Python name ("Round Name", "Confirm Past"), in English only. An optional field
keeps `None` as its Python default, but its form shows only the real type: pydantic writes
`X | None` as `anyOf: [X, null]`, which the UI renders as a type picker saying "Property is type
None". Durations are in hours throughout.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from pydantic.fields import ComputedFieldInfo, FieldInfo

#: Each form field's title, by its Python name: one title a name, in every form it appears in.
TITLES: dict[str, str] = {
    "agenda_first": "Agendas first / Zuerst auf der Tagesordnung",
    "approval_timeout_hours": "Hours to wait for approval / Stunden bis zur Freigabe",
    "auto_approve": "Approve without asking / Ohne Rückfrage freigeben",
    "backup": "Backup / Vertretung",
    "blind": "Blind / Verdeckt",
    "budget_seconds": "Solver's seconds / Sekunden für den Solver",
    "compile_runs": "Document runs / Läufe für die Dokumente",
    "confirm_past": "Date in the past / Datum in der Vergangenheit",
    "coordinator_email": "Coordinator's email / E-Mail der Koordination",
    "coordinator_name": "Coordinator's name / Name der Koordination",
    "create_municipalities": "Add municipalities / Gemeinden anlegen",
    "create_municipality": "Add municipalities / Gemeinden anlegen",
    "dates": "Meeting dates / Termine der Treffen",
    "day": "Day / Tag",
    "decision": "Decision / Entscheidung",
    "due_date": "Due date / Frist",
    "final_deadline": "Final deadline / Letzte Frist",
    "forbid": "Forbid / Verbieten",
    "hosts": "Hosts / Gastgeber",
    "intake_runs": "Intake runs / Läufe für den Eingang",
    "invite": "Invite / Einladen",
    "language": "Language / Sprache",
    "max_revisions": "Times to solve again / Wie oft neu lösen",
    "meeting": "Meeting / Treffen",
    "municipality": "Municipality / Gemeinde",
    "note": "Note / Notiz",
    "now": "Time / Zeitpunkt",
    "out_dir": "Folder / Ordner",
    "part": "Part / Teil",
    "paths": "Plan files / Plandateien",
    "pdf": "PDF copies / PDF-Kopien",
    "pin": "Pin / Festlegen",
    "plan_id": "Plan (id) / Plan (ID)",
    "plan_ids": "Plans (ids) / Pläne (IDs)",
    "plan_paths": "Plan files / Plandateien",
    "poll_seconds": "Seconds between looks / Sekunden zwischen zwei Blicken",
    "reason": "Reason / Grund",
    "reviewer": "Reviewer / Gutachter:in",
    "reviewer_id": "Reviewer (id) / Gutachter:in (ID)",
    "reviews_per_plan": "Reviews per plan / Gutachten je Plan",
    "round_name": "Round / Runde",
    "rubric": "Rubric / Bewertungsbogen",
    "runs": "Runs / Läufe",
    "spacing_days": "Days between meetings / Tage zwischen den Treffen",
    "start": "First meeting / Erstes Treffen",
    "workers": "Processes / Prozesse",
}


def _title(name: str, _field: FieldInfo | ComputedFieldInfo) -> str:
    return TITLES.get(name) or name.replace("_", " ").capitalize()


#: The config of a form model (a `RunInput` merges it with its own).
FORM_CONFIG = ConfigDict(field_title_generator=_title)


class Form(BaseModel):
    """A Run form's model: its fields titled in English and German (`TITLES`)."""

    model_config = FORM_CONFIG


def _without_null(schema: dict[str, Any]) -> None:
    branches = [b for b in schema.get("anyOf", []) if b.get("type") != "null"]
    if len(branches) == 1:
        del schema["anyOf"]
        schema.update(branches[0])
    # No `default: null` either: the UI would put None into the empty field and then refuse to
    # submit the form ("None is not of type 'string'"); left out, the field is simply not sent
    # and the flow's default (None) applies.
    if "default" in schema and schema["default"] is None:
        del schema["default"]


def optional(description: str, **constraints: Any) -> Any:
    """A form field that may stay empty (`None` in Python); the form shows its real type."""
    return Field(
        default=None, description=description, json_schema_extra=_without_null, **constraints
    )
