"""The next round: a municipality's plan against its plan of an earlier round (a monitoring cycle
or a revised plan).

Rules (pure, on the two rounds' dossiers and scored results):
1. The earlier plan is the same municipality's (same name, case and spacing aside) in the most
   recent earlier round; `review.consolidation.gather.gather_earlier` finds it (it reads the
   database; everything here is pure).
2. Change per criterion: the consolidated scores then and now, for every criterion of the
   rubrics the plan is reviewed with now.
3. The last action list is the one the earlier round's documents showed (`actions.action_list`
   on the earlier dossier, recomputed: the same rules give the same list). An action is *taken
   up* when the reviewers' new consolidated score on its criterion is higher than then, *open*
   when it is not, *unknown* when the criterion is not scored now. General actions (no
   criterion) cannot be judged by scores and are left out. We judge by the new scores rather
   than a field reviewers fill in: nothing extra to ask of them, and a score that did not move
   says the action did not change what the reviewers see.
4. Texts from the earlier round's reviewers are redacted by that round's rules (blind or not).
"""

from __future__ import annotations

from collections.abc import Sequence

from review.consolidation.gather import PlanDossier, PlanRow
from review.consolidation.redaction import redactor_for
from review.consolidation.rules import PlanResult
from review.exchange.actions import action_list
from review.exchange.data import ActionFollowUp, CriterionChange, PlanHistory


def _values(result: PlanResult) -> dict[tuple[str, str], float | None]:
    return {(r.rubric_id, c.criterion_id): c.value for r in result.rubrics for c in r.criteria}


def _totals(result: PlanResult) -> dict[str, float | None]:
    return {
        r.rubric_id: r.total if r.total is not None else r.partial_total for r in result.rubrics
    }


def plan_history(now: PlanRow, then: PlanRow, language: str) -> PlanHistory:
    """Rules 2-4: `now` against `then`; texts in `language` (the reader's)."""
    before, after = _values(then.result), _values(now.result)
    changes = [
        CriterionChange(
            rubric_id=ri.rubric.id,
            criterion_id=c.id,
            before=before.get((ri.rubric.id, c.id)),
            now=after.get((ri.rubric.id, c.id)),
        )
        for ri in now.dossier.rubrics
        for c in ri.rubric.criteria
    ]
    redact = redactor_for(then.dossier, language) if then.dossier.blind else None
    follow_ups = []
    for action in action_list(then.dossier, then.result, language):
        if not action.criterion_id:
            continue
        key = (action.rubric_id, action.criterion_id)
        was, is_now = before.get(key), after.get(key)
        if is_now is None:
            status = "unknown"
        elif was is None or is_now > was:
            status = "taken"
        else:
            status = "open"
        if redact is not None and action.source == "reviewer":
            wordings = [w.model_copy(update={"text": redact(w.text)}) for w in action.wordings]
            action = action.model_copy(
                update={"recommendation": redact(action.recommendation), "wordings": wordings}
            )
        follow_ups.append(ActionFollowUp(action=action, before=was, now=is_now, status=status))
    return PlanHistory(
        round_name=then.dossier.round_name,
        plan_id=then.dossier.plan_id,
        outcome_id=then.result.outcome.id if then.result.outcome else None,
        totals=_totals(then.result),
        changes=changes,
        follow_ups=follow_ups,
    )


def histories(rows: Sequence[PlanRow], earlier: dict[int, PlanDossier]) -> dict[int, PlanHistory]:
    """Plan id -> its history, for the plans `earlier` has an earlier dossier for (by plan id)."""
    out = {}
    for row in rows:
        then = earlier.get(row.dossier.plan_id)
        if then is None:
            continue
        language = row.dossier.municipality_language or row.dossier.language
        out[row.dossier.plan_id] = plan_history(row, PlanRow(then, then.score()), language)
    return out


def progress(history: PlanHistory) -> tuple[int, int, int, int]:
    """(criteria up, criteria down, actions taken up, actions judged) for the round summary."""
    up = sum(
        1
        for c in history.changes
        if c.before is not None and c.now is not None and c.now > c.before
    )
    down = sum(
        1
        for c in history.changes
        if c.before is not None and c.now is not None and c.now < c.before
    )
    judged = [f for f in history.follow_ups if f.status != "unknown"]
    return up, down, sum(f.status == "taken" for f in judged), len(judged)
