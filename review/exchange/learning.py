"""Learning from peers: each plan's weak points paired with the plans of the round strong on them.

Rules (pure functions on a round's scored plans, `PlanRow`):
1. Only complete results count, on both sides: a provisional score is never a result.
2. A plan is *weak* on a criterion whose consolidated score is at most `WEAK_MAX` (1, "weak" on
   the 0-4 scale), and on a JRC gate the reviewers found not met (status "failed").
3. A plan is *strong* on a criterion with a consolidated score of at least `STRONG_MIN` (3,
   "good"); on a gate when the gate is met and it is strong on a criterion behind the gate
   (the criteria whose rubric lists the gate under `gates`, `gate_criteria`).
4. Each weak point lists at most `MAX_PEERS` strong plans, the strongest first (ties: plan id).
5. What a peer shows: the comments of its reviewers who scored the criterion at least
   `STRONG_MIN` (for a gate, on the criteria behind it), and where in the plan: the pages those
   comments cite, then the intake's findings for the criterion (the checks its rubric lists
   under `intake_checks`).
6. Blind rules: in a blind round the quoted comments are redacted with the peer plan's reviewers
   (`review.consolidation.redaction`), and no reviewer is named. Plans and municipalities are
   known to each other within the exchange, unless the round says otherwise (`Round.peers_named`):
   then a peer is shown without its municipality, whose name is redacted from the comments too.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from itertools import islice

from review.consolidation.gather import PlanDossier, PlanRow
from review.consolidation.redaction import Identity, Redactor, redactor_for
from review.documents.text import clean
from review.eligibility import finding_evidence, finding_met
from review.exchange.data import Lesson, PeerExample
from review.i18n import translator

WEAK_MAX = 1
STRONG_MIN = 3
MAX_PEERS = 3
MAX_COMMENTS = 2
MAX_EVIDENCE = 3
MAX_CHARS = 400
SNIPPET_CHARS = 100

#: Page references as reviewers write them: "p. 12", "pp. 12-14", "page 12", "S. 12", "Seite 12".
_PAGE = re.compile(r"\b(?:pp?\.|pages?|S\.|Seiten?)\s*(\d{1,4}(?:\s*[-–]\s*\d{1,4})?)", re.I)

Scores = dict[tuple[str, str], float | None]


def gate_criteria(dossier: PlanDossier, gate_id: str) -> list[str]:
    """The criteria behind a JRC gate: those whose rubric lists it under `gates`, in order."""
    return [c.id for ri in dossier.rubrics for c in ri.rubric.criteria if gate_id in c.gates]


def _criterion_scores(row: PlanRow) -> Scores:
    return {
        (res.rubric_id, c.criterion_id): c.value
        for res in row.result.rubrics
        if res.status == "complete"
        for c in res.criteria
    }


def weak_points(row: PlanRow) -> list[tuple[str, str, str, float | None]]:
    """Rule 2: [(kind, rubric id, item id, score)] in rubric and criterion order, gates last."""
    if row.result.status != "complete":
        return []
    out: list[tuple[str, str, str, float | None]] = [
        ("criterion", rubric_id, criterion_id, value)
        for (rubric_id, criterion_id), value in _criterion_scores(row).items()
        if value is not None and value <= WEAK_MAX
    ]
    out += [("gate", "", g.gate_id, None) for g in row.result.gates if g.status == "failed"]
    return out


def strength(
    row: PlanRow, kind: str, rubric_id: str, item_id: str, scores: Scores | None = None
) -> float | None:
    """Rule 3: the score that makes `row` strong on the point, or None when it is not.
    `scores`: the row's criterion scores when the caller has them already."""
    if row.result.status != "complete":
        return None
    scores = scores if scores is not None else _criterion_scores(row)
    if kind == "criterion":
        value = scores.get((rubric_id, item_id))
        return value if value is not None and value >= STRONG_MIN else None
    gate = next((g for g in row.result.gates if g.gate_id == item_id), None)
    if gate is None or gate.status != "met":
        return None
    behind_gate = gate_criteria(row.dossier, item_id)
    behind = [v for (_r, c), v in scores.items() if c in behind_gate]
    best = max((v for v in behind if v is not None), default=None)
    return best if best is not None and best >= STRONG_MIN else None


Match = tuple[str, str, str, list[tuple[int, float]]]


def _matches(rows: Sequence[PlanRow], only: set[int] | None = None) -> dict[int, list[Match]]:
    """Rules 1-4: plan id -> [(kind, rubric id, item id, [(peer plan id, its score)])]. The strong
    plans of each point are found once for the round (a round of hundreds of plans has a few
    dozen points and hundreds of weak ones)."""
    scores = {row.dossier.plan_id: _criterion_scores(row) for row in rows}
    strong_on: dict[tuple[str, str, str], list[tuple[int, float]]] = {}
    out: dict[int, list[Match]] = {}
    for row in rows:
        plan_id = row.dossier.plan_id
        if only is not None and plan_id not in only:
            continue
        found: list[Match] = []
        for kind, rubric_id, item_id, _score in weak_points(row):
            key = (kind, rubric_id, item_id)
            if key not in strong_on:
                strong = [
                    (peer.dossier.plan_id, value)
                    for peer in rows
                    if (value := strength(peer, *key, scores[peer.dossier.plan_id])) is not None
                ]
                strong_on[key] = sorted(strong, key=lambda pv: (-pv[1], pv[0]))
            # The first MAX_PEERS other than the plan itself: a point's strong plans are about
            # half the round, and copying them all for every weak plan made this quadratic.
            peers = list(islice((pv for pv in strong_on[key] if pv[0] != plan_id), MAX_PEERS))
            found.append((kind, rubric_id, item_id, peers))
        out[plan_id] = found
    return out


