"""The one list of the deployments coordinators see in the Prefect UI, and how to serve them.

`DEPLOYMENTS` is the single registry: `peerplan serve` serves it, `prefect.yaml` is generated from
it (`python -m flows.deployments --write-prefect-yaml`; a test keeps the two equal), and the
production test deploys it onto a process work pool. Flow modules are imported lazily, only when a
deployment is built, because `import prefect` and the flows' own imports cost seconds.
"""

from __future__ import annotations

import argparse
import importlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from review.errors import PeerplanError
from review.signals import PLAN_READY

if TYPE_CHECKING:
    from prefect import Flow
    from prefect.deployments.runner import RunnerDeployment

PROJECT_ROOT = Path(__file__).resolve().parents[1]
WORK_POOL = "peerplan"


class FlowMissing(PeerplanError):
    """A registered deployment's flow module is not part of this installation."""


@dataclass(frozen=True)
class DeploymentSpec:
    """One coordinator-facing deployment: which flow, what it is for, when it runs by itself."""

    name: str  # deployment name; the UI shows "<flow name>/<name>"
    flow_name: str  # the @flow's name, also its function's and its module's name
    description: str
    cron: str | None = None  # UTC cron schedule, None: runs only when started
    parameters: dict[str, Any] = field(default_factory=dict)  # defaults for scheduled runs
    tags: tuple[str, ...] = ()
    # Event triggers in prefect.yaml's form (type, match, expect, parameters).
    triggers: tuple[dict[str, Any], ...] = ()

    @property
    def module(self) -> str:
        return f"flows.{self.flow_name}"

    @property
    def entrypoint(self) -> str:
        """Prefect entrypoint relative to the project root, as `prefect deploy` wants it."""
        return f"flows/{self.flow_name}.py:{self.flow_name}"

    @property
    def all_tags(self) -> list[str]:
        return ["peerplan", *self.tags]


