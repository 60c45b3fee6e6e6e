"""`peerplan serve`: the whole installation on one machine with one command.

It starts, each in its own process group (review/cli/children.py):
1. a Prefect server (`prefect server start`, SQLite in `$PREFECT_HOME`, which defaults to
   `<data dir>/prefect`) unless `PREFECT_API_URL` points at one already;
2. the reviewer portal (uvicorn serving `review.portal.create_app(settings)`);
and then serves every deployment of `flows/deployments.py` in this process, each flow run in a
subprocess, until Ctrl-C or SIGTERM, which stops the flow runs, the portal and the server.

It works out of the box: without `PEERPLAN_PORTAL_BASE_URL` the links in emails point where the
portal really listens; without SMTP settings every message goes to a local mailbox (an SMTP
server in this process that keeps `.eml` files in `<data dir>/mailbox`). Both are passed to the
portal and the flow runs through the environment they inherit.

This module is part of the application shell: it imports Prefect and the flows only inside the
command, after the Prefect environment (home, API URL) is set, so that other `peerplan` commands
stay fast and Prefect reads the right settings.
"""

from __future__ import annotations

import importlib.util
import json
import os
import signal
import sys
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import typer
from rich.markup import escape
from sqlmodel import col, select

from review.cli.app import app, console, database, settings, user_errors
from review.cli.children import Child, ChildFailed, port_free
from review.config import SERVED_FILE, SMTP_SETTINGS, Settings
from review.coordinator import access
from review.coordinator.language import coordinator_translator
from review.db import migrate
from review.errors import InvalidInput
from review.i18n import N_, Message, Translator
from review.mailsink import Mailbox, start_mailbox
from review.models import Round

PREFECT_STARTUP_TIMEOUT = 180.0  # a fresh server migrates its database first: ~25 s on 2 cores
PORTAL_STARTUP_TIMEOUT = 60.0


def portal_app():
    """The portal for the settings in this process's environment (inherited from `serve`)."""
    from review.config import load_settings
    from review.portal.serving import ready_app

    return ready_app(load_settings())


def _portal_available() -> bool:
    try:
        return importlib.util.find_spec("review.portal") is not None
    except ModuleNotFoundError:
        return False


def _raise_keyboard_interrupt(signum: int, _frame: object) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def _configured_api_url() -> str | None:
    """PREFECT_API_URL from the environment or the active Prefect profile (imports Prefect)."""
    from prefect.settings import PREFECT_API_URL

    return PREFECT_API_URL.value() or None


def _child_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    env.setdefault("DO_NOT_TRACK", "1")
    env.update(extra)
    return env


@app.command()
@user_errors
def serve(
    host: str = typer.Option("127.0.0.1", help="Interface the Prefect server and portal bind to."),
    prefect_port: int = typer.Option(4200, help="Port of the Prefect server (UI and API)."),
    portal_port: int = typer.Option(
        0,
        help="Port of the reviewer portal; default: the port of PEERPLAN_PORTAL_BASE_URL.",
        show_default=False,  # '[default: 0]' beside the help's own default contradicted it
    ),
    portal: bool = typer.Option(True, "--portal/--no-portal", help="Start the reviewer portal."),
    startup_timeout: float = typer.Option(
        PREFECT_STARTUP_TIMEOUT, help="Seconds to wait for the Prefect server to become healthy."
    ),
) -> None:
    """Start Prefect (unless PREFECT_API_URL is set), the reviewer portal and the deployments.

    Prints the URLs of the Prefect UI and the portal; Ctrl-C stops everything.
    """
    s = settings()
    migrate(s)  # the portal and the flows need an up-to-date schema
    t = coordinator_translator(s)
    logs = s.data_dir / "logs"
    # Before Prefect is imported: its settings are read once, at import.
    os.environ.setdefault("PREFECT_HOME", str(s.data_dir / "prefect"))
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    if portal and not _portal_available():
        raise InvalidInput(
            N_(
                "the reviewer portal (review.portal) is not part of this installation yet; "
                "run `peerplan serve --no-portal` to serve the Prefect deployments alone"
            )
        )
    base_url_configured = "portal_base_url" in s.model_fields_set
    if not portal_port:
        portal_port = urlsplit(s.portal_base_url).port or 8765
    if portal and not base_url_configured:
        # The links in emails must open the portal this command starts, on whatever port.
        os.environ["PEERPLAN_PORTAL_BASE_URL"] = f"http://{host}:{portal_port}"

    children: list[Child] = []
    mailbox = _local_mailbox(s)
    previous = {
        sig: signal.signal(sig, _raise_keyboard_interrupt)
        for sig in (signal.SIGTERM, signal.SIGHUP)
    }
    try:
        api_url = _configured_api_url()
        if api_url:
            console.print(
                t.gettext("using the Prefect server configured in PREFECT_API_URL: %(url)s")
                % {"url": api_url},
                highlight=False,
            )
            ui_url = api_url.removesuffix("/").removesuffix("/api")
        else:
            api_url, ui_url = _start_prefect_server(
                host, prefect_port, logs, startup_timeout, children, t
            )
        os.environ["PREFECT_API_URL"] = api_url

        portal_url = None
        if portal:
            portal_url = _start_portal(host, portal_port, logs, children)
            if base_url_configured:
                _warn_unless_answering(s.portal_base_url, t)

        from flows.deployments import runner_deployments, serve_deployments

        deployments = runner_deployments()  # imports every flow: fails here, not half-served
        _write_served(s, mailbox, None if base_url_configured or not portal else portal_url)
        _print_addresses(ui_url, portal_url, mailbox, logs, t)
        if portal_url:
            _print_round_pages(s, t)
        console.print(t.gettext("Press Ctrl-C to stop everything."), highlight=False)
        sys.stdout.flush()

        from prefect.settings import PREFECT_API_URL, temporary_settings

        with temporary_settings({PREFECT_API_URL: api_url}):
            serve_deployments(deployments)
    except KeyboardInterrupt:
        pass
    except ChildFailed as exc:
        raise exc from None
    finally:
        (s.data_dir / SERVED_FILE).unlink(missing_ok=True)
        _stop_all(children, mailbox, previous, t)


