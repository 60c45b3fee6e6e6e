"""The coordinator's acceptance test (#13): one person runs a round with the Prefect UI and the
portal only, in Chromium. `peerplan serve` with default settings and no SMTP server; plans arrive
through the municipalities' upload links; the coordinator starts the round from its deployment
form, approves the reviewers in the Resume form, opens the round page, sees who is outstanding,
extends one deadline, sends one reviewer a new link (the old one is refused, the new one works),
and after the reviews (submitted through the domain, as the portal would) downloads both
editions of a plan's document and the round summary.

Screenshots go to `$PEERPLAN_TEST_ARTIFACTS/coordinator` (default tests/prod/screenshots/), which
CI keeps; the README's walk-through uses some of them (docs/screenshots/)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import httpx
import pytest
from sqlmodel import Session, col, select

from flows.deployments import PROJECT_ROOT
from review import tokens
from review.config import load_settings
from review.db import engine_for
from review.lifecycle import submit
from review.mailsink import Mailbox
from review.models import Assignment, AssignmentStatus, Round
from tests.support.browser import CHROMIUM_ARGS, chromium_executable
from tests.support.reviewing_data import complete_review
from tests.support.serve import clean_env, start_serve, stop

pytestmark = [pytest.mark.slow, pytest.mark.browser]
ROUND = "Runde Nord 2026"
LINK = re.compile(r"http://127\.0\.0\.1:\d+/r/[A-Za-z0-9_-]{20,}")


def _screenshots() -> Path:
    base = os.environ.get("PEERPLAN_TEST_ARTIFACTS")
    folder = Path(base) / "coordinator" if base else PROJECT_ROOT / "tests/prod/screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _peerplan(env: dict[str, str], cwd: Path, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "review", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def _wait(what: str, check, timeout: float = 240, every: float = 2, explain=None):
    """`check()`'s first truthy answer; fails after `timeout` s, with what `explain()` says."""
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found:
            return found
        if time.monotonic() > deadline:
            said = f": {explain()}" if explain is not None else ""
            pytest.fail(f"waited {timeout:.0f} s for {what}{said}")
        time.sleep(every)


def _flow_runs(ui: str) -> str:
    """The flow runs and their states, oldest first: which step a wait stopped at."""
    runs = httpx.post(
        f"{ui}/api/flow_runs/filter", json={"sort": "EXPECTED_START_TIME_ASC"}, timeout=30
    ).json()
    return "; ".join(f"{r['name']} {r['state_type']} ({r['state_name']})" for r in runs)


def _start_round(page, expect, ui: str, deployment: str, shot: Path | None = None) -> None:
    """Start a run of the round's deployment from its Run form, as the coordinator does, and
    wait until the run exists: the form must hold the round's name before Run is clicked (a
    click while the form still updates submitted it without, and no run was made)."""
    runs_before = _runs_of(ui, deployment)
    page.goto(f"{ui}/deployments/deployment/{deployment}/run")
    page.get_by_text("Parameters", exact=True).first.wait_for(timeout=90_000)
    page.wait_for_timeout(1500)
    name = _field(page, "Round / Runde")
    name.fill(ROUND)
    expect(name).to_have_value(ROUND)
    page.wait_for_timeout(500)
    if shot is not None:
        page.screenshot(path=str(shot), full_page=True)
    page.get_by_role("button", name=re.compile("^(Submit|Run)$")).last.click()
    _wait(
        "a run of the round started from its form",
        lambda: _runs_of(ui, deployment) > runs_before,
        timeout=120,
        explain=lambda: f"the page: {page.url}; flow runs: {_flow_runs(ui)}",
    )


def _runs_of(ui: str, deployment: str) -> int:
    """How many runs of a deployment exist, whatever their state (a click on Run made one)."""
    runs = httpx.post(
        f"{ui}/api/flow_runs/filter",
        json={"deployments": {"id": {"any_": [deployment]}}},
        timeout=30,
    ).json()
    return len(runs)


def _serve_tail(work: Path, lines: int = 40) -> str:
    """serve's last lines without the HTTP request log: what the flow runs said last."""
    log = work.parent / "serve.log"
    said = [
        line
        for line in log.read_text(encoding="utf-8", errors="replace").splitlines()
        if "HTTP Request" not in line and line.strip()
    ]
    return "\n".join(said[-lines:])


def _links_in_mailbox(folder: Path) -> dict[str, list[str]]:
    """Recipient -> the personal links in their messages, oldest first."""
    box = Mailbox(folder, "", 0, None)  # type: ignore[arg-type]  (reading only)
    found: dict[str, list[str]] = {}
    for message in box.messages():
        body = message.get_body(preferencelist=("plain",))
        text = body.get_content() if body is not None else ""
        found.setdefault(str(message["To"]), []).extend(LINK.findall(text))
    return found


