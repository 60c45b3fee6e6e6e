"""Reviewing an assigned plan. Plain functions on a session; the portal and the Word form call
them. The modules, from the bottom up:

    form      the review form as plain data and the rubric's rules on it (no database)
    errors    what goes wrong saving or declining, in the reviewer's words
    links     personal links (reviewer and municipality): issue, resolve, expiry
    drafts    what a reviewer sees, the form's saved state, drafts and the submission's write
    offline   the Word form of an assignment, filled from the database
    uploads   an uploaded Word form (draft or submission) and a municipality's plan

Accepting, declining and submitting change the assignment's state: review.lifecycle.
"""
