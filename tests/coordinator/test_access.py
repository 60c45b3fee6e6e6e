"""A coordinator's personal link to the round page: hashed, replaced by label, revocable."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, select
from typer.testing import CliRunner

from review.cli import app
from review.config import Settings
from review.coordinator import access
from review.errors import InvalidInput
from review.models import CoordinatorLink, Event, utcnow
from tests.support.factories import make_round
from tests.support.portal_client import client_for

runner = CliRunner()


def test_a_link_opens_its_round_and_only_its_hash_is_stored(session: Session) -> None:
    round_, other = make_round(session), make_round(session)
    token = access.issue(session, round_)
    session.commit()
    assert access.round_for_token(session, token).id == round_.id
    assert access.round_for_token(session, token + "x") is None
    assert access.round_for_token(session, "") is None
    stored = session.exec(select(CoordinatorLink)).all()
    assert [link.round_id for link in stored] == [round_.id]
    assert token not in stored[0].token_hash
    assert other.id not in {link.round_id for link in stored}
    kinds = [e.kind for e in session.exec(select(Event).where(Event.round_id == round_.id))]
    assert "round.coordinator_link_issued" in kinds


def test_a_new_link_of_a_label_ends_the_old_one_and_leaves_the_others(session: Session) -> None:
    round_ = make_round(session)
    first = access.issue(session, round_, label="cli")
    served = access.issue(session, round_, label="serve")
    second = access.issue(session, round_, label="cli")
    session.commit()
    assert access.round_for_token(session, first) is None
    assert access.round_for_token(session, second) is not None
    assert access.round_for_token(session, served) is not None


def test_revoke_ends_every_link_of_the_round(session: Session) -> None:
    round_ = make_round(session)
    tokens = [access.issue(session, round_, label=label) for label in ("cli", "serve")]
    assert access.revoke(session, round_) == 2
    session.commit()
    assert all(access.round_for_token(session, t) is None for t in tokens)


def test_an_unknown_label_is_refused(session: Session) -> None:
    with pytest.raises(InvalidInput, match="label"):
        access.issue(session, make_round(session), label="friend")


def test_the_artifacts_links_work_for_a_day(session: Session) -> None:
    round_ = make_round(session)
    now = utcnow()
    yesterday = access.issue_for_artifact(session, round_, now=now - timedelta(hours=25))
    an_hour_ago = access.issue_for_artifact(session, round_, now=now - timedelta(hours=1))
    latest = access.issue_for_artifact(session, round_, now=now)
    session.commit()
    assert access.round_for_token(session, yesterday) is None
    assert access.round_for_token(session, an_hour_ago) is not None
    assert access.round_for_token(session, latest) is not None


def test_the_cli_prints_a_link_that_opens_the_round_page_and_revokes_it(
    settings: Settings, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PEERPLAN_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("PEERPLAN_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("PEERPLAN_PORTAL_BASE_URL", "http://portal.example:4301")
    make_round(session, name="Runde Süd")
    session.commit()
    result = runner.invoke(app, ["coordinator", "link", "--round", "Runde Süd"])
    assert result.exit_code == 0, result.output
    url = result.output.strip()
    assert url.startswith("http://portal.example:4301/c/")
    client = client_for(settings)
    path = url.removeprefix("http://portal.example:4301")
    assert "Runde Süd" in client.get(path).text
    result = runner.invoke(app, ["coordinator", "revoke", "--round", "Runde Süd"])
    assert result.exit_code == 0 and "1 Koordinationslink der Runde" in result.output
    assert client.get(path).status_code == 404
    missing = runner.invoke(app, ["coordinator", "link", "--round", "Nowhere"])
    assert missing.exit_code == 2 and "keine Runde namens „Nowhere“" in missing.output
