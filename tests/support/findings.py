"""The intake's findings of a plan as `review.intake.findings` stores them, one per check, the
parts named absent and the others present (no evidence): what the views of a round judge."""

from __future__ import annotations

from typing import Any

from review.intake.checks import CHECKS


def findings_lacking(absent: set[str]) -> list[dict[str, Any]]:
    return [
        {
            "kind": "check",
            "check": check.id,
            "label": {"de": check.label_de, "en": check.label_en},
            "present": check.id not in absent,
            "evidence": [],
        }
        for check in CHECKS
    ]
