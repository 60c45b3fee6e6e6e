"""Header values from user text: every line break Unicode knows, control and bidi characters,
lone surrogates and absurd lengths end as one safe line the email package accepts (#17)."""

from __future__ import annotations

from email.message import EmailMessage

import pytest

from review.notify.headers import MAX_HEADER_CHARS, header_value, is_header_safe
from review.notify.messages import render

#: What str.splitlines() splits on, plus NUL, DEL and C1 controls: each refused in a header.
BREAKS = {
    "LF": "\n",
    "CR": "\r",
    "CRLF": "\r\n",
    "VT": "\x0b",
    "FF": "\x0c",
    "FS": "\x1c",
    "GS": "\x1d",
    "RS": "\x1e",
    "NEL": "\x85",
    "LS": "\u2028",
    "PS": "\u2029",
    "NUL": "\x00",
    "DEL": "\x7f",
    "CSI": "\x9b",
}


@pytest.mark.parametrize("name", list(BREAKS))
def test_every_line_break_and_control_becomes_a_space_the_email_package_accepts(name: str) -> None:
    raw = f"Plan{BREAKS[name]}Bcc: victim@example.org.pdf"
    safe = header_value(raw)
    assert safe == "Plan Bcc: victim@example.org.pdf"
    message = EmailMessage()
    message["Subject"] = f"Plan received: {safe}"
    message.set_content("x")
    data = message.as_bytes()
    assert b"\nBcc:" not in data and data.count(b"Subject:") == 1


def test_bidi_overrides_vanish_and_surrogates_become_replacement_characters() -> None:
    assert header_value("rechnung\u202etxt.exe") == "rechnungtxt.exe"
    assert header_value("plan\udcff.pdf") == "plan\ufffd.pdf"
    assert header_value("  a \t\u00a0 b  ") == "a b"
    assert header_value("Stadt Münster – Plan 🌍") == "Stadt Münster – Plan 🌍"  # kept as is


def test_a_long_value_is_cut_with_an_ellipsis() -> None:
    value = header_value("x" * 10_000)
    assert len(value) == MAX_HEADER_CHARS and value.endswith("…")
    assert is_header_safe(value) and not is_header_safe("a\u2028b")


@pytest.mark.parametrize("name", ["LF", "LS", "NEL", "VT"])
def test_a_title_with_a_line_break_stays_in_the_subject_and_out_of_the_body(name: str) -> None:
    subject, body = render(
        "invitation",
        "en",
        reviewer_name="R",
        plan_title=f"Klimaplan{BREAKS[name]}Teil 2",
        municipality_name="M",
        round_name="Runde",
        rubric="technical",
        due_date="2026-12-15",
        link="https://portal.example/r/x",
        form_name="form.docx",
        coordinator_name="C",
    )
    assert subject == "Invitation to review: Klimaplan Teil 2 (Runde)"
    assert body.startswith("Dear R,")
