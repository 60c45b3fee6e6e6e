"""Messages: every message through the outbox, exactly once.

policy (per-round deadline windows as data), messages (templates), queueing (render and queue),
notices (the messages about an assignment, to its reviewer or the coordinator: one function per
message), municipality_notices (to a municipality's contact), context (the facts a template is filled
with), outbox (enqueue / deliver), smtp. Nothing here changes an assignment's state: that is
review.lifecycle, which calls notices; review.deadlines decides what is due when.
"""
