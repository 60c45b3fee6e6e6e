"""After PostgreSQL has closed the portal's pooled connections (a restart of the database, an
administrator terminating them), the next requests still work: a closed connection is found on
checkout, without the round trip of a ping (`review.db`), and replaced."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool
from sqlmodel import Session, select

from review.config import Settings
from review.models import Review
from tests.support.portal_client import client_for, form_fields, page, review_form
from tests.support.reviewing_data import invited_assignment

_OTHERS = "FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"


def _terminate_all_connections(url: str) -> int:
    """Ends every other connection to the database, as a restart would; their number."""
    admin = create_engine(url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            ended = conn.execute(text(f"SELECT count(pg_terminate_backend(pid)) {_OTHERS}"))
            count = ended.scalar_one()
            deadline = time.monotonic() + 10
            while conn.execute(text(f"SELECT count(*) {_OTHERS}")).scalar_one():
                assert time.monotonic() < deadline, "the backends did not end"
                time.sleep(0.05)
    finally:
        admin.dispose()
    return count


# PostgreSQL only: SQLite has no server connections to lose.
@pytest.mark.parametrize(
    "settings", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
def test_saves_and_pages_work_right_after_the_database_closed_every_connection(
    session: Session, settings: Settings
) -> None:
    assert settings.database_url.startswith("postgresql")
    inv = invited_assignment(session, settings)
    url = f"/r/{inv.token}/a/{inv.assignment_id}/save"
    edit = {"action": "draft", "lang": "en"}
    client = client_for(settings)
    fields = form_fields(page(client, inv.token, inv.assignment_id).text)
    r = client.post(url, data=fields | edit | review_form({"T1": "2"}, {"T1": "before"}))
    assert r.status_code == 303
    fields = form_fields(client.get(r.headers["location"]).text)

    assert _terminate_all_connections(settings.database_url) >= 1

    # Every pooled connection is gone; the reviewer notices nothing.
    for n in range(3):
        words = f"after {n}"
        r = client.post(url, data=fields | edit | review_form({"T1": "3"}, {"T1": words}))
        assert r.status_code == 303, r.text[:300]
        shown = client.get(r.headers["location"])
        assert shown.status_code == 200 and words in shown.text
        fields = form_fields(shown.text)
    session.expire_all()
    stored = session.exec(select(Review)).one()
    assert (stored.revision, stored.comments) == (4, {"T1": "after 2"})
