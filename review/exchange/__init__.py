"""The exchange around the review (#16): what the consolidated documents add so that
municipalities learn from each other. Pure functions on the consolidation's plain data
(`PlanDossier`, `PlanResult`), one job per module:

- `learning`: each plan's weak criteria (and unmet JRC gates) paired with the plans of the round
  that are strong on them, with what their reviewers wrote and where in the plan;
- `actions`: the recommendations of a plan's reviewers merged into a prioritised action list;
  `wording` says when two of them give the same advice in other words;
- `calibration`: each reviewer's leniency against co-reviewers, for the coordinator;
- `history`: a municipality's plan against its plan of an earlier round.

`review.consolidation.pipeline` computes what needs more than one plan (learning, calibration,
history) in `with_exchange` and hands it to the writers with the dossiers; the sections are
written by `review.consolidation.exchange_sections`, the action spreadsheet by
`review.consolidation.action_sheet`.

Where the rest of #16 attaches: a meeting agenda can order plans by `learning.matches` (learning
potential) and the rules' flags (disagreement), and put the summary's learning matrix in the
meeting pack; a municipality's reply per criterion belongs on the dossier beside `lessons` and
`history` (filled in `with_exchange`) with its own section in `exchange_sections`.
"""
