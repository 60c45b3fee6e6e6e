"""The JRC eligibility criteria of a SECAP as data, and how intake findings name them.

A plan failing one of them is sent back whatever its scores (JRC guidebook, Bertoldi 2018). The
intake proposes (automatic findings, hints only); reviewers confirm (`Review.eligibility`,
{gate id: met?}); `review.consolidation.rules.assess_gates` decides from the reviewers' answers.

Findings are read tolerantly because they are written by the intake: a finding names a gate under
`gate` (or `eligibility`), and says whether it looks met under `met` (or `present`, or a `status`
of "ok"/"met"/"present" vs "missing"/"not_met"/"absent").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from review.i18n import N_, Message, translator


@dataclass(frozen=True)
class Gate:
    id: str
    label: Message


#: The one definition of the gates: the reviewer's form (portal and Word) asks them in this order
#: and wording, and the consolidated documents report them the same way.
JRC_GATES: tuple[Gate, ...] = (
    Gate("council_approval", Message(N_("Approved by the municipal council"))),
    Gate("targets", Message(N_("States the mitigation target and the adaptation commitment"))),
    Gate(
        "bei_rva",
        Message(
            N_(
                "Based on a baseline emission inventory (BEI) and a risk and vulnerability "
                "assessment"
            )
        ),
    ),
    Gate("bei_sectors", Message(N_("The inventory covers at least 3 of the 4 key sectors"))),
    Gate("action_sectors", Message(N_("Mitigation actions cover at least 2 of the 4 key sectors"))),
)
GATES_BY_ID = {gate.id: gate for gate in JRC_GATES}
#: The intake checks (review.intake.checks) whose findings make each gate's automatic hint
#: (`gate_hints`): a round asking about a gate asks for these parts (review.asked_parts).
GATE_CHECKS: dict[str, tuple[str, ...]] = {
    "council_approval": ("council_approval",),
    "targets": ("target", "adaptation_actions"),
    "bei_rva": ("inventory", "risk_vulnerability"),
    "bei_sectors": ("inventory",),
    "action_sectors": ("mitigation_actions",),
}

_MET = {"ok", "met", "present", "found", "yes", "true"}
_NOT_MET = {"missing", "not_met", "absent", "not_found", "no", "false", "fail", "failed"}


def gate_label(gate_id: str, language: str) -> str:
    gate = GATES_BY_ID.get(gate_id)
    return gate.label(language) if gate else gate_id


def finding_gate(finding: dict[str, Any]) -> str | None:
    gate = finding.get("gate") or finding.get("eligibility")
    return str(gate) if gate else None


def finding_met(finding: dict[str, Any]) -> bool | None:
    """Whether an automatic finding says its subject looks present; None when it does not say."""
    for key in ("met", "present", "found"):
        if isinstance(finding.get(key), bool):
            return bool(finding[key])
    status = str(finding.get("status", "")).strip().lower()
    if status in _MET:
        return True
    if status in _NOT_MET:
        return False
    return None


def finding_text(finding: dict[str, Any], language: str = "en") -> str:
    for key in ("message", "label", "title", "check", "id", "gate"):
        value = finding.get(key)
        if isinstance(value, dict):  # {"de": ..., "en": ...}
            value = value.get(language) or value.get("en") or next(iter(value.values()), "")
        if value:
            text = str(value)
            summary = finding.get("summary")
            if isinstance(summary, dict):  # the intake's own words (review.intake.report)
                said = summary.get(language) or summary.get("en")
                return f"{text}: {said}" if said else text
            if finding.get("percent") is not None and finding.get("year") is not None:
                text += f" ({finding['percent']:g} %, {finding['year']})"
            if finding.get("sectors"):
                text += f" [{', '.join(map(str, finding['sectors']))}]"
            return text
    return ""


def _checks(findings: Sequence[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {
        str(f["check"]): f
        for f in findings
        if isinstance(f, dict) and f.get("check") and f.get("kind", "check") == "check"
    }


def gate_hints(findings: Sequence[dict[str, Any]]) -> dict[str, bool]:
    """What the intake's checks suggest for each gate (review.intake.findings: a finding per
    check id with `present`, and `jrc_min_sectors_met` on the inventory and mitigation actions).
    A finding naming a gate directly (`gate`) wins. Gates the findings say nothing about are
    left out."""
    hints: dict[str, bool] = {}
    checks = _checks(findings)

    def present(check: str) -> bool | None:
        found = checks.get(check)
        return None if found is None else finding_met(found)

    def both(a: bool | None, b: bool | None) -> bool | None:
        return None if a is None or b is None else a and b

    derived = {
        "council_approval": present("council_approval"),
        "targets": both(present("target"), present("adaptation_actions")),
        "bei_rva": both(present("inventory"), present("risk_vulnerability")),
        "bei_sectors": checks.get("inventory", {}).get("jrc_min_sectors_met"),
        "action_sectors": checks.get("mitigation_actions", {}).get("jrc_min_sectors_met"),
    }
    hints.update({k: bool(v) for k, v in derived.items() if isinstance(v, bool)})
    for finding in findings:
        if not isinstance(finding, dict):
            continue
        gate = finding_gate(finding)
        met = finding_met(finding)
        if gate and met is not None:
            hints[gate] = met
    return hints


def finding_evidence(finding: dict[str, Any], language: str = "en") -> list[tuple[str, str]]:
    """[(where, snippet)] of a finding: page or paragraph number, as `language` abbreviates it
    ("p. 12", "S. 12"), and the quoted text."""
    t = translator(language)
    raw = finding.get("evidence")
    items = raw if isinstance(raw, list) else [raw] if isinstance(raw, dict) else [finding]
    out: list[tuple[str, str]] = []
    for item in items:
        if not isinstance(item, dict):
            continue
        where = ""
        if item.get("page") is not None:
            where = t.gettext("p. %(page)s") % {"page": item["page"]}
            label = item.get("page_label")
            if label is not None and str(label) != str(item["page"]):  # the printed number first
                where = t.gettext("p. %(label)s (PDF %(page)s)") % {
                    "label": label,
                    "page": item["page"],
                }
        elif item.get("paragraph") is not None:
            where = f"¶ {item['paragraph']}"
        elif item.get("table") is not None:
            where = t.gettext("table %(table)s") % {"table": item["table"]}
        snippet = str(item.get("snippet") or item.get("text") or "")
        if where or snippet:
            out.append((where, snippet))
    return out
