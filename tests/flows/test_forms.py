"""The Run forms a coordinator fills in the Prefect UI: every field named and explained in
English and German (walk10 found them titled from their Python names, "Round Name", "Confirm
Past"), optional fields shown with their real type, waits for people in hours."""

from __future__ import annotations

from typing import Any

import pytest

from flows.assign_reviewers import ApprovalInput
from flows.deployments import DEPLOYMENTS, load_flow


def _fields(schema: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Every field of every model in the schema, by 'Model.field'."""
    definitions = schema.get("definitions") or schema.get("$defs") or {}
    fields = {}
    for model, node in [("", schema), *definitions.items()]:
        for name, field in (node.get("properties") or {}).items():
            fields[f"{model}.{name}"] = field
    return fields


def _form_schemas() -> dict[str, dict[str, Any]]:
    schemas = {
        spec.name: load_flow(spec).parameters.model_dump(mode="json") for spec in DEPLOYMENTS
    }
    schemas["approval"] = ApprovalInput.model_json_schema()
    return schemas


@pytest.mark.parametrize("form", sorted(_form_schemas()))
def test_every_field_reads_well(form: str) -> None:
    schema = _form_schemas()[form]
    for name, field in _fields(schema).items():
        if name.startswith("."):  # the flow's own parameter: a model, explained by its fields
            continue
        nullable = [b for b in field.get("anyOf", []) if b.get("type") == "null"]
        assert not nullable, f"{form} {name}: the UI would say 'Property is type None'"
        title = field.get("title", "")
        assert " / " in title, f"{form} {name}: titled in English only: {title!r}"
        description = field.get("description", "")
        assert " / " in description, f"{form} {name}: no English / German help: {description!r}"
        # A wait for a person is in hours; a machine's budget or polling in seconds.
        assert "timeout" not in name or name.endswith("_hours"), f"{form} {name}: in hours"
    text = str(schema)
    assert "Run page" not in text and "rendered as" not in text, "developer text in the form"
