"""Consolidation: from submitted reviews to the documents of a round, one step per module.

- `gather`: the database read, into plain data per plan (`PlanDossier`);
- `rules`: the consolidation rules from the rubric (scores, totals, flags, gates, outcome);
- `render` and `plan_document`: both editions of each plan's consolidated review (DOCX), in a
  process pool;
- `summary` and `exports`: the round outputs (summary DOCX, XLSX/CSV of every score and comment);
- `redaction`: reviewers' identities kept out of what a blind round shares;
- `pipeline`: `compile_plans` (per plan) and `compile_round_outputs` (per round), which the CLI
  and the flow `compile_reviews` both call.
"""
