"""The deployment registry: prefect.yaml agrees with it, every flow it names exists and takes
pydantic parameters that the Prefect UI renders as a form."""

from __future__ import annotations

import pytest
import yaml

from flows.deployments import DEPLOYMENTS, PROJECT_ROOT, WORK_POOL, load_flow, prefect_yaml
from tests.prod.schemas import form_fields

FLOWS = [d.flow_name for d in DEPLOYMENTS]


def test_prefect_yaml_is_generated_from_the_registry():
    committed = (PROJECT_ROOT / "prefect.yaml").read_text(encoding="utf-8")
    assert committed == prefect_yaml(), (
        "prefect.yaml differs from flows/deployments.py: "
        "run `python -m flows.deployments --write-prefect-yaml`"
    )
    config = yaml.safe_load(committed)
    names = [d["name"] for d in config["deployments"]]
    assert len(names) == len(set(names)) == len(DEPLOYMENTS)
    assert {d["work_pool"]["name"] for d in config["deployments"]} == {WORK_POOL}
    for entry in config["deployments"]:
        assert (PROJECT_ROOT / entry["entrypoint"].split(":")[0]).is_file(), entry["entrypoint"]


def test_escalation_runs_every_hour_and_nothing_else_runs_by_itself():
    scheduled = {d.flow_name: d.cron for d in DEPLOYMENTS if d.cron}
    assert scheduled == {"escalate_deadlines": "0 * * * *"}


@pytest.mark.parametrize("flow_name", FLOWS)
def test_flow_exists_and_its_parameters_render_as_a_form(flow_name):
    spec = next(d for d in DEPLOYMENTS if d.flow_name == flow_name)
    flow = load_flow(spec)
    assert flow is not None, f"{spec.module} is registered in flows/deployments.py but missing"
    assert flow.name == flow_name
    schema = flow.parameters.model_dump(mode="json", by_alias=True)
    # Every parameter typed (a form input, not a raw JSON box); pydantic models as nested forms.
    models = form_fields(schema)
    for parameter, fields in models.items():
        assert fields, f"{flow_name}({parameter}) has a model without fields"
    required = set(schema.get("required") or [])
    if spec.cron:  # a scheduled run gets only the registry's default parameters
        assert required <= set(spec.parameters), f"scheduled {flow_name} needs {required}"