DEPLOYMENTS: tuple[DeploymentSpec, ...] = (
    DeploymentSpec(
        name="review-round",
        flow_name="review_round",
        description="Run a whole review round: intake, assignment with approval, invitations, "
        "waiting for reviews, consolidated documents. / Eine ganze Begutachtungsrunde: Eingang, "
        "Zuteilung mit Freigabe, Einladungen, Warten auf Gutachten, konsolidierte Dokumente.",
        tags=("round",),
    ),
    DeploymentSpec(
        name="intake-plans",
        flow_name="intake_plans",
        description="Register a round's plans (PDF, DOCX) and check them. / Pläne einer Runde "
        "(PDF, DOCX) registrieren und prüfen.",
        tags=("intake",),
    ),
    DeploymentSpec(
        name="assign-reviewers",
        flow_name="assign_reviewers",
        description="Propose reviewers for every plan and wait for the coordinator's approval. / "
        "Gutachter:innen für jeden Plan vorschlagen und auf die Freigabe warten.",
        tags=("assignment",),
    ),
    DeploymentSpec(
        name="send-invitations",
        flow_name="send_invitations",
        description="Invite the approved reviewers by email with their personal link. / "
        "Freigegebene Gutachter:innen per E-Mail mit persönlichem Link einladen.",
        tags=("notify",),
    ),
    DeploymentSpec(
        name="escalate-deadlines",
        flow_name="escalate_deadlines",
        description="Every hour: reminders, escalation to the coordinator and reassignment of "
        "overdue reviews. / Stündlich: Erinnerungen, Eskalation und Neuzuteilung überfälliger "
        "Gutachten.",
        cron="0 * * * *",
        tags=("deadlines", "scheduled"),
    ),
    DeploymentSpec(
        name="compile-reviews",
        flow_name="compile_reviews",
        description="Consolidate the submitted reviews into one document per plan; runs by "
        "itself when a plan's last review comes in. / Eingereichte Gutachten zu einem Dokument je "
        "Plan zusammenführen; läuft von selbst, sobald das letzte Gutachten eines Plans eingeht.",
        tags=("consolidation",),
        triggers=(
            {
                "type": "event",
                "enabled": True,
                "match": {"prefect.resource.id": "peerplan.plan.*"},
                "expect": [PLAN_READY],
                "parameters": {
                    "parameters": {
                        "round_name": "{{ event.resource['peerplan.round'] }}",
                        "plan_ids": ["{{ event.payload.plan_id }}"],
                    }
                },
            },
        ),
    ),
    DeploymentSpec(
        name="extend-deadline",
        flow_name="extend_deadline",
        description="Extend the deadline of the round, a plan's reviews or a reviewer's; the "
        "reviewers are told. / Die Frist der Runde, eines Plans oder einer Person verlängern; die "
        "Gutachter:innen werden benachrichtigt.",
        tags=("coordinator",),
    ),
    DeploymentSpec(
        name="remind-reviewers",
        flow_name="remind_reviewers",
        description="Remind now everyone who owes a review (round, plan or one reviewer). / "
        "Alle jetzt erinnern, die ein Gutachten schulden (Runde, Plan oder eine Person).",
        tags=("coordinator",),
    ),
    DeploymentSpec(
        name="new-personal-link",
        flow_name="new_personal_link",
        description="Send a reviewer the invitation again with a new personal link; the old "
        "link stops working. / Einladung mit neuem persönlichem Link erneut senden; der alte "
        "Link gilt nicht mehr.",
        tags=("coordinator",),
    ),
    DeploymentSpec(
        name="replace-reviewer",
        flow_name="replace_reviewer",
        description="Give one review to a named backup or the best eligible reviewer. / Ein "
        "Gutachten an eine benannte Vertretung oder die am besten geeignete Person geben.",
        tags=("coordinator",),
    ),
    DeploymentSpec(
        name="update-round",
        flow_name="update_round",
        description="Change a round's settings (final deadline, reviews per plan, blind, "
        "language, coordinator). / Einstellungen einer Runde ändern (letzte Frist, Gutachten je "
        "Plan, anonym, Sprache, Koordination).",
        tags=("coordinator",),
    ),
    DeploymentSpec(
        name="withdraw-plan",
        flow_name="withdraw_plan",
        description="Take a plan out of the round: its open reviews are withdrawn, the "
        "reviewers told. / Einen Plan aus der Runde nehmen: offene Gutachten werden "
        "zurückgezogen, die Gutachter:innen benachrichtigt.",
        tags=("coordinator",),
    ),
    DeploymentSpec(
        name="take-in-plan",
        flow_name="take_in_plan",
        description="Take a withdrawn or late plan (back) into the round; the next round run "
        "assigns it. / Einen zurückgezogenen oder verspäteten Plan (wieder) aufnehmen; der "
        "nächste Rundenlauf teilt ihn zu.",
        tags=("coordinator",),
    ),
    DeploymentSpec(
        name="plan-meetings",
        flow_name="plan_meetings",
        description="Plan the round's exchange meetings: hosts, agendas, meeting packs, "
        "invitations with calendar files. / Die Austauschtreffen der Runde planen: Gastgeber, "
        "Tagesordnungen, Sitzungsunterlagen, Einladungen mit Kalenderdatei.",
        tags=("coordinator",),
    ),
)


def spec(flow_name: str) -> DeploymentSpec:
    for candidate in DEPLOYMENTS:
        if candidate.flow_name == flow_name:
            return candidate
    raise KeyError(flow_name)


def load_flow(spec_: DeploymentSpec) -> Flow | None:
    """The flow object, or None when its module does not exist (any other import error is a bug
    and propagates)."""
    try:
        module = importlib.import_module(spec_.module)
    except ModuleNotFoundError as exc:
        if exc.name == spec_.module:
            return None
        raise
    return getattr(module, spec_.flow_name)


def load_flows(*, allow_missing: bool = False) -> list[tuple[DeploymentSpec, Flow]]:
    """Every registered flow; raise FlowMissing naming the absent ones unless `allow_missing`."""
    found: list[tuple[DeploymentSpec, Flow]] = []
    missing: list[str] = []
    for spec_ in DEPLOYMENTS:
        flow = load_flow(spec_)
        if flow is None:
            missing.append(spec_.module)
        else:
            found.append((spec_, flow))
    if missing and not allow_missing:
        raise FlowMissing(
            f"flow module{'' if len(missing) == 1 else 's'} missing from this installation: "
            f"{', '.join(missing)} "
            f"(registered in flows/deployments.py)"
        )
    return found