def _write_served(s: Settings, mailbox: Mailbox | None, portal_url: str | None) -> None:
    """Tell the other commands of this data directory what serve started (read by
    `review.config.served_settings`): `peerplan invite` in a second terminal then sends into
    this mailbox, with links to this portal."""
    served = {"pid": os.getpid(), "portal_base_url": portal_url}
    if mailbox:
        served.update(smtp_host=mailbox.host, smtp_port=mailbox.port)
    path = s.data_dir / SERVED_FILE
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(served), encoding="utf-8")
    os.replace(tmp, path)


def _stop_all(
    children: list[Child], mailbox: Mailbox | None, previous: dict, t: Translator
) -> None:
    # A second Ctrl-C or SIGTERM must not interrupt the cleanup.
    interrupt = signal.signal(signal.SIGINT, signal.SIG_IGN)
    for sig in previous:
        signal.signal(sig, signal.SIG_IGN)
    for child in reversed(children):
        child.stop()
    if mailbox:
        mailbox.stop()
    signal.signal(signal.SIGINT, interrupt)
    for sig, handler in previous.items():
        signal.signal(sig, handler)
    stopped = ", ".join(_said(t, c.name) for c in children) or t.gettext("nothing to stop")
    console.print(t.gettext("stopped: %(what)s") % {"what": stopped}, highlight=False)


def _said(t: Translator, text: str) -> str:
    return text(t.language) if isinstance(text, Message) else text


def _print_addresses(
    ui_url: str, portal_url: str | None, mailbox: Mailbox | None, logs: Path, t: Translator
) -> None:
    rows = [
        (t.gettext("Prefect UI:"), ui_url),
        (t.gettext("Deployments:"), ui_url + "/deployments"),
    ]
    if portal_url:
        rows.append((t.gettext("Reviewer portal:"), portal_url))
        links = os.environ.get("PEERPLAN_PORTAL_BASE_URL", portal_url)
        rows.append((t.gettext("Links in emails:"), links))
    if mailbox:
        mail = t.gettext(
            "no SMTP server configured (PEERPLAN_SMTP_HOST): every message goes to the local "
            "mailbox %(folder)s (.eml files)"
        ) % {"folder": mailbox.folder}
        rows.append((t.gettext("Mail:"), mail))
    rows.append((t.gettext("Logs:"), str(logs)))
    _print_rows(rows, t)


#: The labels of serve's addresses, whose values are lined up after the longest.
LABELS = (
    N_("Prefect UI:"),
    N_("Deployments:"),
    N_("Reviewer portal:"),
    N_("Links in emails:"),
    N_("Mail:"),
    N_("Logs:"),
    N_("Round page:"),
)


def _print_rows(rows: list[tuple[str, str]], t: Translator) -> None:
    """'Label:   value' lines, the values lined up after the longest label of the language."""
    width = max(len(t.gettext(label)) for label in LABELS) + 1
    for label, value in rows:
        console.print(f"{label:<{width}}{value}", highlight=False, soft_wrap=True)


