"""Small helpers shared by the connector tests: register, connect, read back."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from bot.authorization import Actor
from bot.connectors import ConnectorKind
from bot.connectors.http import RetryPolicy
from bot.integrations import register_integration
from bot.runtime import Runtime
from bot.sync import connect_integration
from storage.models import Identity, Integration, SyncRun
from storage.vocabulary import Layer
from tests.conftest import NOW


class Sleeps(list[float]):
    """Records the waits a connector asked for, instead of sleeping on real time."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def no_wait_retry(sleeps: Sleeps | None = None) -> RetryPolicy:
    return RetryPolicy(
        attempts=3, backoff=0.5, max_wait=30, sleep=sleeps if sleeps is not None else Sleeps()
    )


def connected(
    runtime: Runtime,
    owner: Actor,
    name: str,
    layer: Layer,
    kind: ConnectorKind,
    **settings: Any,
) -> None:
    with runtime.unit_of_work() as session:
        register_integration(session, actor=owner, name=name, layer=layer, now=NOW)
        connect_integration(
            session, actor=owner, integration_name=name, kind=kind, settings=settings, now=NOW
        )


def identities(session: Session, name: str) -> dict[str, Identity]:
    integration = session.exec(select(Integration).where(Integration.name == name)).one()
    rows = session.exec(select(Identity).where(col(Identity.integration_id) == integration.id))
    return {row.external_id: row for row in rows}


def integration(session: Session, name: str) -> Integration:
    return session.exec(select(Integration).where(Integration.name == name)).one()


def runs(session: Session, name: str) -> list[SyncRun]:
    found = integration(session, name)
    return list(
        session.exec(
            select(SyncRun).where(col(SyncRun.integration_id) == found.id).order_by(col(SyncRun.id))
        )
    )
