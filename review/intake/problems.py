"""What the intake says about a plan it took in but could not read well (a scan read by OCR, an
unrecognised language), in the words of its reader.

The document keeps each problem as its English text (`Document.problems`, what the CLI, the
coordinator's page and `--json` show). The municipality reads them in its own language, on its
upload page and in its receipt: `problem_in` finds the sentence a stored text was written from
and says it in another language; a text no sentence here wrote stays as it is.
"""

from __future__ import annotations

import re
from functools import lru_cache

from review.i18n import N_, translator

NO_TEXT_LAYER = N_("no text layer: needs a human reader")
READ_BY_OCR_PAGE = N_("no text layer, read by OCR: page %(pages)s: check its text against the scan")
READ_BY_OCR = N_("no text layer, read by OCR: pages %(pages)s: check their text against the scan")
#: What earlier versions stored for either: still said in the reader's language.
READ_BY_OCR_EARLIER = N_(
    "no text layer, read by OCR: page(s) %(pages)s: check their text against the scan"
)
OCR_FAILED = N_("OCR of the scanned pages failed: %(error)s")
NO_TEXT = N_("the document contains no text")
LANGUAGE_UNKNOWN = N_("language not recognised (neither German nor English?)")
NAMED_AS = N_("named %(suffix)s but is %(actual)s; read as such")
NAMED_WITHOUT_EXTENSION = N_("named without an extension but is %(actual)s; read as such")

_SENTENCES = (
    NO_TEXT_LAYER,
    READ_BY_OCR_PAGE,
    READ_BY_OCR,
    READ_BY_OCR_EARLIER,
    OCR_FAILED,
    NO_TEXT,
    LANGUAGE_UNKNOWN,
    NAMED_WITHOUT_EXTENSION,
    NAMED_AS,
)
#: Values that are themselves catalog texts (a file kind: "an HTML page").
_SAID_VALUES = {"actual"}


@lru_cache(maxsize=1)
def _patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    out = []
    for sentence in _SENTENCES:
        parts = re.split(r"%\((\w+)\)s", sentence)
        regex = "".join(
            re.escape(part) if i % 2 == 0 else f"(?P<{part}>.+?)" for i, part in enumerate(parts)
        )
        out.append((sentence, re.compile(regex + r"\Z", re.DOTALL)))
    return tuple(out)


def problem_in(problem: str, language: str) -> str:
    """A stored problem's text in `language` (unchanged when no sentence here wrote it)."""
    t = translator(language)
    for sentence, pattern in _patterns():
        found = pattern.match(problem)
        if found:
            values = {
                k: t.gettext(v) if k in _SAID_VALUES else v for k, v in found.groupdict().items()
            }
            return t.gettext(sentence) % values if values else t.gettext(sentence)
    return problem
