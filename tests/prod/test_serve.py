"""`peerplan serve` on a fresh data directory, as a new coordinator starts it: a port of their
choice and no mail settings. A Prefect server, the reviewer portal and the deployments come up,
the deployments show their parameter forms, invitations land in the local mailbox with links
that open the portal, and SIGTERM stops every process it started."""

from __future__ import annotations

import email
import email.policy
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator

import httpx
import pytest

from flows.deployments import DEPLOYMENTS, load_flow
from review.cli.serve import _portal_available
from review.config import load_settings
from review.db import engine_for, session_scope
from tests.prod.schemas import form_fields, form_labels
from tests.support.browser import CHROMIUM_ARGS, chromium_executable
from tests.support.notify import approved_assignment, make_reviewer, small_round
from tests.support.serve import Served, clean_env, cmdline, descendants, start_serve, stop

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    directory = tmp_path_factory.mktemp("serve")
    # No PEERPLAN_PORTAL_BASE_URL and no SMTP settings: serve must make both work by itself.
    env = clean_env(directory / "data")
    served = start_serve(directory, env, directory / "serve.log", portal=_portal_available())
    yield served
    stop(served)  # when the stop test did not run


def _deployments(served: Served, expected: int, timeout: float = 60) -> list[dict]:
    deadline = time.monotonic() + timeout
    while True:
        found = httpx.post(f"{served.api_url}/deployments/filter", json={}, timeout=30).json()
        if len(found) >= expected or time.monotonic() > deadline:
            return found
        time.sleep(1)


def test_prints_where_the_prefect_ui_and_the_portal_are(served: Served):
    text = served.output()
    assert f"Prefect UI:      {served.ui_url}" in text
    assert httpx.get(f"{served.api_url}/health", timeout=10).json() is True
    assert httpx.get(served.ui_url, timeout=10).status_code == 200  # the UI's page
    if served.portal_url:
        assert f"Reviewer portal: {served.portal_url}" in text
        assert httpx.get(served.portal_url + "/", timeout=10).status_code < 500


def test_deployments_are_registered_with_parameter_forms(served: Served):
    present = [d for d in DEPLOYMENTS if load_flow(d) is not None]
    deployments = {d["name"]: d for d in _deployments(served, len(present))}
    assert set(deployments) == {d.name for d in present}
    for spec in present:
        registered = deployments[spec.name]
        assert registered["description"] == spec.description
        assert set(spec.all_tags) <= set(registered["tags"])
        expected = form_fields(load_flow(spec).parameters.model_dump(mode="json", by_alias=True))
        assert form_fields(registered["parameter_openapi_schema"]) == expected
        assert bool(registered["schedules"]) == bool(spec.cron)
        if spec.cron:
            assert registered["schedules"][0]["schedule"]["cron"] == spec.cron


def _run_deployment(served: Served, name: str, parameters: dict | None = None) -> dict:
    """A coordinator's click on Run: the served process runs the flow in a subprocess."""
    deployment = next(d for d in _deployments(served, len(DEPLOYMENTS)) if d["name"] == name)
    body = {"parameters": parameters} if parameters else {}
    deadline = time.monotonic() + 120
    while True:  # a busy SQLite-backed server answers 503 now and then: ask again
        response = httpx.post(
            f"{served.api_url}/deployments/{deployment['id']}/create_flow_run",
            json=body,
            timeout=30,
        )
        if response.status_code != 503 or time.monotonic() > deadline:
            break
        time.sleep(2)
    assert response.status_code == 201, response.text
    run = response.json()
    deadline = time.monotonic() + 180
    while True:
        state = httpx.get(f"{served.api_url}/flow_runs/{run['id']}", timeout=30).json()
        if state["state_type"] in {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}:
            return state
        assert time.monotonic() < deadline, f"flow run still {state['state_type']}"
        time.sleep(1)


def test_a_served_deployment_runs(served: Served):
    escalation = next(d for d in DEPLOYMENTS if d.flow_name == "escalate_deadlines")
    state = _run_deployment(served, escalation.name)
    assert state["state_type"] == "COMPLETED", state["state"]


def test_invitations_reach_the_local_mailbox_with_links_to_this_portal(served: Served):
    """No SMTP settings and a portal on a port of the coordinator's choice: the invitation is
    delivered (not failed) into `<data dir>/mailbox`, and its link opens the served portal."""
    assert served.portal_url, "serve started no portal"
    text = served.output()
    assert f"Links in emails: {served.portal_url}" in text
    assert "local mailbox" in text
    data = served.log.parent / "data"
    settings = load_settings(data_dir=data)
    with session_scope(engine_for(settings.database_url)) as session:
        round_, municipalities, plans = small_round(session, name="Runde Postfach")
        reviewer = make_reviewer(session, round_, municipalities["Bergdorf"])
        approved_assignment(session, round_, plans["Altstadt"], reviewer)
    state = _run_deployment(served, "send-invitations", {"parameters": {"round_name": round_.name}})
    assert state["state_type"] == "COMPLETED", state["state"]
    mails = sorted((data / "mailbox").glob("*.eml"))
    assert mails, "nothing arrived in the local mailbox"
    message = email.message_from_bytes(mails[-1].read_bytes(), policy=email.policy.default)
    body = message.get_body(("plain",)).get_content()
    links = re.findall(r"https?://\S+", body)
    assert links and all(link.startswith(served.portal_url) for link in links), links
    assert httpx.get(links[0], timeout=30, follow_redirects=True).status_code == 200


