"""The language system: gettext catalogs (Babel) for every text peerplan writes to a person.

Source texts are English and written in the code and templates: `t.gettext("Save draft")` in
Python, `{{ _("Save draft") }}` or `{% trans %}...{% endtrans %}` in templates. Each other
language is one catalog, `locales/<language>/LC_MESSAGES/peerplan.po`, compiled when it is first
used (no build step, no stale `.mo`). A message missing from a catalog falls back to English.

Adding a language is adding a catalog (`pybabel init`, see `make messages`) and the rubrics'
translations, no code: `languages()` lists every language that has a catalog. Extra catalog
folders can be named in `PEERPLAN_LOCALES` (searched first, `os.pathsep`-separated).

One render, one language: `translator(language)` binds gettext and Babel's date and number
formats to that language; `jinja_context(translator)` hands the same to a template.
"""

from __future__ import annotations

import gettext as _gettext
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from io import BytesIO
from pathlib import Path
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.dates import format_date as _format_date
from babel.dates import format_datetime as _format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal as _format_decimal
from babel.support import Translations
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from review.paths import LOCALES_DIR

DOMAIN = "peerplan"
#: The language the texts are written in; it needs no catalog.
SOURCE_LANGUAGE = "en"
#: What a page shows when neither the link nor the person names a language we have.
DEFAULT_LANGUAGE = "de"
EXTRA_LOCALES_ENV = "PEERPLAN_LOCALES"
#: Dates and numbers in English as written in Europe (30 Nov 2026), not in the US.
_FORMAT_LOCALES = {"en": "en_GB"}


def N_(message: str) -> str:
    """Mark a text for the catalogs where it is defined; translate it where it is shown."""
    return message


class Message(str):
    """A source text kept as data and translated where it is shown: `label("de")` is it in
    German; inside a `review.errors.Translatable` it is translated with the message it fills.
    Write it as `Message(N_("..."))` so that `make messages` finds it."""

    def __call__(self, language: str) -> str:
        return translator(language).gettext(self)


class Phrase(Message):
    """A source text filled with values and kept so that it can be said in any language:
    `str()` is the English text, `phrase("de")` the German one, its `Message` values (a
    Phrase too) translated with it. `Phrase(N_("review %(id)s of round '%(round)s'"), ...)`."""

    message: str
    values: dict[str, object]

    def __new__(cls, message: str, **values: object) -> Phrase:
        phrase = super().__new__(cls, message % values)
        phrase.message, phrase.values = message, values
        return phrase

    def __call__(self, language: str) -> str:
        t = translator(language)
        filled = {k: said(t, v) for k, v in self.values.items()}
        return t.gettext(self.message) % filled

    def __getnewargs_ex__(self) -> tuple[tuple[str], dict[str, object]]:
        # A copy or a pickle (an intake outcome's reason crossing `asdict`) is made from the
        # source text and its values, not from the English text.
        return (self.message,), self.values


class Plural(Message):
    """A number of things, said in any language with the plural form its number takes there:
    `Plural("%(num)s day", "%(num)s days", 3)` is '3 days', `("de")` '3 Tage' (a value of a
    `Phrase`; "3 day(s)" read as a machine's). `make messages` finds it by its name."""

    singular: str
    plural: str
    n: int

    def __new__(cls, singular: str, plural: str, n: int) -> Plural:
        text = super().__new__(cls, (singular if n == 1 else plural) % {"num": Count(n)})
        text.singular, text.plural, text.n = singular, plural, n
        return text

    def __call__(self, language: str) -> str:
        t = translator(language)
        return t.ngettext(self.singular, self.plural, self.n) % {"num": said(t, Count(self.n))}

    def __getnewargs__(self) -> tuple[str, str, int]:  # type: ignore[override]
        return self.singular, self.plural, self.n


def said(t: Translator, value: object) -> object:
    """A message's value in `t`'s language: a Message translated, a date, a `Count` or a `Size`
    as the language writes it (`str()`, the English text, keeps the ISO date and '5,000')."""
    if isinstance(value, Message):
        return value(t.language)
    if isinstance(value, date):
        return t.format_date(value)
    if isinstance(value, Count | Size | Figure):
        return value.said(t)
    return value


class Count(int):
    """A number of things in a message: '5,000' in English, '5.000' in German."""

    def __str__(self) -> str:
        return f"{int(self):,}"

    def said(self, t: Translator) -> str:
        return t.format_decimal(int(self))


