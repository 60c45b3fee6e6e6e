"""Synthetic plans: what an intake test or the demo relies on, checked by reading the files back
with the same libraries the intake uses (pypdf, python-docx)."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import docx
import pypdf
import pytest

from review.synthetic import (
    KEY_SECTORS,
    PART_KEYWORDS,
    PART_WORDS,
    PARTS,
    plan_spec,
    write_docx,
    write_pdf,
)
from review.synthetic.blocks import Paragraph
from review.synthetic.document import plan_blocks
from review.synthetic.plans import SECTORS
from review.synthetic.prose import SECTOR_LABELS


def pdf_pages(path: Path) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(path).pages]


def docx_text(path: Path) -> str:
    document = docx.Document(str(path))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("language", ["de", "en"])
def test_same_seed_gives_the_same_plan_and_identical_files(tmp_path: Path, language: str) -> None:
    assert plan_spec(7, language) == plan_spec(7, language)
    assert plan_spec(7, language) != plan_spec(8, language)
    for writer, suffix in ((write_pdf, "pdf"), (write_docx, "docx")):
        a = writer(plan_spec(7, language), tmp_path / f"a.{suffix}")
        b = writer(plan_spec(7, language), tmp_path / f"b.{suffix}")
        c = writer(plan_spec(8, language), tmp_path / f"c.{suffix}")
        assert sha256(a.path) == sha256(b.path), f"{suffix} differs between two runs"
        assert sha256(a.path) != sha256(c.path)


def test_seeds_vary_municipalities_targets_and_missing_parts() -> None:
    specs = [plan_spec(seed, "de") for seed in range(60)]
    assert len({s.municipality for s in specs}) > 40
    assert len({(s.target_percent, s.target_year) for s in specs}) > 5
    assert any(not s.missing for s in specs) and any(len(s.missing) >= 2 for s in specs)
    assert any(not all(s.eligibility().values()) for s in specs)
    assert any(all(s.eligibility().values()) for s in specs)


def test_german_pdf_extracts_with_umlauts_outline_and_metadata(tmp_path: Path) -> None:
    spec = plan_spec(3, "de", missing=(), municipality="Großmühlhausen")
    written = write_pdf(spec, tmp_path / "plan.pdf")
    reader = pypdf.PdfReader(written.path)
    text = "\n".join(page.extract_text() for page in reader.pages)
    for word in (
        "Großmühlhausen",
        "Maßnahmenkatalog",
        "Öffentlichkeitsarbeit",
        "Bürgerbeteiligung",
        "Klimarisiko- und Vulnerabilitätsanalyse",
        "Basisjahr",
        "Fördermittel",
        "Gemeinderatsbeschluss",
        "Klimaanpassung",
        "Treibhausgasbilanz",
    ):
        assert word in text, word
    assert reader.metadata.title == spec.title
    assert reader.metadata.author == spec.author
    assert len(reader.pages) == written.pages
    outline = [item.title for item in reader.outline if not isinstance(item, list)]
    chapters = [loc.heading for loc in written.locations.values() if loc.heading[0].isdigit()]
    assert set(chapters) <= set(outline)
    assert outline[0].endswith(spec.headings["intro"])
    # Each part is on the page the ground truth names, with its heading and its snippet.
    pages = [page.extract_text() for page in reader.pages]
    for part, location in written.locations.items():
        page_text = " ".join(pages[location.page - 1].split())
        assert location.heading in page_text, part
        assert " ".join(location.snippet.split()[:6]) in page_text, part


def test_english_pdf_has_secap_vocabulary(tmp_path: Path) -> None:
    spec = plan_spec(4, "en", missing=())
    text = " ".join(" ".join(pdf_pages(write_pdf(spec, tmp_path / "plan.pdf").path)).split())
    for phrase in (
        "SECAP",
        "Baseline Emission Inventory",
        "reduction target",
        "risk and vulnerability assessment",
        "mitigation actions",
        "adaptation actions",
        "Financing",
        "Monitoring",
        "approved by the municipal council",
        "communication strategy",
        "Citizen participation",
    ):
        assert phrase.lower() in text.lower(), phrase
    assert f"{spec.target_percent}% by {spec.target_year}" in text


def test_inventory_table_in_pdf_lists_the_sectors_with_numbers(tmp_path: Path) -> None:
    spec = plan_spec(5, "de", missing=())
    written = write_pdf(spec, tmp_path / "plan.pdf")
    page = pdf_pages(written.path)[written.locations["inventory"].table_page - 1]
    for row in spec.inventory:
        assert SECTOR_LABELS[row.sector]["de"] in page
        assert f"{row.mwh:,}".replace(",", ".") in page


@pytest.mark.parametrize("language", ["de", "en"])
def test_docx_has_heading_styles_tables_and_core_properties(tmp_path: Path, language: str) -> None:
    spec = plan_spec(6, language, missing=())
    written = write_docx(spec, tmp_path / "plan.docx")
    document = docx.Document(str(written.path))
    assert document.core_properties.title == spec.title
    assert document.core_properties.author == spec.author
    styles = [p.style.name for p in document.paragraphs]
    assert styles[0] == "Title"
    assert styles.count("Heading 1") >= len(PARTS) - 1
    assert "Heading 2" in styles
    for part, location in written.locations.items():
        paragraph = document.paragraphs[location.paragraph - 1]
        assert paragraph.text == location.heading, part
        assert paragraph.style.name.startswith("Heading"), part
    inventory = document.tables[written.locations["inventory"].table_index]
    labels = [row.cells[0].text for row in inventory.rows]
    assert [SECTOR_LABELS[r.sector][language] for r in spec.inventory] == labels[1:-1]
    actions = document.tables[written.locations["mitigation"].table_index]
    assert len(actions.rows) == len(spec.mitigation) + 1


@pytest.mark.parametrize("language", ["de", "en"])
@pytest.mark.parametrize("part", PARTS)
def test_a_missing_part_leaves_no_trace(tmp_path: Path, language: str, part: str) -> None:
    """Every keyword of the part is absent from the whole document, and present otherwise."""
    spec = plan_spec(11, language, missing={part})
    assert part not in spec.parts and spec.missing == {part}
    pdf = " ".join(" ".join(pdf_pages(write_pdf(spec, tmp_path / "p.pdf").path)).split()).lower()
    docx_ = docx_text(write_docx(spec, tmp_path / "p.docx").path).lower()
    full = plan_spec(11, language, missing=())
    full_pdf = " ".join(pdf_pages(write_pdf(full, tmp_path / "f.pdf").path)).lower()
    for keyword in PART_KEYWORDS[part][language]:
        assert keyword.lower() not in pdf, keyword
        assert keyword.lower() not in docx_, keyword
    for word in PART_WORDS.get(part, {}).get(language, ()):
        pattern = re.compile(rf"\b{re.escape(word.lower())}\b")
        assert not pattern.search(pdf) and not pattern.search(docx_), word
    assert any(k.lower() in " ".join(full_pdf.split()) for k in PART_KEYWORDS[part][language])


def test_random_missing_parts_never_leak_into_other_chapters(tmp_path: Path) -> None:
    for seed in range(16):
        language = "de" if seed % 2 else "en"
        spec = plan_spec(seed, language)
        text = docx_text(write_docx(spec, tmp_path / f"{seed}.docx").path).lower()
        for part in spec.missing:
            for keyword in PART_KEYWORDS[part][language]:
                assert keyword.lower() not in text, (seed, part, keyword)


def test_eligibility_truth_follows_the_jrc_criteria() -> None:
    spec = plan_spec(1, "de", missing={"council_approval", "risk_assessment"})
    truth = spec.eligibility()
    assert truth["council_approval"] is False
    assert truth["bei_rva"] is False
    thin = [
        s
        for s in (plan_spec(seed, "en", missing=()) for seed in range(80))
        if len(set(s.inventory_sectors) & set(KEY_SECTORS)) < 3
    ]
    assert thin and all(not s.eligibility()["bei_sectors"] for s in thin)
    for s in (plan_spec(seed, "de") for seed in range(20)):
        assert set(s.mitigation_sectors) <= set(SECTORS)
        if not s.has("mitigation"):
            assert not s.eligibility()["action_sectors"]


def test_pages_control_the_length(tmp_path: Path) -> None:
    short = write_pdf(plan_spec(2, "de", pages=4), tmp_path / "short.pdf")
    long = write_pdf(plan_spec(2, "de", pages=60), tmp_path / "long.pdf")
    assert short.pages <= 6
    assert 45 <= long.pages <= 75
    assert len(pypdf.PdfReader(long.path).pages) == long.pages


def test_unknown_part_or_language_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown parts"):
        plan_spec(1, "de", missing={"inventroy"})
    with pytest.raises(ValueError, match="language"):
        plan_spec(1, "fr")  # type: ignore[arg-type]


def test_chapter_and_neutral_prose_never_name_another_part() -> None:
    """The text pools themselves: a sentence padding one chapter (or any chapter, for the neutral
    ones) carries no keyword of another part, so leaving that part out leaves no trace."""
    from review.synthetic.filler import FILLER, INVENTORY_SECTOR_FILLER, PART_FILLER

    for language in ("de", "en"):
        for part in PARTS:
            words = [k.lower() for k in PART_KEYWORDS[part][language]]
            patterns = [
                re.compile(rf"\b{re.escape(w.lower())}\b")
                for w in PART_WORDS.get(part, {}).get(language, ())
            ]
            pools = [("neutral", FILLER[language])] + [
                (other, sentences[language])
                for other, sentences in PART_FILLER.items()
                if other != part
            ]
            if part != "inventory":
                pools += [("inventory", s[language]) for s in INVENTORY_SECTOR_FILLER.values()]
            for where, sentences in pools:
                for sentence in sentences:
                    low = sentence.lower()
                    assert not any(w in low for w in words), (part, where, sentence)
                    assert not any(p.search(low) for p in patterns), (part, where, sentence)


def test_inventory_prose_names_only_covered_sectors() -> None:
    from review.synthetic.filler import INVENTORY_SECTOR_FILLER

    for seed in range(40):
        spec = plan_spec(seed, "en", missing=(), pages=8)
        text = " ".join(b.text for b in plan_blocks(spec) if isinstance(b, Paragraph))
        for sector, sentences in INVENTORY_SECTOR_FILLER.items():
            if sector not in spec.inventory_sectors:
                assert sentences["en"][0] not in text, (seed, sector)


def test_long_plans_read_like_their_chapters() -> None:
    spec = plan_spec(8, "de", missing=(), pages=30)
    blocks = plan_blocks(spec)
    texts = [b.text for b in blocks if isinstance(b, Paragraph)]
    assert len(texts) > 200
    assert len(set(texts)) == len(texts), "a paragraph repeats word for word"
    assert sum("Emissionsfaktor" in t for t in texts) > 3  # inventory chapter prose


@pytest.mark.parametrize("language", ["de", "en"])
def test_table_of_contents_gives_the_pages_the_chapters_are_on(
    tmp_path: Path, language: str
) -> None:
    spec = plan_spec(12, language, missing={"financing"}, pages=9, table_of_contents=True)
    written = write_pdf(spec, tmp_path / "plan.pdf")
    pages = pdf_pages(written.path)
    contents = pages[1]
    assert contents.startswith("Inhaltsverzeichnis" if language == "de" else "Contents")
    for part, location in written.locations.items():
        assert location.heading in pages[location.page - 1], part
        if location.heading[0].isdigit():  # chapters (not sections) are listed with their page
            assert f"{location.heading} {location.page}" in contents, part
    document = docx.Document(str(write_docx(spec, tmp_path / "plan.docx").path))
    for part, location in write_docx(spec, tmp_path / "p2.docx").locations.items():
        assert document.paragraphs[location.paragraph - 1].text == location.heading, part


def test_pdf_without_outline(tmp_path: Path) -> None:
    spec = plan_spec(4, "de")
    written = write_pdf(spec, tmp_path / "plain.pdf", outline=False)
    reader = pypdf.PdfReader(written.path)
    assert reader.outline == []
    assert f"1 {spec.headings['intro']}" in reader.pages[1].extract_text()
