"""A reviewer acting on the portal over real HTTP, as a browser would: follow the personal link,
read the form's CSRF token and revision, save, submit, accept, decline, use the Word form.

Used by the demo and the benchmarks; the tests drive the same routes through their own client.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx

CSRF = re.compile(r'name="csrf" value="([^"]+)"')
SEEN = re.compile(r'name="seen" value="([^"]+)"')
ASSIGNMENT_PATH = re.compile(r"/r/[^/]+/a/(\d+)")
LINK = re.compile(r"https?://\S+/r/[A-Za-z0-9_\-]+")


class PortalRefused(RuntimeError):
    def __init__(self, action: str, response: httpx.Response) -> None:
        super().__init__(f"{action}: HTTP {response.status_code}")
        self.response = response


def link_in(text: str) -> str | None:
    """The first personal review link in a message body."""
    match = LINK.search(text)
    return match.group(0) if match else None


def _field(pattern: re.Pattern[str], html: str, what: str) -> str:
    match = pattern.search(html)
    if match is None:
        raise ValueError(f"the form page has no {what}")
    return match.group(1)


@dataclass
class FormPage:
    assignment_id: int
    csrf: str
    seen: str
    html: str


class PortalReviewer:
    """One reviewer with their personal link (`https://portal/r/<token>`)."""

    def __init__(self, link: str, *, timeout: float = 30) -> None:
        parts = urlsplit(link)
        self.base = f"{parts.scheme}://{parts.netloc}"
        self.token_path = parts.path.rstrip("/")
        self.http = httpx.Client(base_url=self.base, timeout=timeout, follow_redirects=True)

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> PortalReviewer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def assignment_ids(self) -> list[int]:
        """The reviewer's own assignments (the link opens the form directly when there is one)."""
        response = self._ok("open link", self.http.get(self.token_path))
        path = response.url.path
        if match := ASSIGNMENT_PATH.fullmatch(path):
            return [int(match.group(1))]
        return sorted(
            {int(m) for m in re.findall(rf"{re.escape(self.token_path)}/a/(\d+)", response.text)}
        )

    def form(self, assignment_id: int, lang: str | None = None) -> FormPage:
        params = {"lang": lang} if lang else None
        response = self._ok("open form", self.http.get(self._path(assignment_id), params=params))
        return FormPage(
            assignment_id,
            _field(CSRF, response.text, "CSRF token"),
            _field(SEEN, response.text, "seen revision"),
            response.text,
        )

    def accept(self, assignment_id: int) -> None:
        page = self.form(assignment_id)
        self._ok(
            "accept", self.http.post(self._path(assignment_id, "accept"), data={"csrf": page.csrf})
        )

    def decline(self, assignment_id: int, reason: str) -> None:
        page = self.form(assignment_id)
        self._ok(
            "decline",
            self.http.post(
                self._path(assignment_id, "decline"), data={"csrf": page.csrf, "reason": reason}
            ),
        )

    def save(self, assignment_id: int, fields: dict[str, str], *, submit: bool) -> httpx.Response:
        page = self.form(assignment_id)
        data = {
            **fields,
            "csrf": page.csrf,
            "seen": page.seen,
            "action": "submit" if submit else "save",
        }
        return self._ok(
            "submit" if submit else "save draft",
            self.http.post(self._path(assignment_id, "save"), data=data),
        )

    def word_form(self, assignment_id: int) -> bytes:
        return self._ok(
            "download Word form", self.http.get(self._path(assignment_id, "word"))
        ).content

    def upload_word_form(self, assignment_id: int, data: bytes, *, submit: bool) -> httpx.Response:
        page = self.form(assignment_id)
        files = {
            "file": (
                "review.docx",
                data,
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            )
        }
        form = {"csrf": page.csrf, "action": "submit" if submit else "save"}
        return self._ok(
            "upload Word form",
            self.http.post(self._path(assignment_id, "word"), data=form, files=files),
        )

    def _path(self, assignment_id: int, action: str | None = None) -> str:
        path = f"{self.token_path}/a/{assignment_id}"
        return f"{path}/{action}" if action else path

    @staticmethod
    def _ok(action: str, response: httpx.Response) -> httpx.Response:
        if response.status_code >= 400:
            raise PortalRefused(action, response)
        return response
