"""peerplan's domain: everything a review round is and does, as plain Python.

`flows/` orchestrates these functions with Prefect; the portal and the CLI call them too.
Nothing here imports `flows`.
"""

__version__ = "0.1.0"
