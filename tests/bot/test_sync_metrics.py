"""Sync metrics, counted by the real sync use case with the CSV connector: each run by its
connector kind and outcome, with its duration; a refused sync (no connector) is no run."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.authorization import Actor
from bot.connectors import ConnectorKind
from bot.errors import InvalidInput
from bot.integrations import register_integration
from bot.runtime import Runtime
from bot.sync import sync_integration
from storage.vocabulary import Layer
from tests.conftest import NOW
from tests.connectors.helpers import connected


def _sample(runtime: Runtime, name: str, **labels: str) -> float:
    return runtime.metrics.registry.get_sample_value(name, labels) or 0.0


def test_an_ok_and_a_failed_csv_sync_are_counted_with_their_durations(
    runtime: Runtime, owner: Actor, tmp_path: Path
) -> None:
    path = tmp_path / "people.csv"
    path.write_text("external_id,email,kind\na,,human\n", encoding="utf-8")
    connected(runtime, owner, "files", Layer.PLATFORM, ConnectorKind.CSV, path=str(path))
    sync_integration(runtime, actor=owner, integration_name="files")
    path.write_text("external_id,email,kind\na,,robot\n", encoding="utf-8")

    failed = sync_integration(runtime, actor=owner, integration_name="files")

    csv = {"connector": "csv"}
    assert not failed.ok
    assert _sample(runtime, "boundary_sync_runs_total", **csv, outcome="ok") == 1
    assert _sample(runtime, "boundary_sync_runs_total", **csv, outcome="failed") == 1
    assert _sample(runtime, "boundary_sync_duration_seconds_count", **csv, outcome="ok") == 1
    assert _sample(runtime, "boundary_sync_duration_seconds_count", **csv, outcome="failed") == 1
    assert _sample(runtime, "boundary_sync_duration_seconds_sum", **csv, outcome="ok") > 0


def test_a_sync_refused_for_want_of_a_connector_counts_no_run(
    runtime: Runtime, owner: Actor
) -> None:
    with runtime.unit_of_work() as session:
        register_integration(session, actor=owner, name="bare", layer=Layer.PLATFORM, now=NOW)

    with pytest.raises(InvalidInput):
        sync_integration(runtime, actor=owner, integration_name="bare")

    samples = runtime.metrics.registry.collect()
    runs = [s for family in samples if family.name == "boundary_sync_runs" for s in family.samples]
    assert runs == []
