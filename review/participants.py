"""Municipalities and reviewers from a coordinator's spreadsheet (CSV or XLSX).

One table, one row per participant, told apart by the `kind` column:

    kind,name,municipality,email,country,language,languages,role,expertise,min_load,max_load,keywords,
    salutation

Municipality rows use name, country, language, role, email (contact). Reviewer rows use name
(the person), municipality, email, language (to write to them), languages and expertise
(`;`-separated), min_load, max_load, keywords, salutation (Frau/Herr or Ms/Mr: greeted by title
and surname; empty: by the full name). Re-importing updates rows in place (municipalities
by name, reviewers by email); an invalid row stops the whole import before anything is written.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

from openpyxl import load_workbook
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)
from sqlmodel import Session, select

from review import events, i18n
from review.errors import InvalidInput
from review.i18n import N_, Message, Phrase
from review.models import Municipality, Reviewer, Role, Round, saved_id
from review.rubric import LANGUAGES, load_rubrics
from review.validation import problem_message

COLUMNS = (
    "kind",
    "name",
    "municipality",
    "email",
    "country",
    "language",
    "languages",
    "role",
    "expertise",
    "min_load",
    "max_load",
    "keywords",
    "salutation",
)
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
NOT_AN_EMAIL = N_("email '%(email)s' is not an email address")
ROW_FIELD_PROBLEM = N_("row %(row)s: %(field)s: %(problem)s")
ROW_PROBLEM = N_("row %(row)s: %(problem)s")


def _list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return value
    return [part.strip() for part in str(value).replace(",", ";").split(";") if part.strip()]


ListField = Annotated[list[str], BeforeValidator(_list)]


def _writable(code: str) -> str:
    if not i18n.is_language(code):
        raise ValueError(
            Phrase(
                N_("language '%(code)s' has no catalog; use one of %(known)s"),
                code=code,
                known=", ".join(i18n.languages()),
            )
        )
    return code


#: The language peerplan writes to a participant in: any language with a catalog.
MessageLanguage = Annotated[str, AfterValidator(_writable)]

#: How a spreadsheet may write a salutation, and what peerplan keeps of it.
SALUTATIONS = {
    "ms": "ms",
    "mrs": "ms",
    "frau": "ms",
    "mme": "ms",
    "madame": "ms",
    "mr": "mr",
    "herr": "mr",
    "m": "mr",
    "monsieur": "mr",
}


def _salutation(value: object) -> str | None:
    text = str(value or "").strip().lower().rstrip(".")
    if not text:
        return None
    if text not in SALUTATIONS:
        raise ValueError(
            Phrase(
                N_("salutation '%(value)s' unknown; use Frau/Herr, Ms/Mr or leave it empty"),
                value=value,
            )
        )
    return SALUTATIONS[text]


Salutation = Annotated[str | None, BeforeValidator(_salutation)]


class MunicipalityRow(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)
    name: str = Field(min_length=1)
    country: str = "DE"
    language: MessageLanguage = "de"
    role: Literal["frontrunner", "follower", "special-award"] = "follower"
    email: str | None = None

    @model_validator(mode="after")
    def _check(self) -> MunicipalityRow:
        if self.email is not None and not re.match(EMAIL_PATTERN, self.email):
            raise ValueError(Phrase(NOT_AN_EMAIL, email=self.email))
        return self


class ReviewerRow(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)
    name: str = Field(min_length=1)
    municipality: str = Field(min_length=1)
    email: str = Field(min_length=1)
    language: MessageLanguage = "de"
    languages: ListField = Field(default_factory=list)
    expertise: ListField = Field(min_length=1)
    min_load: int = Field(default=0, ge=0)
    max_load: int = Field(default=3, ge=0)
    keywords: str = ""
    salutation: Salutation = None

    @model_validator(mode="after")
    def _check(self) -> ReviewerRow:
        if not re.match(EMAIL_PATTERN, self.email):
            raise ValueError(Phrase(NOT_AN_EMAIL, email=self.email))
        if self.min_load > self.max_load:
            raise ValueError(
                Phrase(
                    N_("min_load %(min)s is above max_load %(max)s"),
                    min=self.min_load,
                    max=self.max_load,
                )
            )
        # The plan languages read; by default the one written in, where plans come in it.
        self.languages = self.languages or [self.language] * (self.language in LANGUAGES)
        stray = [lang for lang in self.languages if lang not in LANGUAGES]
        if stray:
            raise ValueError(
                Phrase(
                    N_("languages %(stray)s unsupported; use %(known)s"),
                    stray=str(stray),
                    known=str(list(LANGUAGES)),
                )
            )
        self.email = self.email.lower()
        return self


@dataclass
class ImportReport:
    created: dict[str, int] = field(default_factory=lambda: {"municipality": 0, "reviewer": 0})
    updated: dict[str, int] = field(default_factory=lambda: {"municipality": 0, "reviewer": 0})
    unchanged: dict[str, int] = field(default_factory=lambda: {"municipality": 0, "reviewer": 0})


class ParticipantsFileError(InvalidInput):
    """The file has problems; nothing of it was written. One line per problem, with row numbers,
    each said in the reader's language (`text`)."""

    def __init__(self, path: Path, problems: list[str]) -> None:
        self.file, self.problems = path.name, problems
        listed = "\n".join(f"  {p}" for p in problems)
        counted = f"{len(problems)} problem" + ("" if len(problems) == 1 else "s")
        super().__init__(f"{path.name}: {counted}, nothing imported:\n{listed}")

    def text(self, language: str) -> str:
        t = i18n.translator(language)
        head = t.ngettext(
            "%(file)s: %(num)s problem, nothing imported:",
            "%(file)s: %(num)s problems, nothing imported:",
            len(self.problems),
        ) % {"file": self.file, "num": len(self.problems)}
        return "\n".join([head, *(f"  {i18n.said(t, p)}" for p in self.problems)])