class Figure(float):
    """A measured number in a message, with `decimals` digits after the point (None: as many as
    it has, up to three): '0.823' in English, '0,823' in German."""

    decimals: int | None

    def __new__(cls, value: float, decimals: int | None = None) -> Figure:
        figure = super().__new__(cls, value)
        figure.decimals = decimals
        return figure

    def __getnewargs__(self) -> tuple[float, int | None]:  # type: ignore[override]
        return float(self), self.decimals

    def __str__(self) -> str:
        return self.said(translator(SOURCE_LANGUAGE))

    def said(self, t: Translator) -> str:
        return t.format_decimal(float(self), self.decimals)


class Listing(Message):
    """Messages (or plain texts) said one after the other in the reader's language:
    `Listing([phrase, phrase], "; ")`; `str()` is them in English."""

    items: tuple[object, ...]
    separator: str

    def __new__(cls, items: Iterable[object], separator: str = ", ") -> Listing:
        kept = tuple(items)
        listing = super().__new__(cls, separator.join(str(item) for item in kept))
        listing.items, listing.separator = kept, separator
        return listing

    def __getnewargs__(self) -> tuple[tuple[object, ...], str]:  # type: ignore[override]
        return self.items, self.separator

    def __call__(self, language: str) -> str:
        t = translator(language)
        return self.separator.join(str(said(t, item)) for item in self.items)


class Size(int):
    """A size in bytes in a message: '1.5 MB' or '2,048 bytes' in English, '1,5 MB' in German."""

    def __str__(self) -> str:
        return self.said(translator(SOURCE_LANGUAGE))

    def said(self, t: Translator) -> str:
        if self >= 100 * 1024:
            return f"{t.format_decimal(self / 1024 / 1024, 1)} MB"
        return t.gettext("%(n)s bytes") % {"n": t.format_decimal(int(self))}


def state_message(status: str) -> Message:
    """An assignment state's name, to be translated where it is shown."""
    return Message(STATE_NAMES.get(status, status))


#: Assignment states (`review.models.AssignmentStatus`) as pages, mails and documents name them.
STATE_NAMES: dict[str, str] = {
    "proposed": N_("proposed"),
    "invited": N_("invited"),
    "accepted": N_("accepted"),
    "declined": N_("declined"),
    "submitted": N_("submitted"),
    "overdue": N_("overdue"),
    "reassigned": N_("reassigned"),
    "withdrawn": N_("withdrawn"),
}


def state_name(t: Translator, status: str) -> str:
    """An assignment state as the reader's language names it."""
    return t.gettext(STATE_NAMES.get(status, status))


def catalog_dirs() -> list[Path]:
    extra = [Path(p) for p in os.environ.get(EXTRA_LOCALES_ENV, "").split(os.pathsep) if p]
    return [*extra, LOCALES_DIR]


def _catalog_files(language: str) -> list[Path]:
    files = [d / language / "LC_MESSAGES" / f"{DOMAIN}.po" for d in catalog_dirs()]
    return [f for f in files if f.is_file()]


def languages() -> tuple[str, ...]:
    """Every language peerplan can write: English and each language with a catalog."""
    return _languages(tuple(catalog_dirs()))


@lru_cache(maxsize=8)
def _languages(dirs: tuple[Path, ...]) -> tuple[str, ...]:
    found = {SOURCE_LANGUAGE}
    for directory in dirs:
        if directory.is_dir():
            found.update(p.parent.parent.name for p in directory.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))
    return tuple(sorted(found))


def is_language(code: object) -> bool:
    return isinstance(code, str) and code in languages()


def pick_language(requested: object, *defaults: object) -> str:
    """The first of `requested`, then `defaults`, that peerplan can write; else the default."""
    for code in (requested, *defaults):
        if is_language(code):
            return str(code)
    return DEFAULT_LANGUAGE


def compile_catalog(po_file: Path) -> Translations:
    """A `.po` file compiled in memory (fuzzy entries are left out, like `pybabel compile`)."""
    with po_file.open("rb") as f:
        catalog = read_po(f, domain=DOMAIN)
    buffer = BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