def test_a_coordinator_runs_a_round_from_the_prefect_ui_and_the_portal(tmp_path: Path) -> None:
    executable = chromium_executable()
    shots = _screenshots()
    work = tmp_path / "work"
    work.mkdir()
    data = tmp_path / "data"
    env = clean_env(data)
    # The round and its participants exist before serve starts (a coordinator's first steps).
    _peerplan(
        env,
        work,
        "generate-plans",
        str(work / "plans"),
        "--count",
        "3",
        "--seed",
        "7",
        "--language",
        "de",
        "--format",
        "pdf",
    )
    due = (date.today() + timedelta(days=21)).isoformat()
    _peerplan(env, work, "round", "create", ROUND, "--due", due, "--reviews-per-plan", "2")
    _peerplan(env, work, "import", str(work / "plans" / "participants.csv"), "--round", ROUND)
    manifest = (work / "plans" / "manifest.csv").read_text(encoding="utf-8").splitlines()[1:]
    plans = [tuple(line.split(",", 1)) for line in manifest if line.strip()]

    served = start_serve(work, env, tmp_path / "serve.log")
    ui, portal = served.ui_url, served.portal_url
    try:
        printed = served.output()
        page_url = re.search(rf"Round page:\s+{re.escape(ROUND)}: (\S+)", printed).group(1)
        assert page_url.startswith(f"{portal}/c/")
        # The upload links point where serve's portal listens ("Links in emails").
        with_portal = {**env, "PEERPLAN_PORTAL_BASE_URL": portal}
        upload_links = {
            town: _peerplan(with_portal, work, "upload-link", town, "--round", ROUND).strip()
            for _file, town in plans
        }
        settings = load_settings(data_dir=data)
        engine = engine_for(settings.database_url)
        _run_in_browser(
            executable, shots, ui, portal, page_url, upload_links, plans, work, engine, settings
        )
    except BaseException:
        # CI keeps the screenshots' folder: serve's output (the flow runs' logs) goes with them.
        shutil.copy(served.log, shots / "serve.log")
        raise
    finally:
        stop(served)


def _deployment_id(ui: str, name: str) -> str:
    def find():
        found = httpx.post(f"{ui}/api/deployments/filter", json={}, timeout=30).json()
        return next((d["id"] for d in found if d["name"] == name), None)

    return _wait(f"deployment {name}", find, timeout=120)


def _paused_run(ui: str) -> str | None:
    runs = httpx.post(
        f"{ui}/api/flow_runs/filter",
        json={"flow_runs": {"state": {"type": {"any_": ["PAUSED"]}}}},
        timeout=30,
    ).json()
    return runs[0]["id"] if runs else None


def _assignments(engine, *statuses: AssignmentStatus) -> list[Assignment]:
    with Session(engine) as session:
        round_ = session.exec(select(Round).where(Round.name == ROUND)).one()
        rows = session.exec(
            select(Assignment).where(Assignment.round_id == round_.id).order_by(col(Assignment.id))
        ).all()
    return [a for a in rows if not statuses or a.status in {s.value for s in statuses}]


def _run_in_browser(
    executable, shots, ui, portal, page_url, upload_links, plans, work, engine, settings
) -> None:
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        context = browser.new_context(
            viewport={"width": 1280, "height": 900}, accept_downloads=True
        )
        page = context.new_page()
        try:
            _scenario(
                page, expect, shots, ui, page_url, upload_links, plans, work, engine, settings
            )
        except BaseException:
            page.screenshot(path=str(shots / "failure.png"), full_page=True)
            (shots / "failure.html").write_text(page.content(), encoding="utf-8")
            raise
        finally:
            browser.close()


def _field(page, label: str):
    """The input of a Prefect form field by its label (the UI's labels are not tied to inputs)."""
    name = page.locator(
        "span.schema-form-property__label", has_text=re.compile(f"^{re.escape(label)}$")
    )
    return page.locator("div.schema-form-property", has=name).last.locator("textarea, input").first


