"""Why a file is refused at intake. Each message names the file, says what is wrong with it and
what the sender can do, in the reader's language where the catalog has it (the municipality's
upload page); `str()` is the English text the CLI, the logs and `--json` show."""

from __future__ import annotations

from review.errors import Translatable
from review.i18n import N_, Count, Message, Phrase, Size


class IntakeError(Translatable):
    """A file that cannot be taken in. `code` is a stable name for scripts (`--json`).

    Its message is said in the reader's language (`text(language)`, see `Translatable`): the
    municipality's upload page shows it in the municipality's language. A message written
    without values (a library's own words) is shown as it is."""

    code = "refused"

    def __init__(self, message: str, **values: object) -> None:
        self.message, self.values = message, values
        Exception.__init__(self, message % values if values else message)

    def text(self, language: str) -> str:
        return super().text(language) if self.values else self.message

    def phrase(self) -> str:
        """The message kept for saying later in any language (a `Phrase` when it has values)."""
        return Phrase(self.message, **self.values) if self.values else self.message

    def __reduce__(self):
        return (_restore, (type(self), self.message, self.values))


def _restore(cls: type[IntakeError], message: str, values: dict[str, object]) -> IntakeError:
    error = cls.__new__(cls)
    IntakeError.__init__(error, message, **values)
    return error


class EmptyFile(IntakeError):
    code = "empty"

    def __init__(self, name: str) -> None:
        super().__init__(N_("%(name)s is empty (0 bytes): upload the plan again"), name=name)


class TooLarge(IntakeError):
    code = "too-large"

    def __init__(self, name: str, size: int, limit: int) -> None:
        super().__init__(
            N_(
                "%(name)s is %(size)s, more than the limit of %(limit)s "
                "(PEERPLAN_MAX_UPLOAD_BYTES): compress the images or split the annexes off"
            ),
            name=name,
            size=Size(size),
            limit=Size(limit),
        )


class EncryptedPdf(IntakeError):
    code = "encrypted-pdf"

    def __init__(self, name: str) -> None:
        super().__init__(
            N_(
                "%(name)s is password-protected: send a copy without a password (the text must "
                "be readable for the reviewers)"
            ),
            name=name,
        )


class EncryptedDocument(IntakeError):
    code = "encrypted-document"

    def __init__(self, name: str) -> None:
        super().__init__(
            N_(
                "%(name)s is a password-protected Word document: remove the password in Word "
                "(File > Info > Protect Document) and upload it again"
            ),
            name=name,
        )


class CorruptPdf(IntakeError):
    code = "corrupt-pdf"

    def __init__(self, name: str, detail: str = "") -> None:
        super().__init__(
            N_(
                "%(name)s is a damaged or incomplete PDF and cannot be read%(why)s: "
                "export or download it again"
            ),
            name=name,
            why=f" ({detail})" if detail else "",
        )


class MislabelledFile(IntakeError):
    code = "mislabelled"

    def __init__(self, name: str, actual: str, claimed: str, advice: str = "") -> None:
        if advice:
            super().__init__(
                N_("%(name)s is %(actual)s, not a %(claimed)s: %(advice)s"),
                name=name,
                actual=actual,
                claimed=claimed,
                advice=advice,
            )
        else:
            super().__init__(
                N_("%(name)s is %(actual)s, not a %(claimed)s"),
                name=name,
                actual=actual,
                claimed=claimed,
            )


class LegacyDoc(IntakeError):
    code = "legacy-doc"

    def __init__(self, name: str) -> None:
        super().__init__(
            N_(
                "%(name)s is an old Word 97-2003 document (.doc): open it in Word or LibreOffice "
                "and save it as .docx or PDF"
            ),
            name=name,
        )


class NotAZip(IntakeError):
    """Named .docx, but not a zip archive at all, or a damaged or truncated one."""

    code = "not-a-zip"

    def __init__(self, name: str, detail: str = "", *, damaged: bool = False) -> None:
        if damaged:
            super().__init__(
                N_(
                    "%(name)s is a damaged or truncated DOCX and cannot be unpacked%(why)s: "
                    "save it again from Word as .docx or PDF"
                ),
                name=name,
                why=f" ({detail})" if detail else "",
            )
        else:
            super().__init__(
                N_(
                    "%(name)s is not a DOCX: a DOCX is a zip archive and this file is not a "
                    "zip (is it another kind of file renamed?): save the plan from Word as "
                    ".docx or PDF"
                ),
                name=name,
            )


class NotADocx(IntakeError):
    code = "not-a-docx"

    def __init__(self, name: str) -> None:
        super().__init__(
            N_(
                "%(name)s is a zip archive but not a Word document (it has no "
                "word/document.xml): upload the plan itself as .docx or PDF"
            ),
            name=name,
        )