def read_rows(path: Path) -> list[dict[str, Any]]:
    """Rows as dicts with lower-case column names; row numbers as a spreadsheet shows them."""
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return _read_xlsx(path)
    if suffix in {".csv", ".txt"}:
        try:
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError:
            text = path.read_text(encoding="cp1252")  # Excel's "CSV" on German Windows
        dialect = csv.Sniffer().sniff(text.splitlines()[0] if text else ",", delimiters=",;\t")
        reader = csv.DictReader(io.StringIO(text), dialect=dialect)
        return [_normalise(row) for row in reader]
    raise InvalidInput(f"{path.name}: participants must be a .csv or .xlsx file")


def _read_xlsx(path: Path) -> list[dict[str, Any]]:
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for broken files
        raise InvalidInput(f"{path.name}: not a readable XLSX workbook ({exc})") from None
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    workbook.close()
    if not rows:
        return []
    header = [str(h or "").strip() for h in rows[0]]
    return [_normalise(dict(zip(header, row, strict=False))) for row in rows[1:] if any(row)]


def _normalise(row: dict[str, Any]) -> dict[str, Any]:
    return {
        str(k).strip().lower(): (v.strip() if isinstance(v, str) else v)
        for k, v in row.items()
        if k is not None
    }


def _problems(number: int, exc: ValidationError) -> list[str]:
    """A row's problems: the row, the column, what is wrong (in the reader's language)."""
    out: list[str] = []
    for err in exc.errors():
        problem = problem_message(err)
        where = ".".join(str(p) for p in err["loc"])
        if where:
            out.append(Phrase(ROW_FIELD_PROBLEM, row=number, field=where, problem=problem))
        else:
            out.append(Phrase(ROW_PROBLEM, row=number, problem=problem))
    return out


