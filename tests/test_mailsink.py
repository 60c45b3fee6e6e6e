from __future__ import annotations

import smtplib
from email.message import EmailMessage
from pathlib import Path

from review.mailsink import start_mailbox


def test_messages_sent_over_smtp_are_kept_in_order(tmp_path: Path) -> None:
    with start_mailbox(tmp_path / "mail") as mailbox:
        for n in (1, 2):
            message = EmailMessage()
            message["From"], message["To"] = "a@example.org", "b@example.org"
            message["Subject"] = f"Erinnerung {n}: Gutachten fällig"
            message.set_content("Grüße")
            with smtplib.SMTP(mailbox.host, mailbox.port) as smtp:
                smtp.send_message(message)
        received = mailbox.messages()
    assert [m["Subject"] for m in received] == [
        "Erinnerung 1: Gutachten fällig",
        "Erinnerung 2: Gutachten fällig",
    ]
    assert received[0].get_content().strip() == "Grüße"