def _print_round_pages(s: Settings, t: Translator) -> None:
    """A coordinator link to each round's page (issued anew at each start: the one printed by
    the previous start stops working), or how to get one for a round created later."""
    base = os.environ.get("PEERPLAN_PORTAL_BASE_URL", s.portal_base_url).rstrip("/")
    with database(s) as session:
        rounds = list(session.exec(select(Round).order_by(col(Round.id))))
        links = [(r.name, access.issue(session, r, label="serve", actor="serve")) for r in rounds]
    label = t.gettext("Round page:")
    # soft_wrap (in _print_rows): a link broken over two lines does not open
    rows = [(label, f"{name}: {base}{access.round_path(token)}") for name, token in links]
    later = t.gettext(
        "for a round created later: peerplan coordinator link --round NAME (the round's "
        "progress artifact in the Prefect UI links to it too)"
    )
    _print_rows([*rows, (label, later)], t)


def _local_mailbox(s: Settings) -> Mailbox | None:
    """A local SMTP server keeping .eml files, unless mail is configured.

    A coordinator trying peerplan has no mail server; without this, every invitation would fail.
    """
    if SMTP_SETTINGS & s.model_fields_set:
        return None
    mailbox = start_mailbox(s.data_dir / "mailbox")
    os.environ.update(
        PEERPLAN_SMTP_HOST=mailbox.host,
        PEERPLAN_SMTP_PORT=str(mailbox.port),
        PEERPLAN_SMTP_SECURITY="none",
    )
    return mailbox


def _warn_unless_answering(base_url: str, t: Translator) -> None:
    """The configured public URL (a proxy, say) must reach this portal, or every link is dead."""
    try:
        httpx.get(base_url.rstrip("/") + "/", timeout=5.0)
    except httpx.HTTPError as exc:
        warning = t.gettext(
            "PEERPLAN_PORTAL_BASE_URL=%(url)s does not answer (%(error)s): the links in emails "
            "will not open the portal"
        ) % {"url": base_url, "error": type(exc).__name__}
        console.print(
            "[bold yellow]" + escape(t.gettext("warning:")) + "[/] " + escape(warning),
            highlight=False,
        )


def _start_prefect_server(
    host: str, port: int, logs: Path, timeout: float, children: list[Child], t: Translator
) -> tuple[str, str]:
    if not port_free(host, port):
        raise InvalidInput(
            N_(
                "port %(port)s on %(host)s is in use: stop what runs there, pass "
                "--prefect-port, or set PREFECT_API_URL to use a Prefect server that is "
                "already running"
            ),
            port=port,
            host=host,
        )
    server = Child(
        Message(N_("Prefect server")),
        [sys.executable, "-m", "prefect", "server", "start", "--host", host, "--port", str(port)],
        logs / "prefect-server.log",
        # The UI asks the API at PREFECT_UI_API_URL, which defaults to port 4200 whatever --port.
        env=_child_env(
            PREFECT_UI_API_URL=os.environ.get("PREFECT_UI_API_URL", f"http://{host}:{port}/api")
        ),
    ).start()
    children.append(server)
    ui_url = f"http://{host}:{port}"
    console.print(
        t.gettext(
            "starting the Prefect server (PREFECT_HOME=%(home)s); waiting up to %(seconds)s s "
            "for %(url)s (a fresh database takes ~25 s to migrate)"
        )
        % {
            "home": os.environ["PREFECT_HOME"],
            "seconds": t.format_decimal(round(timeout)),
            "url": f"{ui_url}/api/health",
        },
        highlight=False,
    )
    waited = server.wait_http(
        f"{ui_url}/api/health", timeout=timeout, what=Message(N_("the Prefect server"))
    )
    console.print(
        t.gettext("Prefect server healthy after %(seconds)s s")
        % {"seconds": t.format_decimal(round(waited))},
        highlight=False,
    )
    return f"{ui_url}/api", ui_url


def _start_portal(host: str, port: int, logs: Path, children: list[Child]) -> str:
    if not port_free(host, port):
        raise InvalidInput(
            N_("port %(port)s on %(host)s is in use: pass --portal-port"), port=port, host=host
        )
    from review.portal.serving import uvicorn_arguments

    portal = Child(
        Message(N_("reviewer portal")),
        [
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            "review.cli.serve:portal_app",
            "--host",
            host,
            "--port",
            str(port),
            *uvicorn_arguments(),  # review.portal.serving: keep-alive, no proxy headers
        ],
        logs / "portal.log",
        env=_child_env(),
        cwd=Path.cwd(),
    ).start()
    children.append(portal)
    url = f"http://{host}:{port}"
    portal.wait_http(
        url + "/", timeout=PORTAL_STARTUP_TIMEOUT, what=Message(N_("the reviewer portal"))
    )
    return url
