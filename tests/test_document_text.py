"""A plan's stored text stays out of the pages that do not show it (#17): a plan of 4,000 text
pages stored 53 MB of text and made its form page ten times slower. `Document.text` is deferred
(review.models); only the affinity reads it, through `review.queries.latest_texts`."""

from __future__ import annotations

from sqlalchemy import event
from sqlmodel import Session, select

from review.config import Settings
from review.db import get_engine
from review.models import Document, Round
from review.queries import latest_document, latest_texts
from review.status import round_status
from tests.support.portal_client import client_for, page
from tests.support.reviewing_data import invited_assignment

BIG = "Klimaschutz " * 200_000  # 2.4 MB of plan text


class Statements:
    """Every SQL statement the engine runs while in use."""

    def __init__(self, settings: Settings) -> None:
        self.engine = get_engine(settings)
        self.seen: list[str] = []

    def _record(self, conn, cursor, statement, parameters, context, executemany) -> None:
        self.seen.append(statement)

    def __enter__(self) -> Statements:
        event.listen(self.engine, "before_cursor_execute", self._record)
        return self

    def __exit__(self, *exc: object) -> None:
        event.remove(self.engine, "before_cursor_execute", self._record)

    def reading_text(self) -> list[str]:
        return [
            s for s in self.seen if s.lstrip().upper().startswith("SELECT") and "document.text" in s
        ]


def test_the_form_page_and_the_status_never_load_the_plans_text(
    session: Session, settings: Settings
) -> None:
    inv = invited_assignment(session, settings, plan_text=BIG)
    session.commit()
    client = client_for(settings)
    with Statements(settings) as statements:
        html = page(client, inv.token, inv.assignment_id).text
    assert statements.seen, "the page ran no query at all?"
    assert statements.reading_text() == [], statements.reading_text()
    assert len(html) < 1_000_000
    round_ = session.get(Round, inv.round_id)
    assert round_ is not None
    with Statements(settings) as statements:
        status = round_status(session, round_)
    assert status["plans"] and statements.reading_text() == []


def test_the_text_is_still_read_where_it_is_used(session: Session, settings: Settings) -> None:
    invited_assignment(session, settings, plan_text=BIG)
    session.commit()
    document = session.exec(select(Document)).one()
    session.expunge_all()
    with Statements(settings) as statements:
        texts = latest_texts(session, [document.plan_id])
    assert texts == {document.plan_id: BIG}
    assert len(statements.reading_text()) == 1  # one query, the newest versions only
    latest = latest_document(session, document.plan_id)
    assert latest is not None and latest.text == BIG  # asked for: loaded on access
