"""The exchange around the review (#16): what the consolidated documents add so that
municipalities learn from each other. Pure functions on the consolidation's plain data
(`PlanDossier`, `PlanResult`), one job per module:

- `learning`: each plan's weak criteria (and unmet JRC gates) paired with the plans of the round
  that are strong on them, with what their reviewers wrote and where in the plan;
- `actions`: the recommendations of a plan's reviewers merged into a prioritised action list;
- `calibration`: each reviewer's leniency against co-reviewers, for the coordinator;
- `history`: a municipality's plan against its plan of an earlier round.

`review.consolidation.pipeline` computes what needs more than one plan (learning, calibration,
history) and hands it to the writers with the dossiers.
"""
