"""Runaway and oversized sources against loopback stand-ins: a SCIM server that sends page 1
forever, cursor APIs (OpenAI's `after`, the Claude Admin API's `after_id`) that repeat their
cursor, one that never stops saying "more", and a page too large to hold are each stopped early;
the sync fails and nobody is marked inactive."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import count
from typing import Any

import pytest

from bot.authorization import Actor
from bot.connectors import ConnectorKind
from bot.runtime import Runtime
from bot.sync import SyncOutcome, sync_integration
from storage.vocabulary import IdentityStatus, Layer
from tests.connectors import anthropic_server
from tests.connectors.helpers import connected, identities, no_wait_retry
from tests.connectors.servers import Reply, StandIn, cursor_pages, stand_in
from tests.connectors.test_openai import KEY, VARIABLE, openai_routes

SCIM_USER = "urn:ietf:params:scim:schemas:core:2.0:User"
LIST = "urn:ietf:params:scim:api:messages:2.0:ListResponse"


@pytest.fixture
def api(monkeypatch: pytest.MonkeyPatch) -> Iterator[StandIn]:
    monkeypatch.setenv(VARIABLE, KEY)
    with stand_in() as server:
        yield server


def _sync(runtime: Runtime, owner: Actor, name: str) -> SyncOutcome:
    return sync_integration(runtime, actor=owner, integration_name=name, retry=no_wait_retry())


def _scim_user(n: int) -> dict[str, Any]:
    return {"schemas": [SCIM_USER], "id": f"u{n}", "userName": f"user{n}", "active": True}


def _scim_page(users: list[dict[str, Any]], total: int) -> Reply:
    return Reply(
        body={
            "schemas": [LIST],
            "totalResults": total,
            "startIndex": 1,
            "itemsPerPage": len(users),
            "Resources": users,
        }
    )


def _all_active(runtime: Runtime, name: str, expected: int) -> bool:
    with runtime.unit_of_work() as session:
        found = identities(session, name)
    return len(found) == expected and all(i.status == IdentityStatus.ACTIVE for i in found.values())


def test_a_scim_server_that_sends_page_one_forever_is_stopped_and_deactivates_nobody(
    runtime: Runtime, owner: Actor, api: StandIn
) -> None:
    users = [_scim_user(n) for n in range(3)]
    api.routes["/v2/Users"] = lambda _query, _url: _scim_page(users, 3)
    connected(
        runtime, owner, "acme", Layer.APPLICATION, ConnectorKind.SCIM,
        url=api.base_url + "v2/", secret_env=VARIABLE, page_size=3,
    )  # fmt: skip
    assert _sync(runtime, owner, "acme").ok
    # Now it ignores startIndex, claims a billion users, and sends the same two forever.
    api.routes["/v2/Users"] = lambda _query, _url: _scim_page(users[:2], 10**9)
    api.requests.clear()

    outcome = _sync(runtime, owner, "acme")

    assert not outcome.ok
    assert "adds nothing" in (outcome.error or "")
    assert len([path for path, _ in api.requests if path == "/v2/Users"]) <= 3
    assert _all_active(runtime, "acme", 3)


def test_a_cursor_api_that_repeats_its_cursor_is_stopped(
    runtime: Runtime, owner: Actor, api: StandIn
) -> None:
    openai_routes(api, users=3)
    connected(
        runtime, owner, "openai", Layer.PLATFORM, ConnectorKind.OPENAI,
        url=api.base_url + "v1/", secret_env=VARIABLE,
    )  # fmt: skip
    assert _sync(runtime, owner, "openai").ok
    before = len(_identities(runtime, "openai"))
    pages = count()

    def looping(_query: dict[str, list[str]], _url: str) -> Reply:
        n = next(pages)  # fresh users each time, but always the same cursor
        data = [{"object": "organization.user", "id": f"user-x{n}", "email": f"x{n}@corp.com"}]
        return Reply(body={"object": "list", "data": data, "last_id": "same", "has_more": True})

    api.routes["/v1/organization/users"] = looping

    outcome = _sync(runtime, owner, "openai")

    assert not outcome.ok
    assert "repeated a cursor" in (outcome.error or "")
    assert next(pages) <= 3
    assert _all_active(runtime, "openai", before)


def test_an_anthropic_list_that_repeats_its_last_id_is_stopped(
    runtime: Runtime, owner: Actor, api: StandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(anthropic_server.VARIABLE, anthropic_server.KEY)
    anthropic_server.anthropic_routes(api)
    connected(
        runtime, owner, "claude", Layer.PLATFORM, ConnectorKind.ANTHROPIC,
        url=api.base_url + "v1/", secret_env=anthropic_server.VARIABLE,
    )  # fmt: skip
    assert _sync(runtime, owner, "claude").ok
    before = {key: i.status for key, i in _identities(runtime, "claude").items()}
    pages = count()

    def looping(_query: dict[str, list[str]], _url: str) -> Reply:
        n = next(pages)  # a fresh key each time, but always the same last_id
        data = [anthropic_server.api_key(f"loop{n}", "active", "user_01", None)]
        return Reply(body={"data": data, "has_more": True, "first_id": "x", "last_id": "x"})

    api.routes["/v1/organizations/api_keys"] = looping

    outcome = _sync(runtime, owner, "claude")

    assert not outcome.ok
    assert "repeated a cursor" in (outcome.error or "")
    assert next(pages) <= 3
    assert {key: i.status for key, i in _identities(runtime, "claude").items()} == before


def _identities(runtime: Runtime, name: str) -> dict[str, Any]:
    with runtime.unit_of_work() as session:
        return identities(session, name)


def test_a_source_that_never_stops_saying_more_is_stopped_at_the_page_limit(
    runtime: Runtime, owner: Actor, api: StandIn
) -> None:
    runtime.settings = runtime.settings.model_copy(update={"sync_max_pages": 5})
    people = [
        {"object": "organization.user", "id": f"user-{n:03d}", "email": f"d{n}@corp.com"}
        for n in range(100)
    ]
    openai_routes(api, users=0)
    api.routes["/v1/organization/users"] = cursor_pages(people, 2, "openai")
    connected(
        runtime, owner, "openai", Layer.PLATFORM, ConnectorKind.OPENAI,
        url=api.base_url + "v1/", secret_env=VARIABLE,
    )  # fmt: skip

    outcome = _sync(runtime, owner, "openai")

    assert not outcome.ok
    assert "after 5 pages" in (outcome.error or "")
    assert "BOUNDARY_SYNC_MAX_PAGES" in (outcome.error or "")
    assert _identities(runtime, "openai") == {}  # all or nothing


def test_a_page_over_the_size_limit_is_refused_before_it_is_read_whole(
    runtime: Runtime, owner: Actor, api: StandIn
) -> None:
    runtime.settings = runtime.settings.model_copy(update={"sync_max_response_mb": 1})
    users = [_scim_user(n) | {"displayName": "x" * 2000} for n in range(1000)]  # about 2 MB
    api.routes["/v2/Users"] = lambda _query, _url: _scim_page(users, len(users))
    connected(
        runtime, owner, "acme", Layer.APPLICATION, ConnectorKind.SCIM,
        url=api.base_url + "v2/", secret_env=VARIABLE, page_size=1000,
    )  # fmt: skip

    outcome = _sync(runtime, owner, "acme")

    assert not outcome.ok
    assert "over 1 MiB" in (outcome.error or "")