def _scenario(page, expect, shots, ui, page_url, upload_links, plans, work, engine, settings):
    # 1. The municipalities hand in their plans through their upload links.
    for file_name, town in plans:
        page.goto(upload_links[town])
        page.set_input_files("input[type=file]", str(work / "plans" / file_name))
        page.locator("form button[type=submit]").first.click()
        page.wait_for_load_state()
    page.screenshot(path=str(shots / "01-municipality-upload.png"), full_page=True)

    # 2. The coordinator starts the round from the deployment's Run form.
    deployment = _deployment_id(ui, "review-round")
    _start_round(page, expect, ui, deployment, shots / "02-start-round-form.png")

    # 3. The run pauses for approval: the coordinator resumes it with "approve".
    paused = _wait("the approval pause", lambda: _paused_run(ui), timeout=420, every=3)
    page.goto(f"{ui}/runs/flow-run/{paused}")
    page.get_by_role("button", name=re.compile("Resume")).first.click(timeout=60_000)
    page.wait_for_timeout(1500)
    label = page.locator("span.schema-form-property__label", has_text="Decision / Entscheidung")
    decision = page.locator("div.schema-form-property", has=label).last
    select = decision.locator("button.p-select-button__control")
    select.click()
    page.wait_for_timeout(700)
    option = page.get_by_text("approve", exact=True)
    if option.count():
        option.last.click()
    else:  # the list did not open on the click: choose with the keyboard, as a person may
        select.focus()
        page.keyboard.press("ArrowDown")
        page.wait_for_timeout(300)
        page.keyboard.press("Enter")
    expect(decision.locator(".p-select-button__value")).to_contain_text("approve")
    page.screenshot(path=str(shots / "03-resume-form.png"), full_page=True)
    page.get_by_role("button", name="Submit").last.click()
    invited = _wait(
        "the invitations",
        lambda: _assignments(engine, AssignmentStatus.invited),
        timeout=300,
        explain=lambda: f"flow runs: {_flow_runs(ui)}",
    )
    assert len(invited) == 2 * len(plans)

    # 4. The round page: everyone is outstanding.
    page.goto(page_url)
    expect(page.locator("tr.assignment")).to_have_count(len(invited))
    assert page.locator("td.link", has_text="gültig").count() == len(invited)
    page.screenshot(path=str(shots / "04-round-page.png"), full_page=True)

    # 5. One deadline extended from the round page.
    first = invited[0]
    row = page.locator(f"#assignment-{first.id}")
    later = date.today() + timedelta(days=35)
    row.locator("input[type=date]").fill(later.isoformat())
    row.get_by_role("button", name="Verlängern").click()
    expect(page.locator("#done")).to_contain_text("Frist wurde geändert")
    assert _assignments(engine)[0].due_date == later
    page.screenshot(path=str(shots / "05-deadline-extended.png"), full_page=True)

    # 6. A new personal link for one reviewer: the old one is refused, the new one works.
    mailbox = settings.data_dir / "mailbox"
    second = invited[1]
    before = _wait("the invitations in the mailbox", lambda: _links_in_mailbox(mailbox))
    old_links = {link for links in before.values() for link in links}
    page.locator(f"#assignment-{second.id}").get_by_role("button", name="Neuer Link").click()
    expect(page.locator("#done")).to_contain_text("neuer persönlicher Link")

    def new_link():
        now = {link for links in _links_in_mailbox(mailbox).values() for link in links}
        return sorted(now - old_links)

    fresh = _wait("the new invitation", new_link, timeout=120)[0]
    with Session(engine) as session:
        token_hash = session.get(Assignment, second.id).token_hash
    refused = [
        link
        for link in old_links
        if httpx.get(link, timeout=30, follow_redirects=True).status_code == 404
    ]
    assert refused, "the reviewer's old link still opens"
    page.goto(refused[0])
    page.screenshot(path=str(shots / "06-old-link-refused.png"), full_page=True)
    page.goto(fresh)
    assert page.locator("form").count() >= 1
    assert tokens.hash_token(fresh.rsplit("/", 1)[1]) == token_hash

    # 7. The reviews come in (as the portal submits them), and the round goes on.
    with Session(engine) as session:
        for a in _assignments(engine, AssignmentStatus.invited):
            assignment = session.get(Assignment, a.id)
            submit(
                session,
                assignment,
                complete_review(assignment.rubric),
                settings=settings,
                seen_revision="0.0",
                actor="reviewer",
            )
        session.commit()
    _start_round(page, expect, ui, deployment)

    # 8. Both editions of a plan's document and the summary, from the round page.
    seen: dict[str, int] = {}

    def documents_ready():
        page.goto(page_url)
        seen["coordinator editions"] = page.locator("a.edition-coordinator").count()
        seen["summaries"] = page.locator("a[href$='summary/round-summary.docx']").count()
        return seen["coordinator editions"] == len(plans) and seen["summaries"]

    _wait(
        "the documents",
        documents_ready,
        timeout=420,
        every=5,
        explain=lambda: (
            f"the round page shows {seen}; flow runs: {_flow_runs(ui)}; "
            f"serve's last lines:\n{_serve_tail(work)}"
        ),
    )
    page.screenshot(path=str(shots / "07-documents.png"), full_page=True)
    for selector in (
        "a.edition-municipality",
        "a.edition-coordinator",
        "a[href$='summary/round-summary.docx']",
    ):
        with page.expect_download() as download:
            page.locator(selector).first.click()
        saved = work / download.value.suggested_filename
        download.value.save_as(saved)
        assert saved.stat().st_size > 1000 and saved.read_bytes()[:2] == b"PK"
