"""The sync use case with the CSV connector: rules on every sync, sync_all, connect checks."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from bot.authorization import Actor
from bot.clock import ManualClock
from bot.connectors import ConnectorKind
from bot.errors import InvalidInput, NotAllowed
from bot.integrations import register_integration
from bot.rules import add_rule
from bot.runtime import Runtime
from bot.sync import connect_integration, sync_all, sync_integration
from bot.sync.runs import INTERRUPTED
from storage.models import SyncRun
from storage.vocabulary import Answer, IdentityStatus, Layer, SyncState
from tests.conftest import NOW
from tests.connectors.helpers import connected, identities, integration, runs

HEADER = "external_id,email,kind\n"


def _csv(tmp_path: Path, rows: str) -> Path:
    path = tmp_path / "people.csv"
    path.write_text(HEADER + rows, encoding="utf-8")
    return path


def test_lane_rules_declare_new_identities_on_every_sync(
    runtime: Runtime, owner: Actor, tmp_path: Path
) -> None:
    path = _csv(tmp_path, "a,a@acme.com,human\n")
    connected(runtime, owner, "acme-tenant", Layer.APPLICATION, ConnectorKind.CSV, path=str(path))
    with runtime.unit_of_work() as session:
        add_rule(
            session,
            actor=owner,
            integration_name="acme-tenant",
            rule="domain:acme.com",
            answer=Answer.CUSTOMER,
            now=NOW,
        )
    _csv(tmp_path, "a,a@acme.com,human\nb,b@acme.com,human\nc,c@other.com,human\n")

    outcome = sync_integration(runtime, actor=owner, integration_name="acme-tenant")

    with runtime.unit_of_work() as session:
        found = identities(session, "acme-tenant")
    assert outcome.declared_by_rules == 2
    assert found["c"].current_declaration_id is None
    assert found["b"].current_declaration_id is not None


def test_sync_all_syncs_every_connected_integration_and_deactivates_dropped_rows(
    runtime: Runtime, owner: Actor, tmp_path: Path
) -> None:
    path = _csv(tmp_path, "a,,human\nb,,human\n")
    connected(runtime, owner, "files", Layer.PLATFORM, ConnectorKind.CSV, path=str(path))
    with runtime.unit_of_work() as session:
        register_integration(
            session, actor=owner, name="unconnected", layer=Layer.PLATFORM, now=NOW
        )
    sync_all(runtime)
    _csv(tmp_path, "a,,human\n")

    outcomes = sync_all(runtime)  # same clock instant: the run still sees "b" is gone

    with runtime.unit_of_work() as session:
        found = identities(session, "files")
    assert [(o.integration, o.ok, o.deactivated) for o in outcomes] == [("files", True, 1)]
    assert found["b"].status == IdentityStatus.INACTIVE


def test_bad_csv_fails_the_sync_and_keeps_what_was_there(
    runtime: Runtime, owner: Actor, tmp_path: Path
) -> None:
    path = _csv(tmp_path, "a,,human\n")
    connected(runtime, owner, "files", Layer.PLATFORM, ConnectorKind.CSV, path=str(path))
    sync_integration(runtime, actor=owner, integration_name="files")
    _csv(tmp_path, "a,,robot\n")

    outcome = sync_integration(runtime, actor=owner, integration_name="files")

    with runtime.unit_of_work() as session:
        found = identities(session, "files")
    assert not outcome.ok
    assert "robot" in (outcome.error or "")
    assert found["a"].status == IdentityStatus.ACTIVE


def test_connect_refuses_a_secret_in_place_of_a_variable_name(
    runtime: Runtime, owner: Actor
) -> None:
    with runtime.unit_of_work() as session:
        register_integration(session, actor=owner, name="dir", layer=Layer.APPLICATION, now=NOW)
        with pytest.raises(InvalidInput, match="names an environment variable"):
            connect_integration(
                session,
                actor=owner,
                integration_name="dir",
                kind=ConnectorKind.SCIM,
                settings={"url": "https://scim.example.com/v2", "secret_env": "sk-live-abc123"},
                now=NOW,
            )
    with runtime.unit_of_work() as session:
        assert integration(session, "dir").connector_kind is None


def test_stranger_cannot_connect_or_sync(
    runtime: Runtime, owner: Actor, stranger: Actor, tmp_path: Path
) -> None:
    connected(
        runtime,
        owner,
        "files",
        Layer.PLATFORM,
        ConnectorKind.CSV,
        path=str(_csv(tmp_path, "a,,human\n")),
    )

    with pytest.raises(NotAllowed):
        sync_integration(runtime, actor=stranger, integration_name="files")
    with runtime.unit_of_work() as session, pytest.raises(NotAllowed):
        connect_integration(
            session,
            actor=stranger,
            integration_name="files",
            kind=ConnectorKind.CSV,
            settings={"path": "/etc/passwd"},
            now=NOW,
        )


def test_a_run_left_running_by_a_dead_process_is_closed_as_failed_by_the_next_sync(
    runtime: Runtime, owner: Actor, tmp_path: Path, clock: ManualClock
) -> None:
    path = _csv(tmp_path, "a,,human\n")
    connected(runtime, owner, "files", Layer.PLATFORM, ConnectorKind.CSV, path=str(path))
    with runtime.unit_of_work() as session:
        files = integration(session, "files")
        # What a process killed mid-sync leaves behind: a run that never finished.
        session.add(SyncRun(integration_id=files.id or 0, connector_kind="csv", started_at=NOW))
    clock.set(NOW + timedelta(hours=7))

    assert sync_integration(runtime, actor=owner, integration_name="files").ok

    with runtime.unit_of_work() as session:
        states = [(r.state, r.error) for r in runs(session, "files")]
    assert states == [(SyncState.FAILED, INTERRUPTED), (SyncState.OK, None)]
