"""Each sync run ends with an entry of the audit chain: its counts when it succeeds, its error
when it fails; the chain verifies after either."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from sqlmodel import col, select

from bot.authorization import Actor
from bot.connectors import ConnectorKind
from bot.runtime import Runtime
from bot.sync import sync_integration
from storage.chain_check import verify_chain
from storage.models import AuditEvent, SyncRun
from storage.vocabulary import Layer
from tests.connectors.helpers import connected


def _sync_events(runtime: Runtime) -> list[AuditEvent]:
    with runtime.unit_of_work() as session:
        return list(
            session.exec(
                select(AuditEvent)
                .where(col(AuditEvent.action).startswith("sync."))
                .order_by(col(AuditEvent.seq))
            )
        )


def test_a_finished_sync_run_is_chained_with_its_counts(
    runtime: Runtime, owner: Actor, tmp_path: Path
) -> None:
    path = tmp_path / "people.csv"
    path.write_text("external_id,email,kind\na,,human\nb,,api_key\n", encoding="utf-8")
    connected(runtime, owner, "files", Layer.PLATFORM, ConnectorKind.CSV, path=str(path))

    sync_integration(runtime, actor=owner, integration_name="files")

    [event] = _sync_events(runtime)
    with runtime.unit_of_work() as session:
        [run] = session.exec(select(SyncRun)).all()
        check = verify_chain(session)
        last_seq = session.execute(sa.text("SELECT max(seq) FROM declaration")).scalar()
    assert (event.action, event.actor, event.at) == ("sync.finished", "sync:csv", run.finished_at)
    assert event.detail == {
        "run_id": run.id,
        "connector": "csv",
        "started_at": run.started_at.isoformat(),
        "seen": 2,
        "created": 2,
        "updated": 0,
        "deactivated": 0,
        "declared": 0,
    }
    assert check.ok
    assert last_seq is None or event.seq > last_seq


def test_a_failed_sync_run_is_chained_with_its_error(
    runtime: Runtime, owner: Actor, tmp_path: Path
) -> None:
    missing = tmp_path / "gone.csv"
    connected(runtime, owner, "files", Layer.PLATFORM, ConnectorKind.CSV, path=str(missing))

    outcome = sync_integration(runtime, actor=owner, integration_name="files")

    [event] = _sync_events(runtime)
    assert not outcome.ok
    assert event.action == "sync.failed"
    assert event.detail["error"] == outcome.error
    with runtime.unit_of_work() as session:
        assert verify_chain(session).ok
