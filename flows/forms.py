"""What the Prefect UI's Run forms show a coordinator.

Every field says what it does in English and German ("English / Deutsch"). An optional field
keeps `None` as its Python default, but its form shows only the real type: pydantic writes
`X | None` as `anyOf: [X, null]`, which the UI renders as a type picker saying "Property is type
None". Durations are in hours throughout.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field


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
