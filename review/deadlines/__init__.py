"""Deadline escalation, run hourly: reminders, overdue notices, escalation to the coordinator,
automatic reassignment after the grace period, and the coordinator's daily digest.

Two parts:
- `decide(...)`: pure. Given an open assignment's facts, the round's policy and today's date,
  which window applies and why. Unit-tested without a database.
- `escalate(session, settings, now=...)`: applies the decisions in the caller's transaction:
  state changes (overdue, reassigned) and the messages they cause are written together, each
  message under a unique outbox key (`reminder:a12:d-2`, `overdue_notice:a12:d+1`, ...), so that
  running it every hour, twice at once, or again after a crash sends each message exactly once.
  After the coordinator changes a due date the windows' keys name the new date
  (`reminder:a12:d-2@2026-12-20`), so the new date's reminders are sent too.

Only the latest passed reminder window is sent: a reviewer invited two days before the due date
does not also get the "7 days left" reminder, and a run that was down for a week does not send a
burst of stale reminders. Reassignment supersedes the overdue notice for the same reason.

The modules: decide (pure: which window applies), report (what a run did), escalate (apply the
decisions through review.lifecycle, and the coordinator's digest).
"""
