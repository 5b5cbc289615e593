"""SCIM 2.0 against a real scim2-server on loopback: paging, inactive users, a rejected token."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from bot.authorization import Actor
from bot.connectors import ConnectorKind
from bot.gaps import compute_gaps
from bot.runtime import Runtime
from bot.sync import SyncOutcome, sync_integration
from storage.vocabulary import GapKind, IdentityStatus, Layer, ScimStatus, SyncState
from tests.conftest import NOW
from tests.connectors.helpers import connected, identities, integration, no_wait_retry, runs
from tests.connectors.servers import ScimServer, scim_server

TOKEN = "scim-test-token"
VARIABLE = "BOUNDARY_TEST_SCIM_TOKEN"
USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"


@pytest.fixture
def scim(monkeypatch: pytest.MonkeyPatch) -> Iterator[ScimServer]:
    monkeypatch.setenv(VARIABLE, TOKEN)
    with scim_server(TOKEN) as server:
        yield server


def add_users(server: ScimServer, count: int, inactive: set[int] = frozenset()) -> list[str]:
    ids = []
    with httpx.Client(
        base_url=server.base_url, headers={"Authorization": f"Bearer {TOKEN}"}
    ) as client:
        for n in range(count):
            response = client.post(
                "Users",
                json={
                    "schemas": [USER_SCHEMA],
                    "userName": f"user{n}",
                    "displayName": f"User {n}",
                    "active": n not in inactive,
                    "emails": [{"value": f"user{n}@acme.com", "primary": True}],
                },
            )
            response.raise_for_status()
            ids.append(response.json()["id"])
    return ids


def sync(runtime: Runtime, owner: Actor, **kwargs: object) -> SyncOutcome:
    return sync_integration(
        runtime, actor=owner, integration_name="acme-tenant", retry=no_wait_retry(), **kwargs
    )


def connect(runtime: Runtime, owner: Actor, server: ScimServer, **settings: object) -> None:
    connected(
        runtime,
        owner,
        "acme-tenant",
        Layer.APPLICATION,
        ConnectorKind.SCIM,
        url=server.base_url,
        secret_env=VARIABLE,
        **settings,
    )


def test_scim_sync_pages_through_every_user_and_keeps_inactive_ones_inactive(
    runtime: Runtime, owner: Actor, scim: ScimServer
) -> None:
    add_users(scim, 7, inactive={2, 5})
    connect(runtime, owner, scim, page_size=3)

    outcome = sync(runtime, owner)

    with runtime.unit_of_work() as session:
        found = identities(session, "acme-tenant")
        assert outcome.ok
        assert (outcome.seen, outcome.created) == (7, 7)
        assert sorted(i.email or "" for i in found.values() if i.status == "inactive") == [
            "user2@acme.com",
            "user5@acme.com",
        ]
        assert integration(session, "acme-tenant").scim == ScimStatus.ENABLED
        assert [r.state for r in runs(session, "acme-tenant")] == [SyncState.OK]


def test_scim_user_gone_from_the_directory_becomes_inactive_not_deleted(
    runtime: Runtime, owner: Actor, scim: ScimServer
) -> None:
    ids = add_users(scim, 3)
    connect(runtime, owner, scim)
    sync(runtime, owner)
    httpx.delete(f"{scim.base_url}Users/{ids[0]}", headers={"Authorization": f"Bearer {TOKEN}"})

    outcome = sync(runtime, owner)

    with runtime.unit_of_work() as session:
        found = identities(session, "acme-tenant")
    assert (outcome.deactivated, len(found)) == (1, 3)
    assert found[ids[0]].status == IdentityStatus.INACTIVE


def test_scim_token_the_server_rejects_fails_the_run_keeps_data_and_tells_owner_once(
    runtime: Runtime, owner: Actor, scim: ScimServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_users(scim, 4)
    connect(runtime, owner, scim, page_size=2)
    sync(runtime, owner)
    monkeypatch.setenv(VARIABLE, "a-revoked-token")
    told: list[tuple[str, str]] = []

    first = sync(runtime, owner, notify=lambda who, text: told.append((who, text)))
    second = sync(runtime, owner, notify=lambda who, text: told.append((who, text)))

    with runtime.unit_of_work() as session:
        found = identities(session, "acme-tenant")
        states = [r.state for r in runs(session, "acme-tenant")]
    assert not first.ok
    assert "HTTP 401" in (first.error or "")
    assert not second.ok
    assert "a-revoked-token" not in (first.error or "")
    assert len(found) == 4
    assert all(i.status == IdentityStatus.ACTIVE for i in found.values())
    assert states == [SyncState.OK, SyncState.FAILED, SyncState.FAILED]
    assert [who for who, _ in told] == [owner.user_id]


def test_platform_directory_scim_is_platform_only_for_an_application_integration(
    runtime: Runtime, owner: Actor, scim: ScimServer
) -> None:
    add_users(scim, 1)
    connect(runtime, owner, scim, directory="platform")

    sync(runtime, owner)

    with runtime.unit_of_work() as session:
        assert integration(session, "acme-tenant").scim == ScimStatus.PLATFORM_ONLY
        gaps = compute_gaps(session, review_days=90, integration="acme-tenant", now=NOW)
    assert GapKind.SCIM in {gap.kind for gap in gaps}


def test_an_unreachable_scim_source_fails_the_run_naming_its_full_url(
    runtime: Runtime, owner: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(VARIABLE, TOKEN)
    connected(
        runtime,
        owner,
        "acme-tenant",
        Layer.APPLICATION,
        ConnectorKind.SCIM,
        url="http://127.0.0.1:1/scim/v2",  # nothing listens on port 1: refused at once
        secret_env=VARIABLE,
    )

    outcome = sync(runtime, owner)

    assert not outcome.ok
    assert "could not reach the source at http://127.0.0.1:1/scim/v2/Users" in (outcome.error or "")
