"""Which parts of a plan a round asks for, and so what the intake may call missing.

The pre-check (`review.intake.findings`) looks for every part of a SECAP in every plan and keeps
what it found with the document. Whether a part a plan lacks is worth a hint depends on the
round: its rubrics name the intake checks their criteria rest on (`Criterion.intake_checks`) and
the JRC gates they ask the reviewers about (`Criterion.gates`), whose hints need the gates' checks
(`review.eligibility.GATE_CHECKS`). A Climate City Contract is a mitigation plan that need not
hold a risk and vulnerability assessment: a round reviewing CCCs with their own rubric does not
ask for one, so no coordinator, reviewer or municipality of that round reads 'no risk and
vulnerability assessment' under every plan. A part the round does not ask for is shown where the
plan has it (a found part is still a fact about the plan), never as missing.

The same rubrics decide which JRC gates the round's reviewers are asked about (`gates_in`): the
form, on the portal and in Word, asks those alone, and consolidation judges and reports those
alone. The two standard rubrics name all five; a CCC round's name three, so a reviewer's honest
'no' to a gate the plan need not meet never fails it.

Nothing beyond the rubrics is always needed: the reading's own problems (no text layer, pages
read by OCR) are no checks and are said whatever the round asks. A round whose rubrics cannot be
loaded is judged against every check (`asked` None), as every round was before rubrics chose:
better a hint too many than a part passed over.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any

from review.eligibility import GATE_CHECKS, JRC_GATES
from review.models import Round
from review.rubric import Rubric, RubricError, load_rubrics, rubric_files

#: The intake's checks (`review.intake.checks.CHECKS`, whose package this module must not load:
#: the reviewer's pages import it, and the intake imports them); tests keep the two the same.
INTAKE_CHECKS = frozenset(
    {
        "inventory",
        "target",
        "risk_vulnerability",
        "mitigation_actions",
        "adaptation_actions",
        "financing",
        "monitoring",
        "council_approval",
        "participation",
    }
)


def asked_by(rubrics: Iterable[Rubric]) -> frozenset[str]:
    """The checks these rubrics rest on: their criteria's intake checks and the checks behind
    the JRC gates their criteria ask about."""
    asked: set[str] = set()
    for rubric in rubrics:
        for criterion in rubric.criteria:
            asked.update(criterion.intake_checks)
            for gate in criterion.gates:
                asked.update(GATE_CHECKS.get(gate, ()))
    return frozenset(asked)


def gates_by(rubrics: Iterable[Rubric]) -> tuple[str, ...]:
    """The JRC gates these rubrics' criteria ask about, in the order of the one definition."""
    named = {
        gate for rubric in rubrics for criterion in rubric.criteria for gate in criterion.gates
    }
    return tuple(gate.id for gate in JRC_GATES if gate.id in named)


#: Every JRC gate: what a round asks its reviewers when its rubrics cannot be loaded.
ALL_GATES: tuple[str, ...] = tuple(gate.id for gate in JRC_GATES)


def round_rubric_ids(round_: Round) -> list[str]:
    """The rubrics a round reviews with: those it sets a minimum of reviews for (a minimum of 0
    still names a rubric its reviewers may be assigned)."""
    return list(round_.min_per_rubric or {})


def asked_in(round_: Round, rubrics: Mapping[str, Rubric] | None = None) -> frozenset[str] | None:
    """The checks `round_` asks for (`rubrics`: the rubric files by id, read when None); None
    for every check: the round's rubrics ask for all, or cannot be loaded."""
    ids = tuple(round_rubric_ids(round_))
    return _asked_of(ids, rubrics) if rubrics is not None else _of_the_files(ids)[0]


def gates_in(round_: Round, rubrics: Mapping[str, Rubric] | None = None) -> tuple[str, ...]:
    """The JRC gates `round_` asks its reviewers about (`rubrics`: the rubric files by id, read
    when None): those its rubrics' criteria name, every gate when they cannot be loaded. The
    reviewer's form (portal and Word) asks these, and consolidation judges and reports these: a
    CCC round does not ask whether the plan holds a risk and vulnerability assessment, so no
    honest 'no' fails its plan on it."""
    ids = tuple(round_rubric_ids(round_))
    return _of(ids, rubrics)[1] if rubrics is not None else _of_the_files(ids)[1]


def _asked_of(ids: tuple[str, ...], rubrics: Mapping[str, Rubric]) -> frozenset[str] | None:
    return _of(ids, rubrics)[0]


def _of(
    ids: tuple[str, ...], rubrics: Mapping[str, Rubric]
) -> tuple[frozenset[str] | None, tuple[str, ...]]:
    """(the checks, the gates) the rubrics `ids` ask for."""
    if not ids or any(rubric_id not in rubrics for rubric_id in ids):
        return None, ALL_GATES
    chosen = [rubrics[rubric_id] for rubric_id in ids]
    asked = asked_by(chosen)
    # The standard rubrics ask for every part.
    return (None if asked >= INTAKE_CHECKS else asked), gates_by(chosen)


# What rounds ask for, by their rubric ids and the rubric files' (path, mtime, size): loading the
# rubrics costs about 3 ms (their validation), as much as a reviewer's whole form page, which
# counts the plan's hints on every view. An edited file has a new mtime or size.
_asked_by_files: dict[tuple[object, ...], tuple[frozenset[str] | None, tuple[str, ...]]] = {}


def _of_the_files(ids: tuple[str, ...]) -> tuple[frozenset[str] | None, tuple[str, ...]]:
    try:
        files = tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in rubric_files())
    except OSError:  # a file removed meanwhile: read them as they are now
        files = None
    key = (ids, files)
    if files is None or key not in _asked_by_files:
        try:
            asked = _of(ids, load_rubrics())
        except RubricError:
            return None, ALL_GATES  # not kept: the file is read again once it is mended
        if files is None:
            return asked
        _asked_by_files[key] = asked
    return _asked_by_files[key]


def findings_shown(
    findings: Sequence[dict[str, Any]], asked: Collection[str] | None
) -> list[dict[str, Any]]:
    """The findings a round's people see: every finding but an intake check the round does not
    ask for (`asked`; None: every check) of a part the plan lacks."""
    return [f for f in findings if not _unasked_gap(f, asked)]


def _unasked_gap(finding: dict[str, Any], asked: Collection[str] | None) -> bool:
    check = finding.get("check")
    return (
        asked is not None
        and finding.get("kind", "check") == "check"
        and check in INTAKE_CHECKS
        and check not in asked
        and finding.get("present") is not True
    )
