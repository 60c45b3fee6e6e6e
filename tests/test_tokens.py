"""Personal link tokens derived from the link key (#17): the placeholder a queued invitation
holds renders to the token whose hash is stored, only with the key; the key file is created
once, private, and shared by every process of an installation."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from pydantic import SecretStr

from review import tokens
from review.config import Settings
from review.errors import InvalidInput


def test_a_placeholder_renders_to_its_token_only_with_the_key(tmp_path: Path) -> None:
    key = tokens.link_key(Settings(data_dir=tmp_path))
    token, digest, placeholder = tokens.new_derived_token(key, "a12")
    assert tokens.matches(token, digest) and len(token) >= 40
    assert token not in placeholder and placeholder.startswith("{peerplan-link:a12:")
    text = f"https://portal.example/r/{placeholder}\n"
    assert tokens.render_links(text, key) == f"https://portal.example/r/{token}\n"
    assert token not in tokens.render_links(text, b"another key of 32 bytes.........")
    assert tokens.placeholder_for(key, token, "a12") == placeholder
    assert tokens.placeholder_for(key, token, "a13") is None  # another assignment's
    random_token, _ = tokens.new_token()
    assert tokens.placeholder_for(key, random_token, "a12") is None


def test_the_key_file_is_created_once_private_and_shared(tmp_path: Path) -> None:
    first = tokens.link_key(Settings(data_dir=tmp_path))
    path = tmp_path / tokens.LINK_KEY_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and len(first) == 32
    assert tokens.link_key(Settings(data_dir=tmp_path)) == first  # another process: the same


def test_a_configured_secret_wins_and_a_damaged_key_file_is_a_clear_error(tmp_path: Path) -> None:
    configured = Settings(data_dir=tmp_path, link_secret=SecretStr("s" * 40))
    assert tokens.link_key(configured) == b"s" * 40
    assert not (tmp_path / tokens.LINK_KEY_FILE).exists()
    (tmp_path / tokens.LINK_KEY_FILE).write_bytes(b"short")
    with pytest.raises(InvalidInput, match="PEERPLAN_LINK_SECRET"):
        tokens.link_key(Settings(data_dir=tmp_path))
