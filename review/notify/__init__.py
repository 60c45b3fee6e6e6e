"""Messages: every message through the outbox, exactly once.

policy (per-round deadline windows as data), messages (templates), notices (render and queue the
message a caller hands over: one function per message), context (the facts a template is filled
with), outbox (enqueue / deliver), smtp. Nothing here changes an assignment's state: that is
review.lifecycle, which calls notices; review.deadlines decides what is due when.
"""
