"""Errors a user can act on. Each message says what is wrong and, where possible, what to do.

The CLI, the portal and the flows print these messages as they are; any other exception is a bug.
"""


class PeerplanError(Exception):
    """Base of all errors whose message is meant for the user."""


class NotFound(PeerplanError):
    pass


class AlreadyExists(PeerplanError):
    pass


class InvalidInput(PeerplanError):
    pass
