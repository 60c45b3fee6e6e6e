"""Thin Prefect flows over `review/`, one per file; `flows.deployments` lists the ones
coordinators run."""