@dataclass(frozen=True)
class Translator:
    """gettext and Babel's formats bound to one language: one per message or page."""

    language: str
    translations: _gettext.NullTranslations
    locale: Locale

    def gettext(self, message: str) -> str:
        return self.translations.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.translations.ngettext(singular, plural, n)

    def pgettext(self, context: str, message: str) -> str:
        return self.translations.pgettext(context, message)

    def quote(self, text: str) -> str:
        """Text in the language's quotation marks: “English”, „Deutsch“ (a German pair in an
        English document read as a typing error)."""
        return self.pgettext("quotation marks", "“%(text)s”") % {"text": text}

    def format_date(self, value: date | datetime, format: str = "medium") -> str:
        if isinstance(value, datetime):
            value = value.date()
        return _format_date(value, format=format, locale=self.locale)

    def format_datetime(self, value: datetime, format: str = "medium") -> str:
        return _format_datetime(value, format=format, locale=self.locale)

    def format_decimal(self, number: float | int, decimals: int | None = None) -> str:
        """A number as the language writes it; `decimals` fixes the digits after the point."""
        if decimals is None:
            return _format_decimal(number, locale=self.locale)
        pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
        return _format_decimal(number, format=pattern, locale=self.locale)

    def language_name(self, code: str | None = None) -> str:
        """A language's name in that language ("Deutsch", "English", "français")."""
        code = code or self.language
        try:
            name = Locale.parse(code).get_display_name(code) or code
        except (ValueError, UnknownLocaleError):
            return code
        return name[:1].upper() + name[1:]


@lru_cache(maxsize=64)
def _translator(language: str, dirs: tuple[Path, ...]) -> Translator:
    translations: _gettext.NullTranslations = _gettext.NullTranslations()
    # The first catalog found wins; later ones (and finally English) fill its gaps.
    for po_file in reversed(_catalog_files(language)):
        compiled = compile_catalog(po_file)
        compiled.add_fallback(translations)
        translations = compiled
    try:
        locale = Locale.parse(_FORMAT_LOCALES.get(language, language))
    except (ValueError, UnknownLocaleError):
        locale = Locale.parse(_FORMAT_LOCALES[SOURCE_LANGUAGE])
    return Translator(language, translations, locale)


def translator(language: str | None) -> Translator:
    """The translator of `language`; an unknown language is written in English."""
    code = language if is_language(language) else SOURCE_LANGUAGE
    return _translator(str(code), tuple(catalog_dirs()))


def reload_catalogs() -> None:
    """Read the catalogs again (after a catalog was edited in a running process, or in tests)."""
    _translator.cache_clear()
    _languages.cache_clear()


# ---------------------------------------------------------------------- templates


def jinja_context(t: Translator) -> dict[str, Any]:
    """Template variables that bind `_()`, `{% trans %}` and the formats to `t` for one render.

    The environment must load `jinja2.ext.i18n` and set `newstyle_gettext` (see
    `install_i18n`): then `_("Due on %(day)s", day=...)` formats its variables itself and
    escapes them in HTML templates.
    """

    @pass_context
    def gettext(context: Context, message: str, **variables: Any) -> str:
        text = t.gettext(message)
        if context.eval_ctx.autoescape:
            text = Markup(text)
        return text % variables

    @pass_context
    def ngettext(context: Context, singular: str, plural: str, n: int, **variables: Any) -> str:
        variables.setdefault("num", n)
        text = t.ngettext(singular, plural, n)
        if context.eval_ctx.autoescape:
            text = Markup(text)
        return text % variables

    @pass_context
    def pgettext(context: Context, msgctxt: str, message: str, **variables: Any) -> str:
        text = t.pgettext(msgctxt, message)
        if context.eval_ctx.autoescape:
            text = Markup(text)
        return text % variables

    return {
        "gettext": gettext,
        "ngettext": ngettext,
        "pgettext": pgettext,
        "lang": t.language,
        "format_date": t.format_date,
        "format_datetime": t.format_datetime,
        "format_decimal": t.format_decimal,
        "language_name": t.language_name,
    }


def html_gettext(t: Translator) -> Callable[..., Markup]:
    """`_()` for templates that always escape (the portal's pages): what `jinja_context`'s
    `gettext` does there, without asking the context. Jinja hands a function that takes the
    context a new derived context at each call made inside a block with variables set in it,
    ~50 times a review form; given as `_` in the render's variables this one is called plainly."""

    def gettext(message: str, **variables: Any) -> Markup:
        return Markup(t.gettext(message)) % variables

    return gettext


def install_i18n(env: Any) -> None:
    """Make a jinja2 Environment render `_()`/`{% trans %}` with the per-render `jinja_context`."""
    env.add_extension("jinja2.ext.i18n")
    env.newstyle_gettext = True
    env.policies["ext.i18n.trimmed"] = True
