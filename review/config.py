"""Settings from `PEERPLAN_*` environment variables and an optional TOML config file.

No settings object is created on import: callers build one with `load_settings()` so that tests
and the CLI can point peerplan at a temporary data directory or another database.
"""

from __future__ import annotations

import json
import os
import tomllib
from pathlib import Path
from typing import Any

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

CONFIG_ENV = "PEERPLAN_CONFIG"
DEFAULT_CONFIG_FILE = "peerplan.toml"


class Settings(BaseSettings):
    """Everything an installation configures. Each field is documented: the README lists them."""

    model_config = SettingsConfigDict(env_prefix="PEERPLAN_", extra="ignore")

    data_dir: Path = Field(
        default_factory=lambda: Path.cwd() / "peerplan-data",
        description="Where peerplan keeps its SQLite database, stored plans and generated documents.",
    )
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL of peerplan's database. Default: SQLite in the data directory. "
        "Production: postgresql+psycopg://user@host/db.",
    )
    portal_base_url: str = Field(
        default="http://127.0.0.1:8765",
        description="Public base URL of the reviewer portal, used in the links sent to reviewers.",
    )
    smtp_host: str = Field(default="127.0.0.1", description="SMTP server host.")
    smtp_port: int = Field(default=8025, description="SMTP server port.")
    smtp_username: str | None = Field(default=None, description="SMTP login (none: no login).")
    smtp_password: SecretStr | None = Field(default=None, description="SMTP password.")
    smtp_security: str = Field(
        default="none", description="'none', 'starttls' or 'ssl' for the SMTP connection."
    )
    smtp_timeout: float = Field(default=30.0, description="Seconds to wait for the SMTP server.")
    smtp_block: str | None = Field(
        default=None,
        description="Name of a prefect-email EmailServerCredentials block to send through "
        "instead of the smtp_* settings (credentials editable in the Prefect UI).",
    )
    mail_from: str = Field(
        default="peerplan <peerplan@localhost>", description="Sender address of all messages."
    )
    max_upload_bytes: int = Field(
        default=50 * 1024 * 1024, description="Largest plan or form file accepted, in bytes."
    )
    max_docx_uncompressed_bytes: int = Field(
        default=200 * 1024 * 1024,
        description="Largest total size a DOCX may unpack to, counted as it is unpacked (the "
        "sizes the zip declares are not trusted), in bytes.",
    )
    max_docx_xml_bytes: int = Field(
        default=40 * 1024 * 1024,
        description="Largest XML part of a DOCX (its text, styles), in bytes: parsing takes about "
        "ten times this in memory.",
    )
    max_pages: int = Field(
        default=2000, description="Most pages a plan may have (checked before reading its text)."
    )
    max_text_chars: int = Field(
        default=5_000_000,
        description="Most characters of text read from one plan (what the database keeps).",
    )
    max_read_seconds: float = Field(
        default=60.0, description="CPU seconds reading one plan may take before it is refused."
    )
    pdf_reader: str = Field(
        default="auto",
        description="PDF text reader: 'auto' (pypdfium2 when installed with peerplan[fast], "
        "else pypdf), 'pypdf' or 'pypdfium2'.",
    )
    trusted_proxies: str = Field(
        default="",
        description="Reverse proxies in front of the portal whose X-Forwarded-For and "
        "X-Forwarded-Proto headers are believed: addresses or networks, comma-separated "
        "(e.g. '127.0.0.1' or '10.0.0.0/8'). Empty: the connecting address is the client, "
        "and the portal's lock-out of link guessers counts by it.",
    )
    link_secret: SecretStr | None = Field(
        default=None,
        description="Secret the reviewers' personal links are derived from, so that no link "
        "rests in the database even while its invitation waits to be sent. Default: a random "
        "key created in the data directory (link.key, 0600). Every process of an installation "
        "must share it; keep it out of database backups.",
    )
    language: str | None = Field(
        default=None,
        description="The coordinator's language ('de', 'en') for what peerplan says outside a "
        "round: the CLI's lines and the Prefect artifacts about every round. A round's own "
        "output is in the round's language. Default: the system locale (LANGUAGE, LC_ALL, "
        "LC_MESSAGES, LANG), else German.",
    )
    link_grace_days: int = Field(
        default=28, description="Days after the round's final deadline that personal links work."
    )

    @model_validator(mode="after")
    def _default_database(self) -> Settings:
        if not self.database_url:
            self.database_url = f"sqlite:///{self.data_dir / 'peerplan.db'}"
        return self

    @property
    def files_dir(self) -> Path:
        return self.data_dir / "files"

    @property
    def output_dir(self) -> Path:
        return self.data_dir / "output"


def load_settings(config_file: Path | None = None, **overrides: Any) -> Settings:
    """Settings from (lowest first) a TOML file, `PEERPLAN_*` variables, then `overrides`.

    The file is `config_file`, else `$PEERPLAN_CONFIG`, else `./peerplan.toml` when present.
    What none of them sets comes from a running `peerplan serve` of the same data directory
    (`served_settings`) before the defaults.
    """
    path = config_file or (Path(os.environ[CONFIG_ENV]) if os.environ.get(CONFIG_ENV) else None)
    if path is None and Path(DEFAULT_CONFIG_FILE).is_file():
        path = Path(DEFAULT_CONFIG_FILE)
    from_file: dict[str, Any] = {}
    if path is not None:
        with open(path, "rb") as fh:
            from_file = tomllib.load(fh).get("peerplan", {})
    env_set = {name for name in Settings.model_fields if f"PEERPLAN_{name.upper()}" in os.environ}
    # Environment variables beat the file: drop file values the environment also sets.
    values = {k: v for k, v in from_file.items() if k not in env_set}
    values.update(overrides)
    settings = Settings(**values)
    served = served_settings(settings)
    return Settings(**{**values, **served}) if served else settings


#: What a running `peerplan serve` started that the other commands of its data directory must
#: use: written by serve, removed when it stops (review.cli.serve).
SERVED_FILE = "serve.json"
#: Serve's local mailbox stands in for SMTP only when none of these is set, as serve decides.
SMTP_SETTINGS = frozenset({"smtp_host", "smtp_port", "smtp_block"})


def served_settings(settings: Settings) -> dict[str, Any]:
    """The local mailbox's address and the portal's URL of a `peerplan serve` running on this
    data directory, for what the settings leave unset. `peerplan invite` in a second terminal
    sent to the SMTP default, which nobody answers ("run `peerplan serve`", which was running),
    and its links pointed at the default port, not at serve's portal."""
    try:
        served = json.loads((settings.data_dir / SERVED_FILE).read_text(encoding="utf-8"))
        os.kill(int(served["pid"]), 0)  # a serve that crashed left its file behind
    except (OSError, ValueError, KeyError, TypeError):
        return {}
    given = settings.model_fields_set
    values: dict[str, Any] = {}
    if served.get("smtp_port") and not SMTP_SETTINGS & given:
        values.update(
            smtp_host=served["smtp_host"], smtp_port=served["smtp_port"], smtp_security="none"
        )
    if served.get("portal_base_url") and "portal_base_url" not in given:
        values["portal_base_url"] = served["portal_base_url"]
    return values
