"""Reading a flow's parameter schema the way the Prefect UI does to render its Run form."""

from __future__ import annotations

from typing import Any


def _resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    """Follow `$ref` (also inside a one-element allOf, pydantic's style for defaults)."""
    if "allOf" in node and len(node["allOf"]) == 1:
        node = {**node["allOf"][0], **{k: v for k, v in node.items() if k != "allOf"}}
    ref = node.get("$ref")
    if ref:
        name = ref.rsplit("/", 1)[-1]
        definitions = schema.get("definitions") or schema.get("$defs") or {}
        return {**definitions[name], **{k: v for k, v in node.items() if k != "$ref"}}
    return node


def form_fields(schema: dict[str, Any]) -> dict[str, list[str]]:
    """{parameter: [field, ...]} for every parameter that is a pydantic model (an object with
    properties); raise AssertionError for a parameter the UI cannot render as a typed input."""
    assert schema.get("type") == "object", f"parameter schema is not an object schema: {schema}"
    models: dict[str, list[str]] = {}
    for name, node in (schema.get("properties") or {}).items():
        resolved = _resolve(schema, node)
        typed = any(key in resolved for key in ("type", "anyOf", "oneOf", "enum", "const"))
        assert typed, f"parameter {name!r} has no type, the UI shows a raw JSON box: {node}"
        if resolved.get("type") == "object" and resolved.get("properties"):
            models[name] = list(resolved["properties"])
    return models


def form_labels(schema: dict[str, Any]) -> list[str]:
    """The labels the Prefect UI's Run form shows: each parameter's title and, for a pydantic
    model, each of its fields' titles."""
    labels: list[str] = []
    for name, node in (schema.get("properties") or {}).items():
        resolved = _resolve(schema, node)
        labels.append(node.get("title") or resolved.get("title") or name)
        if resolved.get("type") == "object":
            for field, sub in (resolved.get("properties") or {}).items():
                labels.append(_resolve(schema, sub).get("title") or field)
    return labels
