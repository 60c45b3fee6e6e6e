"""The language system: every message the code uses is translated in every catalog, a message
reads in its reader's language, and a third language is a catalog away (no code)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from sqlmodel import Session, select

from review import i18n
from review.config import Settings
from review.consolidation.pipeline import compile_round
from review.lifecycle import invite
from review.models import Outbox
from review.notify import messages
from review.paths import LOCALES_DIR
from review.reviewing.errors import NotEditable
from review.reviewing.form import ELIGIBILITY
from review.rubric import Text
from tests.consolidation.test_documents import docx_text
from tests.support.notify import approved_assignment, make_reviewer, small_round
from tests.support.portal_client import client_for, page
from tests.support.review_data import reviewed_plan
from tests.support.reviewing_data import invited_assignment

ROOT = Path(__file__).resolve().parent.parent
STUB_LOCALES = Path(__file__).parent / "data" / "locales"


def used_messages() -> set[str]:
    """Every source text in the code and templates, found as `make messages` finds them; one
    with a context (`pgettext`) as 'context\x04text', gettext's own key for it."""
    with (ROOT / "babel.cfg").open() as f:
        method_map, options_map = parse_mapping_cfg(f)
    keywords = {**DEFAULT_KEYWORDS, "N_": None}
    found: set[str] = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=keywords
    ):
        text = message[0] if isinstance(message, tuple) else message
        found.add(f"{_context}\x04{text}" if _context else text)
    return found


def shipped_catalogs() -> list[Path]:
    return sorted(LOCALES_DIR.glob("*/LC_MESSAGES/peerplan.po"))


def test_german_is_shipped_and_english_needs_no_catalog() -> None:
    assert [p.parent.parent.name for p in shipped_catalogs()] == ["de"]
    assert i18n.languages() == ("de", "en")


@pytest.mark.parametrize("po_file", shipped_catalogs(), ids=lambda p: p.parent.parent.name)
def test_every_message_the_code_uses_is_translated(po_file: Path) -> None:
    with po_file.open("rb") as f:
        catalog = read_po(f)
    translated = {
        (f"{m.context}\x04" if m.context else "") + (m.id[0] if isinstance(m.id, tuple) else m.id)
        for m in catalog
        if m.id and not m.fuzzy and all(m.string if isinstance(m.string, tuple) else (m.string,))
    }
    missing = sorted(used_messages() - translated)
    assert not missing, (
        f"{po_file} lacks {len(missing)} message(s) the code uses; run `make messages` and "
        f"translate them: {missing[:5]}"
    )
    problems = [(m.id, [str(e) for e in errors]) for m, errors in catalog.check()]
    assert not problems, f"placeholders differ between source and translation: {problems}"


def test_the_check_finds_a_message_missing_from_a_catalog(tmp_path: Path) -> None:
    """The test above can fail: a catalog without one used message is caught."""
    po_file = shipped_catalogs()[0]
    text = po_file.read_text(encoding="utf-8")
    assert 'msgid "Save draft"\nmsgstr "Entwurf speichern"\n' in text
    broken = tmp_path / "de" / "LC_MESSAGES" / "peerplan.po"
    broken.parent.mkdir(parents=True)
    broken.write_text(text.replace('msgid "Save draft"\nmsgstr "Entwurf speichern"\n', ""))
    with pytest.raises(AssertionError, match="Save draft"):
        test_every_message_the_code_uses_is_translated(broken)


def test_dates_and_numbers_as_each_language_writes_them() -> None:
    de, en = i18n.translator("de"), i18n.translator("en")
    assert de.format_date(date(2026, 12, 15)) == "15.12.2026"
    assert en.format_date(date(2026, 12, 15)) == "15 Dec 2026"
    assert de.format_decimal(1234.5, 1) == "1.234,5" and en.format_decimal(1234.5, 1) == "1,234.5"
    assert de.language_name("en") == "English" and en.language_name("de") == "Deutsch"


def test_unknown_languages_fall_back() -> None:
    assert i18n.pick_language("xx", "en") == "en"
    assert i18n.pick_language(None, None) == i18n.DEFAULT_LANGUAGE
    assert i18n.translator("xx").gettext("Save draft") == "Save draft"


def test_rubric_texts_in_any_number_of_languages() -> None:
    text = Text({"de": "Ziele", "en": "Targets", "fr": "Objectifs"})
    assert (text("fr"), text("de"), text("it")) == ("Objectifs", "Ziele", "Targets")
    with pytest.raises(ValueError, match="en: Field required"):
        Text({"de": "Ziele"})


# ---------------------------------------------------------------------- a third language


