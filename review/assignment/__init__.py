"""Reviewer assignment: the file interface (`instance`), the exact solver (`solver`), reasons a
coordinator can act on (`explain`), affinity from the round's data (`affinity`) and the database
side (`service`: propose, approve, reassign)."""
