"""Personal link tokens: at least 128 bits, shown once; only a hash is ever stored.

A reviewer's link is also never stored while its invitation waits in the outbox (#17): it is
derived from a secret kept outside the database. Such a token is a public nonce followed by
the HMAC-SHA256 of the nonce and its subject (`a12`: assignment 12) under the link key. The
invitation is queued with a placeholder, `{peerplan-link:a12:<nonce>}`, in place of the token,
and `render_links` derives the token when the message is sent. A database dump therefore holds
hashes and nonces, never a link; with the key (`Settings.link_secret`, or the file `link.key`
in the data directory, created 0600) the outbox can still send a message queued before a crash.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import secrets
from pathlib import Path

from review.config import Settings
from review.errors import InvalidInput
from review.i18n import N_

TOKEN_BYTES = 24  # 192 bits
LINK_KEY_FILE = "link.key"
_NONCE_BYTES = 12  # 16 characters, public (it stands in the outbox's placeholder)
_NONCE_CHARS = 16
#: A link waiting in the outbox: subject (e.g. `a12`) and nonce; never a usable token.
PLACEHOLDER = re.compile(r"\{peerplan-link:([a-z]\d+):([A-Za-z0-9_\-]{16})\}")


def new_token() -> tuple[str, str]:
    """A fresh random (token, hash). Send the token, store the hash."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    return token, hash_token(token)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def matches(token: str, stored_hash: str | None) -> bool:
    """Constant-time comparison of a presented token with a stored hash."""
    if not stored_hash:
        return False
    return hmac.compare_digest(hash_token(token), stored_hash)


# --- tokens derived from the link key --------------------------------------------------------


def link_key(settings: Settings) -> bytes:
    """The secret links are derived from: `link_secret`, else the data directory's key file
    (32 random bytes, created 0600 on first use; every process of an installation shares it)."""
    if settings.link_secret is not None:
        return settings.link_secret.get_secret_value().encode("utf-8")
    path = settings.data_dir / LINK_KEY_FILE
    try:
        return _read_key(path)
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process created it first: use theirs
        return _read_key(path)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(secrets.token_bytes(32))
        handle.flush()
        os.fsync(handle.fileno())
    return _read_key(path)


def _read_key(path: Path) -> bytes:
    key = path.read_bytes()
    if len(key) < 16:
        raise InvalidInput(
            N_(
                "%(path)s holds no usable link key (fewer than 16 bytes): restore it from the "
                "installation's other machines or set PEERPLAN_LINK_SECRET"
            ),
            path=path,
        )
    return key


def _placeholder(subject: str, nonce: str) -> str:
    return "{peerplan-link:" + subject + ":" + nonce + "}"


def stored_placeholder(key: bytes, subject: str, nonce: str, stored_hash: str | None) -> str | None:
    """The placeholder of a derived link whose nonce was kept, while that link is still the one
    whose hash is stored (a link issued since replaces it: then None)."""
    if not stored_hash or not matches(derived_token(key, subject, nonce), stored_hash):
        return None
    return _placeholder(subject, nonce)


def nonce_of(token: str) -> str:
    """The public nonce a derived token starts with."""
    return token[:_NONCE_CHARS]


def derived_token(key: bytes, subject: str, nonce: str) -> str:
    mac = hmac.new(key, f"{subject}:{nonce}".encode(), hashlib.sha256).digest()[:TOKEN_BYTES]
    return nonce + base64.urlsafe_b64encode(mac).decode("ascii").rstrip("=")


def new_derived_token(key: bytes, subject: str) -> tuple[str, str, str]:
    """A fresh (token, hash, placeholder) for `subject` (e.g. `a12`): send the token now or put
    the placeholder where it will be sent, store the hash."""
    nonce = secrets.token_urlsafe(_NONCE_BYTES)
    token = derived_token(key, subject, nonce)
    return token, hash_token(token), _placeholder(subject, nonce)


def placeholder_for(key: bytes, token: str, subject: str) -> str | None:
    """The placeholder that renders to `token`, when `token` was derived from `key` for
    `subject`; None for a random token (then only the token itself can be sent)."""
    nonce = token[:_NONCE_CHARS]
    if not hmac.compare_digest(derived_token(key, subject, nonce), token):
        return None
    return _placeholder(subject, nonce)


def render_links(text: str, key: bytes) -> str:
    """`text` with every link placeholder replaced by its token (at sending, never stored)."""
    return PLACEHOLDER.sub(lambda m: derived_token(key, m.group(1), m.group(2)), text)