def test_peerplan_invite_in_a_second_terminal_uses_serves_mailbox_and_portal(served: Served):
    """A coordinator with serve running types `peerplan invite` in another terminal, with the
    same settings (none): it sent to the SMTP default nobody answers and its links named the
    default port; now it uses serve's mailbox and portal (`<data dir>/serve.json`)."""
    assert served.portal_url, "serve started no portal"
    data = served.log.parent / "data"
    settings = load_settings(data_dir=data)
    with session_scope(engine_for(settings.database_url)) as session:
        round_, municipalities, plans = small_round(session, name="Runde Terminal")
        reviewer = make_reviewer(session, round_, municipalities["Bergdorf"])
        approved_assignment(session, round_, plans["Altstadt"], reviewer)
    before = set((data / "mailbox").glob("*.eml"))
    invited = subprocess.run(
        [sys.executable, "-m", "review", "invite", "--round", round_.name],
        env=clean_env(data),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert invited.returncode == 0, invited.stdout + invited.stderr
    mails = sorted(set((data / "mailbox").glob("*.eml")) - before)
    assert mails, "peerplan invite delivered nothing into serve's mailbox"
    message = email.message_from_bytes(mails[-1].read_bytes(), policy=email.policy.default)
    links = re.findall(r"https?://\S+", message.get_body(("plain",)).get_content())
    assert links and all(link.startswith(served.portal_url) for link in links), links


def test_a_plans_last_review_starts_compile_reviews(served: Served):
    """The portal's announcement (review.signals) makes the compile-reviews deployment's trigger
    start a run for that plan: the coordinator sees documents without starting anything."""
    deployment = next(
        d for d in _deployments(served, len(DEPLOYMENTS)) if d["name"] == "compile-reviews"
    )
    emit = (
        "from prefect.events import emit_event\n"
        "from review.signals import PLAN_READY\n"
        "emit_event(event=PLAN_READY, resource={'prefect.resource.id': 'peerplan.plan.7', "
        "'peerplan.round': 'Runde Trigger'},\n"
        "           payload={'plan_id': 7, 'round_name': 'Runde Trigger'})\n"
    )
    env = {**clean_env(served.log.parent / "data"), "PREFECT_API_URL": served.api_url}
    subprocess.run([sys.executable, "-c", emit], env=env, check=True, timeout=120)
    deadline = time.monotonic() + 120
    while True:
        runs = httpx.post(
            f"{served.api_url}/flow_runs/filter",
            timeout=30,
            json={"deployments": {"id": {"any_": [deployment["id"]]}}},
        ).json()
        if runs or time.monotonic() > deadline:
            break
        time.sleep(1)
    assert runs, "the trigger started no compile_reviews run"
    assert runs[0]["parameters"] == {"parameters": {"round_name": "Runde Trigger", "plan_ids": [7]}}


@pytest.mark.browser
def test_deployment_pages_show_the_parameter_forms(served: Served):
    executable = chromium_executable()
    present = DEPLOYMENTS
    registered = {d["name"]: d for d in _deployments(served, len(present))}
    screenshots = served.log.parent / "screenshots"
    screenshots.mkdir(exist_ok=True)
    from playwright.sync_api import sync_playwright

    missing: dict[str, list[str]] = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        for spec in present:
            deployment = registered[spec.name]
            labels = form_labels(deployment["parameter_openapi_schema"])
            page.goto(f"{served.ui_url}/deployments/deployment/{deployment['id']}/run")
            page.get_by_text("Parameters", exact=True).first.wait_for(timeout=60_000)
            if labels:
                page.get_by_text(labels[-1]).first.wait_for(timeout=30_000)
            page.wait_for_timeout(1500)  # let the page finish fading in
            page.screenshot(path=str(screenshots / f"{spec.name}-run.png"), full_page=True)
            text = page.inner_text("body")
            assert "Can't connect to Server API" not in text
            assert spec.name in text
            missing.update(
                {spec.name: [x for x in labels if x not in text]}
                if any(x not in text for x in labels)
                else {}
            )
        browser.close()
    assert not missing, f"parameter form fields not on the deployments' Run pages: {missing}"


def test_sigterm_stops_every_process_it_started(served: Served):
    tree = descendants(served.process.pid)
    assert any("prefect" in cmd and "server" in cmd for cmd in tree.values()), tree
    if served.portal_url:
        assert any("uvicorn" in cmd for cmd in tree.values()), tree
    served.process.send_signal(signal.SIGTERM)
    served.process.wait(120)  # a flow run still going (the compile trigger) stops first
    time.sleep(1)
    left = {pid: cmd for pid, cmd in tree.items() if cmdline(pid) == cmd and cmd}
    assert not left, f"processes left running after SIGTERM: {left}"
    # What it lent the other commands is taken back with it.
    assert not (served.log.parent / "data" / "serve.json").exists()
