"""Notifications and deadline escalation: every message through the outbox, exactly once.

policy (per-round windows as data), messages (templates), outbox (enqueue / deliver), smtp,
hooks (called by the portal, intake and assignment code in their transactions), invitations,
reassignment, escalation (reminders, overdue, escalation, reassignment, daily digest).
"""
