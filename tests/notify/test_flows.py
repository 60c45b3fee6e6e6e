"""The notify flows on a Prefect test server: they invite, escalate, deliver and publish what
they did as artifacts. (The rules themselves are tested without Prefect.)"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from review.db import session_scope
from tests.support.notify import (
    Mailbox,
    approved_assignment,
    make_reviewer,
    small_round,
    start_smtp,
)

D = date(2026, 12, 15)


@pytest.mark.slow
@pytest.mark.xdist_group("prefect")
def test_flows_invite_escalate_and_publish_artifacts(prefect_harness, sqlite_settings, monkeypatch):
    from prefect.artifacts import Artifact

    from flows.escalate_deadlines import EscalationParameters, escalate_deadlines
    from flows.send_invitations import InvitationParameters, send_invitations
    from review.db import get_engine

    box = Mailbox()
    controller = start_smtp(box)
    for name, value in {
        "DATA_DIR": str(sqlite_settings.data_dir),
        "DATABASE_URL": sqlite_settings.database_url,
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(controller.port),
    }.items():
        monkeypatch.setenv(f"PEERPLAN_{name}", value)
    try:
        with session_scope(get_engine(sqlite_settings)) as session:
            round_, towns, plans = small_round(session, due=D, name="Flow Runde 1")
            reviewer = make_reviewer(session, round_, towns["Bergdorf"], email="r@example.org")
            approved_assignment(session, round_, plans["Altstadt"], reviewer)
        invite = InvitationParameters(round_name="Flow Runde 1")
        assert send_invitations(invite) == {"invited": 1, "sent": 1}
        assert send_invitations(invite) == {"invited": 0, "sent": 0}
        at = datetime.combine(D - timedelta(days=2), time(9), tzinfo=UTC)
        result = escalate_deadlines(EscalationParameters(round_name="Flow Runde 1", now=at))
        assert {k: result[k] for k in ("queued", "sent", "cancelled")} == {
            "queued": 2,  # reminder + digest
            "sent": 2,
            "cancelled": 0,
        }
        assert result["found"]["Flow Runde 1"]["reminders"] == 1
    finally:
        controller.stop()
    assert [m["X-Peerplan-Kind"] for m in box.messages] == ["invitation", "reminder", "digest"]
    artifact = Artifact.get("escalate-deadlines-flow-runde-1")
    # A German round: its coordinator reads the runs' artifacts in German.
    assert artifact is not None and "| Erinnerung | d-2 |" in artifact.data, artifact.data
    # The round's progress says what the check found, not only that it ran
    progress = Artifact.get("round-progress-flow-runde-1")
    assert progress is not None
    assert "Dieser Lauf: Fristen geprüft: 1 Erinnerung verschickt\n" in progress.data
    invitations = Artifact.get("send-invitations-flow-runde-1")  # the newest version: the re-run
    assert invitations is not None and "Keine freigegebene Zuteilung" in invitations.data


@pytest.mark.slow
@pytest.mark.xdist_group("prefect")
def test_smtp_through_a_prefect_email_block_keeps_our_message_id(prefect_harness, sqlite_settings):
    from prefect_email import EmailServerCredentials

    from review.db import get_engine
    from review.notify import delivery, outbox
    from tests.support.notify import free_port

    box = Mailbox()
    controller = start_smtp(box)
    try:
        EmailServerCredentials(
            smtp_server="127.0.0.1", smtp_port=controller.port, smtp_type="INSECURE"
        ).save("peerplan-test-smtp", overwrite=True)
        # The settings' own server is unreachable: only the block can deliver.
        settings = sqlite_settings.model_copy(
            update={"smtp_block": "peerplan-test-smtp", "smtp_port": free_port()}
        )
        engine = get_engine(settings)
        with session_scope(engine) as session:
            outbox.enqueue(
                session,
                key="digest:test",
                kind="digest",
                recipient="c@example.org",
                language="en",
                subject="Digest",
                body="Nothing new.",
                round_id=None,
                settings=settings,
            )
        assert delivery.deliver(engine, settings).sent == ["digest:test"]
    finally:
        controller.stop()
    (message,) = box.messages
    assert message["Message-ID"] == outbox.message_id_for("digest:test", settings)


class _Refusing(Mailbox):
    """Refuses one address for good (550) and another for now (451)."""

    async def handle_RCPT(self, server, session, envelope, address, options):
        if address in ("gone@example.org", "busy@example.org"):
            return "550 5.1.1 no such user" if address.startswith("gone") else "451 4.2.2 full"
        envelope.rcpt_tos.append(address)
        return "250 OK"


@pytest.mark.slow
@pytest.mark.xdist_group("prefect")
def test_a_failed_invitation_run_names_each_message_in_the_rounds_language(
    prefect_harness, sqlite_settings, monkeypatch
):
    from prefect.artifacts import Artifact

    from flows.send_invitations import InvitationParameters, send_invitations
    from review.db import get_engine
    from review.errors import PeerplanError

    box = _Refusing()
    controller = start_smtp(box)
    for name, value in {
        "DATA_DIR": str(sqlite_settings.data_dir),
        "DATABASE_URL": sqlite_settings.database_url,
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(controller.port),
    }.items():
        monkeypatch.setenv(f"PEERPLAN_{name}", value)
    try:
        with session_scope(get_engine(sqlite_settings)) as session:
            round_, towns, plans = small_round(session, due=D, name="Flow Runde 2")
            gone = make_reviewer(
                session, round_, towns["Bergdorf"], name="Rita Roth", email="gone@example.org"
            )
            gone.language = "en"  # her invitation's subject is English; the round is German
            busy = make_reviewer(
                session, round_, towns["Altstadt"], name="Bea Berg", email="busy@example.org"
            )
            approved_assignment(session, round_, plans["Altstadt"], gone)
            approved_assignment(session, round_, plans["Bergdorf"], busy)
        with pytest.raises(PeerplanError) as raised:
            send_invitations(InvitationParameters(round_name="Flow Runde 2"))
    finally:
        controller.stop()
    # The failed run's message, as the Prefect UI shows it, in the round's language
    said = " ".join(str(raised.value).split())
    assert (
        "Einladung an Rita Roth <gone@example.org> für Altstadt (Technische Begutachtung) "
        "wurde nicht verschickt: der Mailserver lehnte sie ab: 550 5.1.1 no such user"
    ) in said
    assert (
        "Einladung an Bea Berg <busy@example.org> für Bergdorf (Technische Begutachtung) "
        "wurde nicht verschickt: der Mailserver lehnte sie ab: 451 4.2.2 full"
    ) in said
    assert "der nächste Lauf versucht es erneut" in said and "invitation:" not in said
    # ... and the run's artifact, under Delivery
    artifact = Artifact.get("send-invitations-flow-runde-2")
    assert artifact is not None
    delivery = " ".join(artifact.data.split("## Versand")[1].split())
    assert (
        "- Einladung an Rita Roth <gone@example.org> für Altstadt (Technische Begutachtung) "
        "wurde nicht verschickt: der Mailserver lehnte sie ab: 550 5.1.1 no such user – als "
        "fehlgeschlagen markiert und nicht wiederholt (`peerplan outbox` listet sie)"
    ) in delivery
    assert (
        "für Bergdorf (Technische Begutachtung) wurde nicht verschickt: der Mailserver lehnte "
        "sie ab: 451 4.2.2 full – sie wartet im Postausgang; der nächste Lauf versucht es erneut"
    ) in delivery