class ZipBomb(IntakeError):
    """Would unpack to too much: by its directory, by what it produced (`lied`: more than its
    directory declares), in one XML `part`, or in too many `members`."""

    code = "zip-bomb"

    def __init__(
        self,
        name: str,
        size: int,
        limit: int,
        *,
        lied: bool = False,
        part: str | None = None,
        members: int | None = None,
    ) -> None:
        what: Message
        if members is not None:
            what = Phrase(
                N_("%(name)s holds %(members)s files, more than a Word document does (%(limit)s)"),
                name=name,
                members=Count(members),
                limit=Count(limit),
            )
        elif lied:
            what = Phrase(
                N_(
                    "%(name)s unpacks to more than its zip directory declares (%(part)s: more "
                    "than %(limit)s bytes declared), a forged or damaged DOCX"
                ),
                name=name,
                part=part or "a part",
                limit=Count(limit),
            )
        elif part:
            what = Phrase(
                N_(
                    "%(name)s would unpack its part %(part)s to %(size)s, more than the limit of "
                    "%(limit)s (PEERPLAN_MAX_DOCX_XML_BYTES)"
                ),
                name=name,
                part=part,
                size=Size(size),
                limit=Size(limit),
            )
        else:
            what = Phrase(
                N_(
                    "%(name)s would unpack to %(size)s, more than the limit of %(limit)s "
                    "(PEERPLAN_MAX_DOCX_UNCOMPRESSED_BYTES)"
                ),
                name=name,
                size=Size(size),
                limit=Size(limit),
            )
        super().__init__(
            N_("%(what)s; it was not unpacked: save it as PDF or remove large embedded objects"),
            what=what,
        )


class UnsupportedFile(IntakeError):
    code = "unsupported"

    def __init__(self, name: str, actual: str) -> None:
        super().__init__(
            N_("%(name)s is %(actual)s: peerplan takes plans as PDF or DOCX"),
            name=name,
            actual=actual,
        )


class UnknownMunicipality(IntakeError):
    code = "unknown-municipality"

    def __init__(self, name: str, round_name: str, closest: list[str]) -> None:
        """`closest`: the round's municipalities most like `name`, the closest first, a few
        (review.municipality_names); none when the round has none."""
        if not closest:
            super().__init__(
                N_(
                    "no municipality '%(name)s' in round '%(round)s' (none imported yet); "
                    "import the participants, or add it (--create-municipality; in the Run "
                    "form: Add municipalities)"
                ),
                name=name,
                round=round_name,
            )
            return
        super().__init__(
            N_(
                "no municipality '%(name)s' in round '%(round)s' (the closest: %(closest)s); "
                "check the spelling, or add it (--create-municipality; in the Run form: Add "
                "municipalities)"
            ),
            name=name,
            round=round_name,
            closest=", ".join(closest),
        )


class NoMunicipality(IntakeError):
    code = "no-municipality"

    def __init__(self, name: str) -> None:
        super().__init__(
            N_(
                "%(name)s: which municipality's plan is it? Name the file after the "
                "municipality, give the municipality (--municipality; in the Run form: "
                "Municipality), or list it in a manifest CSV (columns file,municipality)"
            ),
            name=name,
        )


class AmbiguousMunicipality(IntakeError):
    code = "ambiguous-municipality"

    def __init__(self, name: str, municipalities: list[str]) -> None:
        super().__init__(
            N_(
                "%(name)s: its name fits more than one municipality (%(municipalities)s). Name "
                "the file after one of them in full, give the municipality (--municipality; in "
                "the Run form: Municipality), or list it in a manifest CSV (columns "
                "file,municipality)"
            ),
            name=name,
            municipalities=", ".join(municipalities),
        )


class AmbiguousMunicipalityName(IntakeError):
    """A municipality given in the Run form or by --municipality that fits two of the round's
    ('Offenbach' for "Stadt Offenbach" and "Kreis Offenbach"), refused as a file of that name
    is."""

    code = "ambiguous-municipality"

    def __init__(self, name: str, municipalities: list[str]) -> None:
        super().__init__(
            N_(
                "the municipality '%(name)s' fits more than one of the round's "
                "(%(municipalities)s): give one of them in full (--municipality; in the Run "
                "form: Municipality)"
            ),
            name=name,
            municipalities=", ".join(municipalities),
        )


class DuplicateFile(IntakeError):
    code = "duplicate"

    def __init__(self, name: str, other: str) -> None:
        super().__init__(
            N_(
                "%(name)s is byte for byte the plan already taken in for %(other)s in this "
                "round: check that the right file was sent"
            ),
            name=name,
            other=other,
        )


class UnreadableSource(IntakeError):
    code = "unreadable"

    def __init__(self, name: str, detail: str) -> None:
        super().__init__(f"{name} cannot be read: {detail}")