def runner_deployments(*, allow_missing: bool = False) -> list[RunnerDeployment]:
    """The registry as Prefect deployments for `prefect.serve` (no work pool: served in-process)."""
    from prefect.deployments.runner import (  # noqa: PLC0415 (Prefect is imported only when deployments are built: it costs seconds)
        RunnerDeployment,
    )
    from prefect.events.schemas.deployment_triggers import (  # noqa: PLC0415 (as above)
        DeploymentEventTrigger,
    )

    deployments = []
    for spec_, flow in load_flows(allow_missing=allow_missing):
        deployment = flow.to_deployment(
            name=spec_.name,
            description=spec_.description,
            cron=spec_.cron,
            parameters=spec_.parameters or None,
            tags=spec_.all_tags,
            triggers=[DeploymentEventTrigger(**trigger) for trigger in spec_.triggers] or None,
        )
        # Prefect hands back a coroutine when called inside an event loop; this runs outside one.
        if not isinstance(deployment, RunnerDeployment):
            deployment.close()
            raise RuntimeError("runner_deployments() must not be called inside an event loop")
        deployments.append(deployment)
    return deployments


def serve_deployments(
    deployments: list[RunnerDeployment] | None = None, *, limit: int | None = None
) -> None:
    """Register the deployments (default: every one in the registry) and run their flow runs in
    subprocesses of this process until interrupted (Ctrl-C or SIGTERM). Blocks."""
    from prefect import serve  # noqa: PLC0415 (Prefect is imported only when serving)

    serve(*(deployments if deployments is not None else runner_deployments()), limit=limit)


def prefect_yaml() -> str:
    """The text of `prefect.yaml`: the same deployments on the `peerplan` process work pool."""
    deployments = []
    for spec_ in DEPLOYMENTS:
        entry: dict[str, Any] = {
            "name": spec_.name,
            "description": spec_.description,
            "entrypoint": spec_.entrypoint,
            "tags": spec_.all_tags,
            "parameters": dict(spec_.parameters),
            "work_pool": {"name": WORK_POOL, "work_queue_name": "default"},
            "schedules": [{"cron": spec_.cron, "timezone": "UTC"}] if spec_.cron else [],
        }
        if spec_.triggers:
            entry["triggers"] = [dict(trigger) for trigger in spec_.triggers]
        deployments.append(entry)
    header = (
        "# Generated from flows/deployments.py by\n"
        "# `python -m flows.deployments --write-prefect-yaml`: edit the registry there, not this\n"
        "# file. A test checks that both agree.\n"
        "#\n"
        "# Production: `prefect deploy --all` from this directory registers every deployment on\n"
        "# the process work pool 'peerplan'; `prefect worker start --pool peerplan` (as many\n"
        "# as you like, on machines with this directory at the same path) runs them. Without a\n"
        "# pull section Prefect makes the workers change into the directory `prefect deploy` ran\n"
        "# in.\n"
        "# See the section 'Production' in README.md.\n"
    )
    body = {
        "name": "peerplan",
        "prefect-version": ">=3.4",
        "build": None,
        "push": None,
        "deployments": deployments,
    }
    return header + yaml.safe_dump(body, sort_keys=False, allow_unicode=True, width=100)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--write-prefect-yaml",
        action="store_true",
        help=f"write {PROJECT_ROOT / 'prefect.yaml'} from the registry",
    )
    args = parser.parse_args(argv)
    if args.write_prefect_yaml:
        (PROJECT_ROOT / "prefect.yaml").write_text(prefect_yaml(), encoding="utf-8")
    else:
        for spec_ in DEPLOYMENTS:
            print(f"{spec_.flow_name}/{spec_.name}\t{spec_.cron or '-'}\t{spec_.entrypoint}")


if __name__ == "__main__":
    main()
