"""Every operation on an assignment, and everything each one causes, in one place.

Each operation changes the assignment through review.states (`transition()` for its status,
`amend()` for its other columns: guarded by the row's version, with an audit event), then causes
its side effects, all in the CALLER's transaction: the change and its messages commit together or
not at all. Each docstring lists its side effects. Messages are queued in the outbox
(review.notify.notices renders them; `deliver` sends them later); Prefect hears of a change only
after the caller commits (review.signals).

    operation            state change                side effects
    approve_proposal     proposed: approved_at set   none (only approved assignments are invited;
                                                     approving again, or after the invitations,
                                                     changes nothing and says so)
    leave_out            proposal solved again       none (the pairs the same coordinator left
                         without one proposed pair   out or pinned before stay so)
    pin                  proposal solved again with  none (as leave_out)
                         one reviewer on a plan
    invite               proposed -> invited         link issued; invitation with the Word form
                                                     (several of a reviewer's: one message, one
                                                     link to their list, every Word form)
    accept               invited -> accepted         acceptance receipt
    decline              -> declined                 link stops; `replace`; decline notice to the
                                                     coordinator
    submit               -> submitted                review version frozen; submission receipt
    remind               none                        reminder (one per window)
    mark_overdue         -> overdue                  overdue notice; escalation to the coordinator
    replace              -> reassigned / withdrawn   backup proposed and invited, or the reason
                                                     why nobody could be
    release_and_replace  -> reassigned               `replace`; released notice
    withdraw             -> withdrawn                link revoked; withdrawn notice if invited
    reissue_link         new link                    old link stops; invitation with the new link
    extend_due_date      new due date (overdue ->    link kept valid past the new date; notice to
                         invited / accepted)         the reviewer
    new_plan_version     none (the plan's newest     each reviewer who accepted and has not
                         document changes)           submitted told once per version, with their
                                                     link; events for their form page and the
                                                     round page

The modules: approving (approve_proposal, leave_out, pin; approved_since and solved_again for a run
waiting for an approval), invitations (invite, reissue_link), responses (accept, decline, submit), deadlines
(remind, mark_overdue, extend_due_date), replacing (replace, release_and_replace, withdraw),
plan_versions (new_plan_version: the intake calls it when it registers a plan's next version).
"""

from review.lifecycle.approving import (
    Approval,
    ApprovedElsewhere,
    CannotPin,
    NoAssignmentWith,
    NoAssignmentWithout,
    ProposalChanged,
    ShownProposal,
    SolvedAgain,
    approve_proposal,
    approved_since,
    leave_out,
    pin,
    shown_proposal,
    solved_again,
)
from review.lifecycle.deadlines import Overdue, extend_due_date, mark_overdue, remind
from review.lifecycle.invitations import (
    Invited,
    approved_uninvited,
    invite,
    invite_round,
    reissue_link,
)
from review.lifecycle.plan_versions import new_plan_version
from review.lifecycle.replacing import (
    Released,
    Replacement,
    release_and_replace,
    replace,
    withdraw,
)
from review.lifecycle.responses import accept, decline, submit

__all__ = [
    "Approval",
    "ApprovedElsewhere",
    "CannotPin",
    "Invited",
    "NoAssignmentWith",
    "NoAssignmentWithout",
    "Overdue",
    "Released",
    "Replacement",
    "ProposalChanged",
    "ShownProposal",
    "SolvedAgain",
    "accept",
    "approve_proposal",
    "approved_since",
    "approved_uninvited",
    "decline",
    "extend_due_date",
    "invite",
    "invite_round",
    "leave_out",
    "mark_overdue",
    "new_plan_version",
    "pin",
    "reissue_link",
    "release_and_replace",
    "remind",
    "replace",
    "shown_proposal",
    "solved_again",
    "submit",
    "withdraw",
]
