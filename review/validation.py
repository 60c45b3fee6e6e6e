"""pydantic's validation errors said in the reader's language.

pydantic writes its errors in English ("Field required", "Input should be 'de' or 'en'"). Each
error also carries a `type` and the values of its message (`ctx`), so the common types are said
from the catalog (`problem_message`), with the same values; the rest keep pydantic's English
text. A validator of peerplan's own that raises `ValueError(Phrase(...))` is said in the
reader's language too. In English an error reads exactly as pydantic writes it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from review.i18n import N_, SOURCE_LANGUAGE, Count, Figure, Message, Phrase, said, translator

#: pydantic's error types said from the catalog, with the `ctx` values each message takes.
MESSAGES: dict[str, str] = {
    "missing": N_("required, but missing"),
    "extra_forbidden": N_("not a known field (a typo?)"),
    "int_parsing": N_("must be a whole number"),
    "int_type": N_("must be a whole number"),
    "int_from_float": N_("must be a whole number"),
    "float_parsing": N_("must be a number"),
    "float_type": N_("must be a number"),
    "bool_parsing": N_("must be yes or no (true/false)"),
    "bool_type": N_("must be yes or no (true/false)"),
    "string_type": N_("must be a text"),
    "list_type": N_("must be a list"),
    "dict_type": N_("must be a mapping of fields"),
    "model_type": N_("must be a mapping of fields"),
    "date_parsing": N_("must be a date like 2026-12-16 (YYYY-MM-DD)"),
    "date_from_datetime_parsing": N_("must be a date like 2026-12-16 (YYYY-MM-DD)"),
    "date_type": N_("must be a date like 2026-12-16 (YYYY-MM-DD)"),
    "greater_than_equal": N_("must be at least %(ge)s"),
    "greater_than": N_("must be more than %(gt)s"),
    "less_than_equal": N_("must be at most %(le)s"),
    "less_than": N_("must be less than %(lt)s"),
    "string_too_short": N_("must have at least %(min_length)s characters"),
    "string_too_long": N_("must have at most %(max_length)s characters"),
    "too_short": N_("must have at least %(min_length)s entries, not %(actual_length)s"),
    "too_long": N_("must have at most %(max_length)s entries, not %(actual_length)s"),
    "literal_error": N_("must be %(expected)s"),
    "enum": N_("must be %(expected)s"),
}

#: How pydantic joins the last two of the values it expects ("'de' or 'en'").
_EXPECTED_OR = N_("%(some)s or %(last)s")


class Problem(Phrase):
    """One validation error in the reader's language; in English pydantic's own words."""

    english: str

    def __new__(cls, message: str, english: str = "", **values: object) -> Problem:
        english = english or message % values
        problem = str.__new__(cls, english)  # joined or printed as a str: pydantic's words
        problem.message, problem.values, problem.english = message, values, english
        return problem

    def __call__(self, language: str) -> str:
        if language == SOURCE_LANGUAGE:
            return self.english
        return super().__call__(language)

    def __getnewargs_ex__(self) -> tuple[tuple[str, str], dict[str, object]]:  # type: ignore[override]
        return (self.message, self.english), self.values


class _Expected(Message):
    """pydantic's list of expected values ("'a', 'b' or 'c'"), its 'or' in the reader's."""

    def __call__(self, language: str) -> str:
        some, sep, last = self.rpartition(" or ")
        if not sep:
            return str(self)
        return translator(language).gettext(_EXPECTED_OR) % {"some": some, "last": last}


def problem_message(error: Mapping[str, Any]) -> str:
    """What is wrong with a value (without where it is), said in the reader's language where it
    is shown (`said`): a `Problem`, or pydantic's English text for a type the catalog lacks."""
    kind = str(error.get("type", ""))
    ctx = dict(error.get("ctx") or {})
    english = str(error.get("msg", ""))
    if kind in ("value_error", "assertion_error"):
        cause = ctx.get("error")
        reason = cause.args[0] if isinstance(cause, Exception) and cause.args else None
        if isinstance(reason, Message):
            return reason
        return english.removeprefix("Value error, ").removeprefix("Assertion failed, ")
    if kind not in MESSAGES:
        return english
    if "expected" in ctx:
        ctx["expected"] = _Expected(str(ctx["expected"]))
    for name, value in ctx.items():  # numbers as the reader's language writes them (0,1)
        if isinstance(value, int) and not isinstance(value, bool):
            ctx[name] = Count(value)
        elif isinstance(value, float):
            ctx[name] = Figure(value)
    try:
        return Problem(MESSAGES[kind], english, **ctx)
    except (KeyError, TypeError, ValueError):  # a pydantic release changed the type's values
        return english


def problem_said(error: Mapping[str, Any], language: str) -> str:
    """`problem_message` said in `language`."""
    return str(said(translator(language), problem_message(error)))