def matches(rows: Sequence[PlanRow]) -> dict[int, list[tuple[str, str, str, list[int]]]]:
    """Rules 1-4 without texts: plan id -> [(kind, rubric id, item id, peer plan ids)]; weak
    points nobody is strong on are kept with no peers."""
    return {
        plan_id: [(k, r, i, [p for p, _v in peers]) for k, r, i, peers in found]
        for plan_id, found in _matches(rows).items()
    }


def _shorten(text: str, limit: int = MAX_CHARS) -> str:
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut + " …"


def _redaction(peer: PlanDossier, reader: PlanDossier, language: str) -> Callable[[object], str]:
    """Rule 6 for one peer as `reader` sees it."""
    if reader.peers_named:
        return redactor_for(peer, language) if peer.blind else clean
    identities = [Identity(name="", home=peer.municipality)]
    if peer.blind:
        identities += [
            Identity(info.name, info.email, info.municipality) for info in peer.reviewers
        ]
    return Redactor(identities, language, keep=[reader.municipality])


def _evidence(
    peer: PlanDossier, criteria: Sequence[str], comments: Sequence[str], language: str
) -> list:
    """Rule 5, where: pages the comments cite, then the intake's findings for the criteria (the
    page abbreviated as `language` does: "p. 12", "S. 12")."""
    found: list[tuple[str, str]] = []
    page = translator(language).gettext("p. %(page)s")
    for comment in comments:
        for match in _PAGE.finditer(comment):
            where = page % {"page": re.sub(r"\s+", "", match.group(1))}
            if all(w != where for w, _s in found):
                found.append((where, ""))
    checks = {
        check
        for ri in peer.rubrics
        for criterion in ri.rubric.criteria
        if criterion.id in criteria
        for check in criterion.intake_checks
    }
    for finding in peer.findings:
        if isinstance(finding, dict) and finding.get("check") in checks and finding_met(finding):
            for where, snippet in finding_evidence(finding, language):
                if where and all(w != where for w, _s in found):
                    found.append((where, _shorten(clean(snippet), SNIPPET_CHARS)))
    return found[:MAX_EVIDENCE]


def _example(
    peer: PlanRow,
    value: float,
    reader: PlanDossier,
    kind: str,
    rubric_id: str,
    item_id: str,
    language: str,
) -> PeerExample:
    d = peer.dossier
    criteria = [item_id] if kind == "criterion" else gate_criteria(d, item_id)
    redact = _redaction(d, reader, language)
    comments: list[str] = []
    for ri in d.rubrics:
        if kind == "criterion" and ri.rubric.id != rubric_id:
            continue
        for review in ri.reviews:
            for criterion in criteria:
                score = review.scores.get(criterion)
                text = review.comments.get(criterion, "").strip()
                if text and score is not None and score >= STRONG_MIN and text not in comments:
                    comments.append(text)
    shown = [_shorten(redact(c)) for c in comments[:MAX_COMMENTS]]
    evidence = [(w, redact(s) if s else "") for w, s in _evidence(d, criteria, comments, language)]
    return PeerExample(
        plan_id=d.plan_id,
        municipality=d.municipality if reader.peers_named else "",
        score=value,
        comments=shown,
        evidence=evidence,
    )


def lessons(
    rows: Sequence[PlanRow], plan_ids: Sequence[int] | None = None
) -> dict[int, list[Lesson]]:
    """Plan id -> its lessons (rules 1-6) for `plan_ids` (default: every plan of `rows`, which
    holds the whole round), texts redacted for the municipality's edition (in its language:
    the word that replaces a name)."""
    by_id = {row.dossier.plan_id: row for row in rows}
    out: dict[int, list[Lesson]] = {}
    only = set(plan_ids) if plan_ids is not None else None
    for plan_id, found in _matches(rows, only).items():
        reader = by_id[plan_id].dossier
        language = reader.municipality_language or reader.language
        scores = _criterion_scores(by_id[plan_id])
        out[plan_id] = [
            Lesson(
                kind="criterion" if kind == "criterion" else "gate",
                rubric_id=rubric_id,
                item_id=item_id,
                score=scores.get((rubric_id, item_id)) if kind == "criterion" else None,
                peers=[
                    _example(by_id[p], v, reader, kind, rubric_id, item_id, language)
                    for p, v in peers
                ],
            )
            for kind, rubric_id, item_id, peers in found
        ]
    return out