def parse_participants(
    rows: list[dict[str, Any]], known_rubrics: set[str], known_municipalities: set[str]
) -> tuple[list[MunicipalityRow], list[ReviewerRow], list[str]]:
    municipalities: list[MunicipalityRow] = []
    reviewers: list[ReviewerRow] = []
    problems: list[str] = []
    if rows and "kind" not in rows[0]:
        no_kind = N_("row 1: no 'kind' column; expected columns: %(columns)s")
        return [], [], [Phrase(no_kind, columns=", ".join(COLUMNS))]
    seen_names: dict[str, int] = {}
    seen_emails: dict[str, int] = {}
    for number, row in enumerate(rows, start=2):
        kind = str(row.get("kind") or "").strip().lower()
        row = {k: v for k, v in row.items() if v not in (None, "")}  # blank cells: defaults
        try:
            if kind == "municipality":
                item = MunicipalityRow.model_validate(row)
                if item.name in seen_names:
                    problems.append(
                        Phrase(
                            N_("row %(row)s: municipality '%(name)s' already in row %(first)s"),
                            row=number,
                            name=item.name,
                            first=seen_names[item.name],
                        )
                    )
                seen_names[item.name] = number
                municipalities.append(item)
            elif kind == "reviewer":
                reviewer = ReviewerRow.model_validate(row)
                if reviewer.email in seen_emails:
                    problems.append(
                        Phrase(
                            N_("row %(row)s: email %(email)s already in row %(first)s"),
                            row=number,
                            email=reviewer.email,
                            first=seen_emails[reviewer.email],
                        )
                    )
                seen_emails[reviewer.email] = number
                stray = sorted(set(reviewer.expertise) - known_rubrics)
                if stray:
                    problems.append(
                        Phrase(
                            N_(
                                "row %(row)s: expertise %(stray)s is not a rubric; known: %(known)s"
                            ),
                            row=number,
                            stray=str(stray),
                            known=str(sorted(known_rubrics)),
                        )
                    )
                reviewers.append(reviewer)
            else:
                problems.append(
                    Phrase(
                        N_(
                            "row %(row)s: kind must be 'municipality' or 'reviewer', got '%(kind)s'"
                        ),
                        row=number,
                        kind=kind,
                    )
                )
        except ValidationError as exc:
            problems.extend(_problems(number, exc))
    all_names = known_municipalities | set(seen_names)
    for number, row in enumerate(rows, start=2):
        if str(row.get("kind") or "").strip().lower() == "reviewer":
            home = str(row.get("municipality") or "").strip()
            if home and home not in all_names:
                problems.append(
                    Phrase(
                        N_(
                            "row %(row)s: municipality '%(name)s' is neither in the file nor in "
                            "the round"
                        ),
                        row=number,
                        name=home,
                    )
                )
    return municipalities, reviewers, problems


def import_participants(
    session: Session, round_: Round, path: Path, *, actor: str = "coordinator"
) -> ImportReport:
    """Create or update the round's municipalities and reviewers from `path`, all or nothing."""
    rows = read_rows(path)
    existing_m = {
        m.name: m
        for m in session.exec(select(Municipality).where(Municipality.round_id == round_.id))
    }
    municipality_rows, reviewer_rows, problems = parse_participants(
        rows, set(load_rubrics()), set(existing_m)
    )
    if not rows:
        problems.append(Message(N_("the file has no participant rows")))
    if problems:
        raise ParticipantsFileError(path, problems)

    round_id = saved_id(round_)
    report = ImportReport()
    for row in municipality_rows:
        values: dict[str, object] = {
            "country": (row.country or "DE").upper(),
            "language": row.language,
            "role": Role(row.role).value,
            "contact_email": row.email,
        }
        _upsert(
            report,
            "municipality",
            existing_m.get(row.name),
            values,
            session,
            lambda v, r=row: Municipality(round_id=round_id, name=r.name, **v),
        )
    session.flush()
    by_name = {
        m.name: m
        for m in session.exec(select(Municipality).where(Municipality.round_id == round_.id))
    }
    existing_r = {
        r.email: r for r in session.exec(select(Reviewer).where(Reviewer.round_id == round_.id))
    }
    for reviewer_row in reviewer_rows:
        values = {
            "name": reviewer_row.name,
            "municipality_id": by_name[reviewer_row.municipality].id,
            "language": reviewer_row.language,
            "languages": reviewer_row.languages,
            "expertise": reviewer_row.expertise,
            "min_load": reviewer_row.min_load,
            "max_load": reviewer_row.max_load,
            "keywords": reviewer_row.keywords or "",
            "salutation": reviewer_row.salutation,
        }
        _upsert(
            report,
            "reviewer",
            existing_r.get(reviewer_row.email),
            values,
            session,
            lambda v, r=reviewer_row: Reviewer(round_id=round_id, email=r.email, **v),
        )
    session.flush()
    events.record(
        session,
        kind="participants.imported",
        actor=actor,
        entity="round",
        entity_id=round_.id,
        round_id=round_.id,
        payload={"file": path.name, "created": report.created, "updated": report.updated},
    )
    return report


def _upsert(
    report: ImportReport,
    kind: str,
    current: Any,
    values: dict[str, Any],
    session: Session,
    build: Any,
) -> None:
    if current is None:
        session.add(build(values))
        report.created[kind] += 1
        return
    changed = {k: v for k, v in values.items() if getattr(current, k) != v}
    if not changed:
        report.unchanged[kind] += 1
        return
    for key, value in changed.items():
        setattr(current, key, value)
    session.add(current)
    report.updated[kind] += 1
