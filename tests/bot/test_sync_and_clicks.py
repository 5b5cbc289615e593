"""A sync waiting on a slow source holds no write transaction: while the source has not
answered, a declaration on another integration commits (on SQLite, the database's write lock
is free); the sync then writes everything it read in one unit of work."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest

from bot.authorization import Actor
from bot.connectors import ConnectorKind
from bot.declarations import declare
from bot.identities import add_identity
from bot.integrations import register_integration
from bot.runtime import Runtime
from bot.sync import SyncOutcome, sync_integration
from storage.vocabulary import Answer, Layer
from tests.conftest import NOW
from tests.connectors.helpers import connected, identities, no_wait_retry
from tests.connectors.servers import Reply, StandIn, stand_in

VARIABLE = "BOUNDARY_TEST_SLOW_SCIM_TOKEN"
USER = "urn:ietf:params:scim:schemas:core:2.0:User"
LIST = "urn:ietf:params:scim:api:messages:2.0:ListResponse"


@pytest.fixture
def slow_scim(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[StandIn, threading.Event]]:
    """Two pages of one user; the second waits until the test lets it go."""
    monkeypatch.setenv(VARIABLE, "token")
    release = threading.Event()
    with stand_in() as server:

        def users(query: dict[str, list[str]], _url: str) -> Reply:
            start = int(query.get("startIndex", ["1"])[0])
            if start > 1:
                release.wait(timeout=30)
            user = {"schemas": [USER], "id": f"u{start}", "userName": f"user{start}"}
            return Reply(body={"schemas": [LIST], "totalResults": 2, "Resources": [user]})

        server.routes["/v2/Users"] = users
        yield server, release
        release.set()


def test_a_click_during_a_slow_sync_commits_while_the_source_is_still_answering(
    runtime: Runtime, owner: Actor, slow_scim: tuple[StandIn, threading.Event]
) -> None:
    server, release = slow_scim
    connected(
        runtime, owner, "acme", Layer.APPLICATION, ConnectorKind.SCIM,
        url=server.base_url + "v2/", secret_env=VARIABLE, page_size=1,
    )  # fmt: skip
    with runtime.unit_of_work() as session:
        register_integration(session, actor=owner, name="other", layer=Layer.PLATFORM, now=NOW)
        identity_id = add_identity(
            session, actor=owner, integration_name="other", id_or_email="dev@corp.com", now=NOW
        ).id
    outcome: list[SyncOutcome] = []
    syncing = threading.Thread(
        target=lambda: outcome.append(
            sync_integration(runtime, actor=owner, integration_name="acme", retry=no_wait_retry())
        )
    )
    syncing.start()
    while not any(path == "/v2/Users" for path, _ in server.requests):
        threading.Event().wait(0.01)  # the sync is now reading the source

    clicked: list[Any] = []

    def click() -> None:
        with runtime.unit_of_work() as session:
            clicked.append(
                declare(
                    session,
                    actor=owner,
                    identity_id=identity_id or 0,
                    answer=Answer.WORKFORCE,
                    now=NOW,
                )
            )

    clicking = threading.Thread(target=click)
    clicking.start()
    clicking.join(timeout=10)
    committed_during_sync = not clicking.is_alive() and bool(clicked)
    release.set()
    clicking.join(timeout=60)
    syncing.join(timeout=60)

    assert committed_during_sync
    assert [o.ok for o in outcome] == [True]
    with runtime.unit_of_work() as session:
        assert sorted(identities(session, "acme")) == ["u1", "u2"]
