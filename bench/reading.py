"""How well intake reads the real plans: its findings against labels written by reading them.

    python bench/reading.py [--split tune|holdout|all] [--details] [--write]

Reads every plan of tests/data/real_plans/labels.yaml from ../shared/data/plans with
`read_document` (what intake runs) and compares: per check, precision and recall of "present";
the headline target exactly right (kind, percent, target year, base year) on the plans that
state one; the neutrality year; the inventory's base year and key sectors; the mitigation
actions' sectors; and evidence that lands where it must not (a table of contents, a running
header, template guidance, a funding acknowledgement, a disclaimer; a quoted EU, national or
sector target as the headline). Plans with `split: holdout` were kept out of the tuning: they are
reported apart, and `--details` never prints them one by one. `--write` replaces the
`## Reading real plans` section of BENCHMARKS.md (tests/intake/test_reading_eval.py reads its
figures as the floor).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from dataclasses import dataclass, field
from datetime import date
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from review.config import load_settings
from review.intake import ExtractedDocument, read_document
from review.intake.markup import plain_text

ROOT = Path(__file__).resolve().parents[1]
LABELS = ROOT / "tests" / "data" / "real_plans" / "labels.yaml"
REAL = ROOT.parent / "shared" / "data" / "plans"
if not REAL.is_dir():
    REAL = Path("/work/shared/data/plans")
# The labels' check names -> the findings' check ids.
CHECKS = {
    "target": "target",
    "inventory": "inventory",
    "risk_assessment": "risk_vulnerability",
    "mitigation_actions": "mitigation_actions",
    "adaptation_actions": "adaptation_actions",
    "financing": "financing",
    "monitoring": "monitoring",
    "council_decision": "council_approval",
    "participation": "participation",
}
KEY_SECTORS = ("municipal", "tertiary", "residential", "transport")
NOT_EVIDENCE = {"toc", "running_header", "template_guidance", "funding_acknowledgement"}
QUOTED_TARGETS = {"eu_target", "national_target", "sector_target"}


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    def add(self, truth: bool, said: bool) -> None:
        if truth and said:
            self.tp += 1
        elif said:
            self.fp += 1
        elif truth:
            self.fn += 1
        else:
            self.tn += 1

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None


@dataclass
class Result:
    plans: int = 0
    checks: dict[str, Counts] = field(default_factory=lambda: {c: Counts() for c in CHECKS})
    headline_right: int = 0
    headline_stated: int = 0
    headline_parts: dict[str, int] = field(default_factory=dict)
    neutrality_right: int = 0
    base_year_right: int = 0
    base_year_stated: int = 0
    inventory_sectors: Counts = field(default_factory=Counts)
    action_sectors: Counts = field(default_factory=Counts)
    bad_evidence: list[str] = field(default_factory=list)
    seconds: float = 0.0
    details: list[str] = field(default_factory=list)

    def __add__(self, other: Result) -> Result:
        """Both splits together: the plans the goals are judged on."""

        def counts(a: Counts, b: Counts) -> Counts:
            return Counts(a.tp + b.tp, a.fp + b.fp, a.fn + b.fn, a.tn + b.tn)

        parts = self.headline_parts.keys() | other.headline_parts.keys()
        return Result(
            plans=self.plans + other.plans,
            checks={c: counts(self.checks[c], other.checks[c]) for c in self.checks},
            headline_right=self.headline_right + other.headline_right,
            headline_stated=self.headline_stated + other.headline_stated,
            headline_parts={
                p: self.headline_parts.get(p, 0) + other.headline_parts.get(p, 0) for p in parts
            },
            neutrality_right=self.neutrality_right + other.neutrality_right,
            base_year_right=self.base_year_right + other.base_year_right,
            base_year_stated=self.base_year_stated + other.base_year_stated,
            inventory_sectors=counts(self.inventory_sectors, other.inventory_sectors),
            action_sectors=counts(self.action_sectors, other.action_sectors),
            bad_evidence=self.bad_evidence + other.bad_evidence,
            seconds=self.seconds + other.seconds,
        )


def load_labels() -> list[dict[str, Any]]:
    return list(yaml.safe_load(LABELS.read_text(encoding="utf-8"))["plans"])


def read(path: Path) -> ExtractedDocument:
    settings = load_settings(data_dir=Path("/tmp/peerplan-bench-reading"))
    return read_document(path.read_bytes(), path.name, settings)


def evaluate(split: str = "all", details: bool = False, real: Path = REAL) -> Result:
    result = Result()
    for label in load_labels():
        if split != "all" and label.get("split") != split:
            continue
        path = real / label["file"]
        if not path.exists():
            continue
        started = time.perf_counter()
        doc = read(path)
        result.seconds += time.perf_counter() - started
        result.plans += 1
        _score(result, label, doc, details and label.get("split") != "holdout")
    return result


def _score(result: Result, label: dict[str, Any], doc: ExtractedDocument, details: bool) -> None:
    found = {f["check"]: f for f in doc.findings if f.get("kind") == "check"}
    notes: list[str] = []
    _score_checks(result, label, found, notes)
    headline = _score_targets(result, label, found, notes)
    _score_inventory(result, label, found, notes)
    own = label.get("headline_target") or {}
    own_quote = own.get("quote", "") if headline and _key(headline) == _key(own) else ""
    for trap in label.get("traps") or []:
        for where in _bad_evidence(trap, doc, found, headline, own_quote):
            result.bad_evidence.append(f"{label['file']}: {trap['kind']} {where}")
            notes.append(f"evidence in {trap['kind']}: {where}")
    if details:
        result.details.append(f"{label['file']}: " + ("; ".join(notes) or "all right"))


def _score_checks(
    result: Result, label: dict[str, Any], found: dict[str, dict[str, Any]], notes: list[str]
) -> None:
    truth = {
        "target": label.get("headline_target") is not None,
        "inventory": bool((label.get("inventory") or {}).get("present")),
    }
    for name, value in (label.get("checks") or {}).items():
        truth[name] = bool(value.get("present"))
    for name, check in CHECKS.items():
        said = bool(found.get(check, {}).get("present"))
        result.checks[name].add(truth.get(name, False), said)
        if said != truth.get(name, False):
            notes.append(f"{name}: said {said}")
    actions = (label.get("checks") or {}).get("mitigation_actions") or {}
    if actions.get("present") and actions.get("sectors"):
        said_sectors = set(found.get("mitigation_actions", {}).get("sectors") or [])
        for sector in KEY_SECTORS:
            result.action_sectors.add(sector in actions["sectors"], sector in said_sectors)
        if said_sectors != set(actions["sectors"]):
            notes.append(f"mitigation sectors: said {sorted(said_sectors)}")


def _score_targets(
    result: Result, label: dict[str, Any], found: dict[str, dict[str, Any]], notes: list[str]
) -> dict[str, Any] | None:
    target = found.get("target", {})
    headline = target.get("headline")
    want = label.get("headline_target")
    if want is not None:
        result.headline_stated += 1
        got_key = _key(headline) if headline else None
        want_key = _key(want)
        if got_key == want_key:
            result.headline_right += 1
        else:
            notes.append(f"headline: said {got_key}, label {want_key}")
        for i, part in enumerate(("kind", "percent", "target_year", "base_year")):
            if got_key and got_key[i] == want_key[i]:
                result.headline_parts[part] = result.headline_parts.get(part, 0) + 1
    if target.get("neutrality_year") == label.get("neutrality_year"):
        result.neutrality_right += 1
    else:
        notes.append(f"neutrality: said {target.get('neutrality_year')}")
    return headline


def _score_inventory(
    result: Result, label: dict[str, Any], found: dict[str, dict[str, Any]], notes: list[str]
) -> None:
    inventory = label.get("inventory") or {}
    if inventory.get("present") and inventory.get("base_year"):
        result.base_year_stated += 1
        said_year = found.get("inventory", {}).get("base_year")
        if said_year == inventory["base_year"]:
            result.base_year_right += 1
        else:
            notes.append(f"base year: said {said_year}, label {inventory['base_year']}")
    if inventory.get("present"):
        said_sectors = set(found.get("inventory", {}).get("sectors") or [])
        for sector in KEY_SECTORS:
            result.inventory_sectors.add(
                sector in inventory.get("sectors", []), sector in said_sectors
            )
        if said_sectors != set(inventory.get("sectors", [])):
            notes.append(f"inventory sectors: said {sorted(said_sectors)}")


def _key(target: dict[str, Any]) -> tuple[Any, ...]:
    percent = target.get("percent")
    return (
        target.get("kind"),
        None if percent is None else round(float(percent), 1),
        target.get("target_year"),
        target.get("base_year"),
    )


_WORDS = re.compile(r"[a-z0-9äöüß]+")


def _norm(text: str) -> str:
    # (the evidence's snippets show LaTeX and entities as plain text; the labels' quotes and
    # the units keep them as extracted: both sides alike)
    return " ".join(_WORDS.findall(plain_text(text).lower()))


def _evidence_items(found: dict[str, dict[str, Any]]) -> list[tuple[str, dict[str, Any]]]:
    items = []
    for check, finding in found.items():
        items += [(check, e) for e in finding.get("evidence") or []]
        for sector_items in (finding.get("sector_evidence") or {}).values():
            items += [(check, e) for e in sector_items]
    return items


def _bad_evidence(
    trap: dict[str, Any],
    doc: ExtractedDocument,
    found: dict[str, dict[str, Any]],
    headline: dict[str, Any] | None,
    own_quote: str = "",
) -> list[str]:
    quote = _norm(trap.get("quote") or "")
    if len(quote) < 6:
        return []
    if trap["kind"] in QUOTED_TARGETS:
        if headline and _shows(headline["evidence"], quote, _norm(own_quote)):
            return [f"headline from {trap.get('where')}"]
        return []
    if trap["kind"] not in NOT_EVIDENCE:
        return []
    bad = []
    for check, item in _evidence_items(found):
        core = _norm(item.get("snippet", "").strip("…"))
        same_text = len(core) >= 12 and (quote[:50] in core or core in quote)
        if same_text and _at(trap.get("where") or "", doc, item):
            bad.append(f"{check} evidence '{item.get('snippet', '')[:60]}'")
    return bad


def _shows(evidence: dict[str, Any], quote: str, own_quote: str) -> bool:
    """Whether the headline's evidence shows a quoted target: its snippet (the text around the
    target the reader matched), not the whole PDF page it stands on (a page often holds the
    city's own target and a national one quoted paragraphs before it: Angers p. 111). A snippet
    showing the city's own statement as labelled, with the headline's values right, is the
    city's, though its sentence goes on to the quoted one ("Florence is committed to reach
    climate neutrality by 2030, exceeding the target set by the European Commission ...")."""
    shown = _norm(str(evidence.get("snippet", "")).strip("…"))
    if len(own_quote) >= 12 and _overlap(shown, own_quote) >= min(40, len(own_quote)):
        return False
    return _overlap(shown, quote) >= min(40, len(quote))


def _overlap(a: str, b: str) -> int:
    """The longest run of characters two normalised texts share."""
    return SequenceMatcher(None, a, b, autojunk=False).find_longest_match().size


def _at(where: str, doc: ExtractedDocument, item: dict[str, Any]) -> bool:
    """Whether evidence stands where the label says the trap is: the PDF page ("p. 2"), or the
    paragraph or table row starting with the words given ("para: NetZeroCities has ...")."""
    if where.startswith("p. "):
        return str(item.get("page")) == where[3:].strip()
    words = _norm(where.split(":", 1)[-1])
    text = _norm(_context(doc, item))
    if where.startswith("para:"):
        # A paragraph is named by its first words (labels.yaml): the same words later in another
        # paragraph ("... alignment with the 2030 climate neutrality target (80 % ...") are not it.
        return not words or text.startswith(words[:40])
    return not words or words[:40] in text


def _context(doc: ExtractedDocument, item: dict[str, Any]) -> str:
    for unit in doc.units:
        if item.get(unit.kind) == unit.number:
            return unit.text
    return str(item.get("snippet", ""))


def speed(real: Path = REAL, repeat: int = 3) -> str:
    """CPU time (not wall time: the machine is shared) of reading every real PDF: PDFium alone,
    against `read_document` (cleaning, language, structure, facts, findings), and the share of
    structure + facts + findings alone. Best of `repeat`."""
    import pypdfium2 as pdfium

    from review.intake.read import read_structure_and_findings

    settings = load_settings(data_dir=Path("/tmp/peerplan-bench-reading"))
    bare_s = read_s = facts_s = 0.0
    pages = 0
    for path in sorted([*real.glob("*.pdf"), *real.glob("ccc/*.pdf")]):
        data = path.read_bytes()
        best = [float("inf")] * 3
        for _ in range(repeat):
            started = time.process_time()
            pdf = pdfium.PdfDocument(data)
            for i in range(len(pdf)):
                page = pdf[i]
                textpage = page.get_textpage()
                textpage.get_text_range()
                textpage.close()
                page.close()
            n = len(pdf)
            pdf.close()
            bare = time.process_time() - started
            started = time.process_time()
            doc = read_document(
                data, path.name, settings.model_copy(update={"pdf_reader": "pypdfium2"})
            )
            whole = time.process_time() - started
            started = time.process_time()
            read_structure_and_findings(doc)
            facts = time.process_time() - started
            best = [min(best[0], bare), min(best[1], whole), min(best[2], facts)]
        pages += n
        bare_s, read_s, facts_s = bare_s + best[0], read_s + best[1], facts_s + best[2]
    return (
        f"Speed (CPU time, {pages} PDF pages of the real plans, pypdfium2): PDFium alone "
        f"{1000 * bare_s / pages:.2f} ms/page; read_document {1000 * read_s / pages:.2f} ms/page "
        f"(+{100 * (read_s / bare_s - 1):.0f} %), of which structure, facts and findings "
        f"{1000 * facts_s / pages:.2f} ms/page (+{100 * facts_s / bare_s:.0f} % of PDFium alone)."
    )


def _f(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def table(result: Result, name: str) -> str:
    lines = [
        f"{name}: {result.plans} plans, read in {result.seconds:.1f} s",
        "",
        "| check | precision | recall | tp | fp | fn | tn |",
        "|---|---|---|---|---|---|---|",
    ]
    for check, c in result.checks.items():
        lines.append(
            f"| {check} | {_f(c.precision)} | {_f(c.recall)} | {c.tp} | {c.fp} | {c.fn} | {c.tn} |"
        )
    for title, c in (
        ("inventory sectors", result.inventory_sectors),
        ("mitigation sectors", result.action_sectors),
    ):
        lines.append(
            f"| {title} | {_f(c.precision)} | {_f(c.recall)} | {c.tp} | {c.fp} | {c.fn} | {c.tn} |"
        )
    rate = result.headline_right / result.headline_stated if result.headline_stated else None
    parts = ", ".join(
        f"{p} {result.headline_parts.get(p, 0)}"
        for p in ("kind", "percent", "target_year", "base_year")
    )
    lines += [
        "",
        f"- headline target exactly right: {result.headline_right}/{result.headline_stated}"
        f" = {_f(rate)} (parts right: {parts})",
        f"- neutrality year right: {result.neutrality_right}/{result.plans}",
        f"- inventory base year right: {result.base_year_right}/{result.base_year_stated}",
        f"- evidence in a table of contents, running header, template guidance or funding "
        f"acknowledgement, or a quoted target as headline: {len(result.bad_evidence)}",
    ]
    lines += [f"  - {b}" for b in result.bad_evidence[:20] if name.startswith("tune")]
    return "\n".join(lines)


def recorded(split: str) -> dict[str, float]:
    """The figures BENCHMARKS.md records for a split: precision per check and the headline
    rate (what tests/intake/test_reading_eval.py holds the reader to)."""
    text = (ROOT / "BENCHMARKS.md").read_text(encoding="utf-8")
    section = re.search(r"## Reading real plans\n(.*?)(?=\n## |\Z)", text, re.DOTALL)
    if section is None:
        return {}
    part = re.search(rf"{split} split:(.*?)(?=\n\w+ split[ :(]|\Z)", section.group(1), re.DOTALL)
    if part is None:
        return {}
    figures: dict[str, float] = {}
    for name, precision in re.findall(r"^\| ([a-z_ ]+) \| ([\d.]+) \|", part.group(1), re.M):
        figures[name] = float(precision)
    rate = re.search(r"headline target exactly right: \d+/\d+ = ([\d.]+)", part.group(1))
    if rate:
        figures["headline"] = float(rate.group(1))
    return figures


SPEED_LINE = "Speed (CPU time,"


def write_section(text: str, speed_line: str | None) -> None:
    """Replace the section's tables; the speed line only when measured in this run. What stands
    after the speed line (hand-written notes on earlier speed work) is kept as it is."""
    path = ROOT / "BENCHMARKS.md"
    current = path.read_text(encoding="utf-8")
    pattern = re.compile(r"## Reading real plans\n.*?(?=\n## |\Z)", re.DOTALL)
    found = pattern.search(current)
    old_speed, kept = "", ""
    if found and SPEED_LINE in found.group(0):
        old_speed, _, kept = found.group(0).partition(SPEED_LINE)[2].partition("\n\n")
        old_speed = SPEED_LINE + old_speed
    speed = speed_line or old_speed
    section = "## Reading real plans\n\n" + text.strip() + "\n"
    section += "".join(f"\n{part.strip()}\n" for part in (speed, kept) if part.strip())
    if not found:
        current += "\n\n## Reading real plans\n"
        found = pattern.search(current)
    updated = pattern.sub(lambda _m: section, current)
    path.write_text(updated, encoding="utf-8")


INTRO = """Intake's findings on the real plans in ../shared/data/plans against
tests/data/real_plans/labels.yaml (written by the `labels` session by reading the plans, never
from the reader's output; corrections are explained in the file). Per check: precision and
recall of "present" over plans. Headline target: kind, percent, target year and base year all
as labelled, over the plans that state one. Holdout plans are reported apart: they were not used
for tuning (what was looked at in them is said in the next section); the third table adds both
up, the plans the goals are judged on. Goals: precision >= 0.9 and recall >= 0.85 per check,
headline exactly right on >= 85 % of plans, no evidence in a table of contents, running header
or template guidance.

```
python bench/reading.py --write
```
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("tune", "holdout", "all"), default="all")
    parser.add_argument("--details", action="store_true", help="per plan (tune split only)")
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--speed", action="store_true", help="also CPU time per page")
    args = parser.parse_args()
    splits = ("tune", "holdout") if args.split == "all" else (args.split,)
    parts = []
    results = []
    for split in splits:
        result = evaluate(split, details=args.details)
        results.append(result)
        parts.append(table(result, f"{split} split"))
        if args.details:
            parts.append("\n".join(result.details))
    if len(results) == 2:
        parts.append(table(results[0] + results[1], "all split (tune and holdout together)"))
    tables = [p for p in parts if " split" in p.split("\n", 1)[0]]
    speed_line = speed() if args.speed else None
    if speed_line:
        parts.append(speed_line)
    print("\n\n".join(parts))
    if args.write:
        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        stamp = f"{date.today().isoformat()} (load average {load} at the end of the run):"
        write_section(f"{INTRO}\n{stamp}\n\n" + "\n\n".join(tables), speed_line)


if __name__ == "__main__":
    main()
