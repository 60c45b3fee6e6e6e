"""Why a file is refused at intake. Each message names the file, says what is wrong with it and
what the sender can do; the CLI, the portal and the flow show it as it is."""

from __future__ import annotations

from review.errors import PeerplanError


class IntakeError(PeerplanError):
    """A file that cannot be taken in. `code` is a stable name for scripts (`--json`)."""

    code = "refused"

    def __reduce__(self):
        return (_restore, (type(self), str(self)))


def _restore(cls: type[IntakeError], message: str) -> IntakeError:
    error = cls.__new__(cls)
    Exception.__init__(error, message)
    return error


class EmptyFile(IntakeError):
    code = "empty"

    def __init__(self, name: str) -> None:
        super().__init__(f"{name} is empty (0 bytes): upload the plan again")


class TooLarge(IntakeError):
    code = "too-large"

    def __init__(self, name: str, size: int, limit: int) -> None:
        super().__init__(
            f"{name} is {_mb(size)}, more than the limit of {_mb(limit)} "
            "(PEERPLAN_MAX_UPLOAD_BYTES): compress the images or split the annexes off"
        )


class EncryptedPdf(IntakeError):
    code = "encrypted-pdf"

    def __init__(self, name: str) -> None:
        super().__init__(
            f"{name} is password-protected: send a copy without a password (the text must be "
            "readable for the reviewers)"
        )


class EncryptedDocument(IntakeError):
    code = "encrypted-document"

    def __init__(self, name: str) -> None:
        super().__init__(
            f"{name} is a password-protected Word document: remove the password in Word "
            "(File > Info > Protect Document) and upload it again"
        )


class CorruptPdf(IntakeError):
    code = "corrupt-pdf"

    def __init__(self, name: str, detail: str = "") -> None:
        why = f" ({detail})" if detail else ""
        super().__init__(
            f"{name} is a damaged or incomplete PDF and cannot be read{why}: "
            "export or download it again"
        )


class MislabelledFile(IntakeError):
    code = "mislabelled"

    def __init__(self, name: str, actual: str, claimed: str, advice: str = "") -> None:
        super().__init__(f"{name} is {actual}, not a {claimed}" + (f": {advice}" if advice else ""))


class LegacyDoc(IntakeError):
    code = "legacy-doc"

    def __init__(self, name: str) -> None:
        super().__init__(
            f"{name} is an old Word 97-2003 document (.doc): open it in Word or LibreOffice and "
            "save it as .docx or PDF"
        )


class NotAZip(IntakeError):
    """Named .docx, but not a zip archive at all, or a damaged or truncated one."""

    code = "not-a-zip"

    def __init__(self, name: str, detail: str = "", *, damaged: bool = False) -> None:
        if damaged:
            why = f" ({detail})" if detail else ""
            message = (
                f"{name} is a damaged or truncated DOCX and cannot be unpacked{why}: "
                "save it again from Word as .docx or PDF"
            )
        else:
            message = (
                f"{name} is not a DOCX: a DOCX is a zip archive and this file is not a "
                "zip (is it another kind of file renamed?): save the plan from Word as "
                ".docx or PDF"
            )
        super().__init__(message)


class NotADocx(IntakeError):
    code = "not-a-docx"

    def __init__(self, name: str) -> None:
        super().__init__(
            f"{name} is a zip archive but not a Word document (it has no word/document.xml): "
            "upload the plan itself as .docx or PDF"
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
        if members is not None:
            what = f"{name} holds {members:,} files, more than a Word document does ({limit:,})"
        elif lied:
            what = (
                f"{name} unpacks to more than its zip directory declares ({part or 'a part'}: "
                f"more than {limit:,} bytes declared), a forged or damaged DOCX"
            )
        elif part:
            what = (
                f"{name} would unpack its part {part} to {_mb(size)}, more than the limit of "
                f"{_mb(limit)} (PEERPLAN_MAX_DOCX_XML_BYTES)"
            )
        else:
            what = (
                f"{name} would unpack to {_mb(size)}, more than the limit of {_mb(limit)} "
                "(PEERPLAN_MAX_DOCX_UNCOMPRESSED_BYTES)"
            )
        super().__init__(
            f"{what}; it was not unpacked: save it as PDF or remove large embedded objects"
        )


class UnsupportedFile(IntakeError):
    code = "unsupported"

    def __init__(self, name: str, actual: str) -> None:
        super().__init__(f"{name} is {actual}: peerplan takes plans as PDF or DOCX")


class UnknownMunicipality(IntakeError):
    code = "unknown-municipality"

    def __init__(self, name: str, round_name: str, known: list[str]) -> None:
        listed = ", ".join(sorted(known)) if known else "none yet"
        super().__init__(
            f"no municipality '{name}' in round '{round_name}' (known: {listed}); check the "
            "spelling, or add it with --create-municipality"
        )


class NoMunicipality(IntakeError):
    code = "no-municipality"

    def __init__(self, name: str) -> None:
        super().__init__(
            f"{name}: which municipality's plan is it? Name the file after the municipality, "
            "pass --municipality, or list it in a manifest CSV (columns file,municipality)"
        )


class DuplicateFile(IntakeError):
    code = "duplicate"

    def __init__(self, name: str, other: str) -> None:
        super().__init__(
            f"{name} is byte for byte the plan already taken in for {other} in this round: "
            "check that the right file was sent"
        )


class UnreadableSource(IntakeError):
    code = "unreadable"

    def __init__(self, name: str, detail: str) -> None:
        super().__init__(f"{name} cannot be read: {detail}")


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB" if size >= 100 * 1024 else f"{size:,} bytes"
