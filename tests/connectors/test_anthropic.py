"""The Claude platform Admin API connector against a loopback stand-in with the documented
shapes, synced through the real use case into SQLite and PostgreSQL: users, pending invites,
workspace members and API keys become identities; faults fail the sync and lose nothing."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from bot.authorization import Actor
from bot.connectors import ConnectorKind, check_settings
from bot.runtime import Runtime
from bot.sync import SyncOutcome, sync_integration
from storage.models import Identity
from storage.vocabulary import IdentityKind, IdentityStatus, Layer, ScimStatus, Source, SsoStatus
from tests.connectors.anthropic_server import (
    KEY,
    RESEARCH,
    SUPPORT,
    VARIABLE,
    anthropic_routes,
    api_key,
    pages,
)
from tests.connectors.anthropic_server import KEYS as LISTED
from tests.connectors.helpers import Sleeps, connected, identities, integration, no_wait_retry
from tests.connectors.servers import Reply, StandIn, stand_in

NAME = "claude-platform"
USERS = [f"user_0{n}" for n in range(1, 6)]
MEMBERS = [f"{SUPPORT}/user_01", f"{SUPPORT}/user_02", f"{RESEARCH}/user_03"]
KEYS = [f"apikey_{k}" for k in ("prod", "ci", "paused", "retired", "lapsed", "orphan", "scoped")]


@pytest.fixture
def api(monkeypatch: pytest.MonkeyPatch) -> Iterator[StandIn]:
    monkeypatch.setenv(VARIABLE, KEY)
    with stand_in() as server:
        anthropic_routes(server)
        yield server


@pytest.fixture
def platform(runtime: Runtime, owner: Actor, api: StandIn) -> None:
    connected(
        runtime,
        owner,
        NAME,
        Layer.PLATFORM,
        ConnectorKind.ANTHROPIC,
        url=api.base_url + "v1/",
        secret_env=VARIABLE,
    )


def sync(runtime: Runtime, owner: Actor, sleeps: Sleeps | None = None) -> SyncOutcome:
    return sync_integration(
        runtime, actor=owner, integration_name=NAME, retry=no_wait_retry(sleeps)
    )


def stored(runtime: Runtime) -> dict[str, Identity]:
    with runtime.unit_of_work() as session:
        return identities(session, NAME)


def test_anthropic_settings_default_to_the_public_api_and_anthropic_admin_key() -> None:
    assert check_settings(ConnectorKind.ANTHROPIC, {}) == {
        "url": "https://api.anthropic.com/v1/",
        "secret_env": "ANTHROPIC_ADMIN_KEY",
    }


@pytest.mark.usefixtures("platform")
def test_anthropic_sync_reads_users_invites_members_and_keys_over_several_pages(
    runtime: Runtime, owner: Actor, api: StandIn
) -> None:
    outcome = sync(runtime, owner)

    found = stored(runtime)
    assert outcome.ok, outcome.error
    assert sorted(found) == sorted([*USERS, "invite_new", *MEMBERS, *KEYS])
    assert {found[u].source for u in found} == {Source.ANTHROPIC}
    dev1 = found["user_01"]
    assert (dev1.kind, dev1.email, dev1.role, dev1.display_name) == (
        IdentityKind.HUMAN,
        "dev1@corp.com",
        "admin",
        "Dev 1",
    )
    assert found["user_05"].role == "claude_code_user"
    assert (found["invite_new"].email, found["invite_new"].role) == ("new@corp.com", "developer")
    paths = [path for path, _ in api.requests]
    assert paths.count("/v1/organizations/users") == 3  # 5 users, 2 a page
    assert paths.count("/v1/organizations/api_keys") == 4  # 7 keys, 2 a page


@pytest.mark.usefixtures("platform")
def test_anthropic_workspace_members_are_identities_scoped_to_their_workspace(
    runtime: Runtime, owner: Actor, api: StandIn
) -> None:
    sync(runtime, owner)

    found = stored(runtime)
    admin = found[f"{SUPPORT}/user_01"]
    assert (admin.kind, admin.email, admin.role, admin.display_name) == (
        IdentityKind.HUMAN,
        "dev1@corp.com",
        "Support bot: workspace_admin",
        "Dev 1 (Support bot)",
    )
    assert found[f"{RESEARCH}/user_03"].role == "Research: workspace_user"
    # The archived workspace's members are never asked for.
    assert not any("wrkspc_01Old" in path for path, _ in api.requests)


@pytest.mark.usefixtures("platform")
def test_anthropic_api_keys_are_non_human_with_their_creator_and_workspace(
    runtime: Runtime, owner: Actor
) -> None:
    sync(runtime, owner)

    found = stored(runtime)
    prod = found["apikey_prod"]
    assert (prod.kind, prod.owned_by, prod.role, prod.email) == (
        IdentityKind.API_KEY,
        "user_02",
        "Support bot: api key",
        None,
    )
    assert prod.display_name == "Prod sk-ant-api03-pro...AA (Support bot)"
    assert found["apikey_ci"].role == "default workspace: api key"
    assert found["apikey_scoped"].role == "Research: api key"
    assert found["apikey_retired"].role == "Old: api key"
    orphan = found["apikey_orphan"]
    assert orphan.owned_by == "user_09gone"
    assert "creator user_09gone is no longer in the org" in orphan.display_name


@pytest.mark.usefixtures("platform")
def test_anthropic_inactive_archived_and_expired_keys_are_stored_inactive(
    runtime: Runtime, owner: Actor
) -> None:
    sync(runtime, owner)

    statuses = {key: stored(runtime)[key].status for key in KEYS}
    assert statuses == {
        key: IdentityStatus.INACTIVE
        if key in ("apikey_paused", "apikey_retired", "apikey_lapsed")
        else IdentityStatus.ACTIVE
        for key in KEYS
    }


@pytest.mark.usefixtures("platform")
def test_anthropic_a_key_the_api_stops_listing_becomes_inactive(
    runtime: Runtime, owner: Actor, api: StandIn
) -> None:
    sync(runtime, owner)
    anthropic_routes(api, keys=1)

    outcome = sync(runtime, owner)

    found = stored(runtime)
    assert outcome.ok, outcome.error
    assert found["apikey_prod"].status == IdentityStatus.ACTIVE
    assert found["apikey_orphan"].status == IdentityStatus.INACTIVE


@pytest.mark.usefixtures("platform")
def test_anthropic_sends_the_admin_key_in_x_api_key_with_the_api_version(
    runtime: Runtime, owner: Actor, api: StandIn
) -> None:
    sync(runtime, owner)

    assert len(api.headers) >= 10
    assert all(h.get("x-api-key") == KEY for h in api.headers)
    assert all(h.get("anthropic-version") == "2023-06-01" for h in api.headers)
    assert not any("authorization" in h for h in api.headers)


@pytest.mark.usefixtures("platform")
def test_anthropic_says_nothing_about_sso_or_scim(runtime: Runtime, owner: Actor) -> None:
    sync(runtime, owner)

    with runtime.unit_of_work() as session:
        found = integration(session, NAME)
    assert (found.sso, found.sso_source) == (SsoStatus.UNKNOWN, None)
    assert (found.scim, found.scim_source) == (ScimStatus.UNKNOWN, None)


@pytest.mark.usefixtures("platform")
def test_anthropic_429_is_retried_after_the_time_retry_after_asks(
    runtime: Runtime, owner: Actor, api: StandIn
) -> None:
    limited = {"type": "error", "error": {"type": "rate_limit_error", "message": "slow down"}}
    api.faults["/v1/organizations/api_keys"] = [Reply(429, limited, {"retry-after": "7"})]
    sleeps = Sleeps()

    outcome = sync(runtime, owner, sleeps)

    assert outcome.ok, outcome.error
    assert sleeps == [7.0]
    assert len(stored(runtime)) == 16


def test_anthropic_401_fails_with_a_short_error_naming_the_variable_and_stores_nothing(
    runtime: Runtime, owner: Actor, api: StandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(VARIABLE, "sk-ant-admin01-revoked")
    connected(
        runtime, owner, NAME, Layer.PLATFORM, ConnectorKind.ANTHROPIC,
        url=api.base_url + "v1/", secret_env=VARIABLE,
    )  # fmt: skip

    outcome = sync(runtime, owner)

    error = outcome.error or ""
    assert not outcome.ok
    assert "HTTP 401" in error
    assert VARIABLE in error
    assert "revoked" not in error
    assert len(error) < 200
    assert stored(runtime) == {}


FAULTS = {
    "malformed-json": [Reply(raw=b'{"data": [{"type": "api_key", "id": "apikey_')],
    "unexpected-shape": [Reply(body={"data": "none", "has_more": False})],
    "500-after-retries": [Reply(500, {"type": "error", "error": {"type": "api_error"}})] * 3,
}


@pytest.mark.usefixtures("platform")
@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_anthropic_bad_page_mid_sync_fails_the_sync_and_deactivates_nobody(
    runtime: Runtime, owner: Actor, api: StandIn, fault: str
) -> None:
    sync(runtime, owner)
    anthropic_routes(api, users=2)  # three users left the organisation since...
    api.faults["/v1/organizations/api_keys"] = list(FAULTS[fault])

    outcome = sync(runtime, owner)  # ...but this sync fails after reading the users

    found = stored(runtime)
    assert not outcome.ok
    assert KEY not in (outcome.error or "")
    assert len(found) == 16
    assert {i.status for i in found.values() if not i.external_id.startswith("apikey_")} == {
        IdentityStatus.ACTIVE
    }


@pytest.mark.usefixtures("platform")
def test_anthropic_keys_carry_created_expiry_and_workspace(runtime: Runtime, owner: Actor) -> None:
    sync(runtime, owner)

    found = stored(runtime)
    prod, ci = found["apikey_prod"], found["apikey_ci"]
    added = datetime(2026, 1, 15, 9, 30, tzinfo=UTC)
    assert (prod.source_created_at, prod.expires_at, prod.container) == (
        added,
        None,  # null: the key never expires
        "Support bot",
    )
    assert (ci.expires_at, ci.container) == (
        datetime(2027, 6, 30, tzinfo=UTC),
        "default workspace",
    )
    assert found["apikey_scoped"].container == "Research"
    assert found["apikey_retired"].container == "Old"
    assert {found[key].scopes for key in KEYS} == {None}  # the Admin API lists no scopes
    assert found["user_01"].source_created_at is None  # people carry no key details


@pytest.mark.usefixtures("platform")
def test_anthropic_an_organisation_scoped_key_belongs_to_the_organisation(
    runtime: Runtime, owner: Actor, api: StandIn
) -> None:
    org_key = api_key("org", "active", "user_01", None, scope={"type": "organization"})
    api.routes["/v1/organizations/api_keys"] = pages([*LISTED, org_key], 2)

    sync(runtime, owner)

    org = stored(runtime)["apikey_org"]
    assert (org.container, org.role, org.expires_at) == (
        "organization",
        "organization: api key",
        None,
    )


@pytest.mark.usefixtures("platform")
def test_anthropic_garbage_times_become_none_and_keep_the_page(
    runtime: Runtime, owner: Actor, api: StandIn
) -> None:
    odd = [
        api_key("odd1", "active", "user_01", SUPPORT, created_at="2026-13-45T00:00:00Z"),
        api_key("odd2", "active", "user_01", SUPPORT, created_at=1711471533, expires_at="soon"),
        api_key("odd3", "active", "user_01", SUPPORT, expires_at="2027-01-01T00:00:00"),
        api_key("odd4", "active", "user_01", SUPPORT, expires_at={"at": "2027-01-01"}),
    ]
    api.routes["/v1/organizations/api_keys"] = pages(odd, 2)

    outcome = sync(runtime, owner)

    found = stored(runtime)
    assert outcome.ok, outcome.error
    assert [found[f"apikey_odd{n}"].source_created_at for n in (1, 2)] == [None, None]
    # Not RFC 3339 (text, an object, a time without its offset): read as no expiry.
    assert [found[f"apikey_odd{n}"].expires_at for n in (2, 3, 4)] == [None, None, None]
    assert found["apikey_odd4"].source_created_at == datetime(2026, 1, 15, 9, 30, tzinfo=UTC)