@pytest.fixture
def french(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """French as a catalog only: the stub in tests/data/locales, no code."""
    monkeypatch.setenv(i18n.EXTRA_LOCALES_ENV, str(STUB_LOCALES))
    i18n.reload_catalogs()
    yield
    monkeypatch.delenv(i18n.EXTRA_LOCALES_ENV)
    i18n.reload_catalogs()


def test_a_third_catalog_adds_a_language(french: None) -> None:
    assert i18n.languages() == ("de", "en", "fr")
    t = i18n.translator("fr")
    assert t.gettext("Save draft") == "Enregistrer le brouillon"
    assert t.gettext("Submit the review") == "Submit the review"  # English for the rest
    assert t.format_date(date(2026, 12, 15)) == "15 déc. 2026"


def test_a_third_catalog_renders_the_portal_form(
    french: None, session: Session, settings: Settings
) -> None:
    inv = invited_assignment(session, settings)
    html = page(client_for(settings), inv.token, inv.assignment_id, lang="fr").text
    assert '<html lang="fr">' in html
    assert "Enregistrer le brouillon" in html and "Submit the review" in html
    assert "15 déc. 2026" in html
    assert 'hreflang="de"' in html and 'hreflang="en"' in html  # switch to either other language


def test_a_third_catalog_renders_an_email(
    french: None, session: Session, settings: Settings
) -> None:
    round_, towns, plans = small_round(session)
    reviewer = make_reviewer(
        session, round_, towns["Bergdorf"], name="Claire Dubois", language="fr", languages=["de"]
    )
    assignment = approved_assignment(session, round_, plans["Altstadt"], reviewer)
    invite(session, settings, [assignment], actor="coordinator")
    row = session.exec(select(Outbox).where(Outbox.kind == "invitation")).one()
    assert row.language == "fr"
    assert row.subject.startswith("Invitation à évaluer : Klimaschutzkonzept Altstadt")
    assert row.body.startswith("Bonjour Claire Dubois,")
    assert "15 déc. 2026" in row.body and "Cordialement," in row.body
    assert "Please submit your review by" in row.body  # English where the stub is silent


def test_a_third_catalog_renders_a_consolidated_document(
    french: None, session: Session, tmp_path: Path
) -> None:
    data = reviewed_plan(session, language="de", municipality_language="fr")
    report = compile_round(session, None, data.round_, tmp_path, workers=1, pdf=False)
    (plan,) = report.plans
    text = docx_text(plan.municipality_docx)
    assert text.startswith("Évaluation consolidée") and "Édition pour la commune" in text
    assert "Summary" in text and "Reviewer A" in text  # English where the stub is silent
    assert "Strategy, targets & political mandate" in text  # the rubric has no French: English
    assert docx_text(plan.coordinator_docx).startswith("Konsolidiertes Gutachten")


def test_the_german_catalog_is_complete_without_the_stub() -> None:
    subject, body = messages.render(
        "invitation",
        "de",
        plan_title="P",
        round_name="R",
        municipality_name="M",
        rubric="Technik",
        due_date="15.12.2026",
        reviewer_name="Anna Schmidt",
        coordinator_name="Coordinator",
        link="https://x/r/t",
        form_name="f.docx",
    )
    # The messages say Gutachten, as the portal and the documents do (walk10: the emails said
    # "Review", the reviewer's page "Begutachtung" and "Gutachten").
    assert subject == "Einladung zur Begutachtung: P (R)"
    assert "Review" not in body and "Begutachtungsrunde „R“" in body
    assert body.startswith("Guten Tag Anna Schmidt,")
    assert body.rstrip().endswith("Mit freundlichen Grüßen\nIhre Koordination")


def test_an_error_reads_in_its_readers_language_with_its_values() -> None:
    error = NotEditable(
        i18n.N_("this assignment is %(status)s; its review cannot be changed"),
        status=i18n.state_message("declined"),
    )
    assert str(error) == "this assignment is declined; its review cannot be changed"
    assert error.text("de") == (
        "Diese Begutachtung ist im Stand „abgelehnt“ und kann nicht geändert werden."
    )
    assert ELIGIBILITY["council_approval"]("de") == "Vom Gemeinderat beschlossen"


def test_no_message_hides_inside_an_f_string() -> None:
    """Babel does not look inside f-strings: `f"{_('note:')} ..."` stays English forever while
    the catalog check above passes, unless the same text is extracted elsewhere too."""
    import io
    import re
    import tokenize

    call = re.compile(r"""(?<!\w)(?:_|N_|gettext|ngettext|pgettext)\(\s*(['"])(.*?)\1""")
    extracted = used_messages()
    hidden = []
    for folder in ("review", "flows"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            source = path.read_text(encoding="utf-8")
            for token in tokenize.generate_tokens(io.StringIO(source).readline):
                prefix = re.match(r"[A-Za-z]*", token.string)
                if token.type != tokenize.STRING or "f" not in prefix.group(0).lower():
                    continue
                hidden += [
                    f"{path.relative_to(ROOT)}:{token.start[0]}: {text!r}"
                    for _quote, text in call.findall(token.string)
                    if text not in extracted
                ]
    assert not hidden, f"messages Babel cannot find (inside an f-string): {hidden}"
