"""OpenAI Administration API against a loopback stand-in with the documented response shapes."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.authorization import Actor
from bot.connectors import ConnectorKind
from bot.connectors.base import ConnectorError
from bot.gaps import compute_gaps
from bot.runtime import Runtime
from bot.sync import SyncOutcome, sync_integration
from storage.vocabulary import GapKind, IdentityKind, IdentityStatus, Layer, ScimStatus, SyncState
from tests.conftest import NOW
from tests.connectors.helpers import Sleeps, connected, identities, integration, no_wait_retry
from tests.connectors.servers import Reply, StandIn, cursor_pages, stand_in

VARIABLE = "BOUNDARY_TEST_OPENAI_ADMIN_KEY"
KEY = "sk-admin-test"
NAME = "openai-platform"
CREATED = 1711471533
EXPIRES = 1798761600  # 2027-01-01


def _user(n: int, scim: bool | None = None) -> dict[str, Any]:
    user: dict[str, Any] = {
        "object": "organization.user",
        "id": f"user-{n:03d}",
        "name": f"Dev {n}",
        "email": f"dev{n}@corp.com",
        "role": "owner" if n == 0 else "reader",
        "added_at": 1711471533,
    }
    if scim is not None:
        user["is_scim_managed"] = scim
    return user


def openai_routes(api: StandIn, *, users: int = 5, scim: bool | None = True) -> None:
    people = [_user(n, scim) for n in range(users)]
    project = {
        "id": "proj_abc",
        "object": "organization.project",
        "name": "Support bot",
        "created_at": 1711471533,
        "archived_at": None,
        "status": "active",
    }
    archived = {**project, "id": "proj_old", "name": "Old", "status": "archived"}
    api.routes.update(
        {
            "/v1/organization/users": cursor_pages(people, 2, "openai"),
            "/v1/organization/invites": cursor_pages(
                [
                    {
                        "object": "organization.invite",
                        "id": "invite-pending",
                        "email": "new@corp.com",
                        "role": "reader",
                        "status": "pending",
                        "invited_at": 1711471533,
                        "expires_at": 1711971533,
                    },
                    {
                        "object": "organization.invite",
                        "id": "invite-accepted",
                        "email": "dev1@corp.com",
                        "role": "reader",
                        "status": "accepted",
                        "invited_at": 1711471533,
                        "accepted_at": 1711471600,
                    },
                ],
                20,
                "openai",
            ),
            "/v1/organization/projects": cursor_pages([project, archived], 1, "openai"),
            "/v1/organization/projects/proj_abc/users": cursor_pages(
                [
                    {
                        "object": "organization.project.user",
                        "id": "user-000",
                        "name": "Dev 0",
                        "email": "dev0@corp.com",
                        "role": "owner",
                        "added_at": 1711471533,
                    }
                ],
                20,
                "openai",
            ),
            "/v1/organization/projects/proj_abc/service_accounts": cursor_pages(
                [
                    {
                        "object": "organization.project.service_account",
                        "id": "svc_acct_abc",
                        "name": "Support worker",
                        "role": "member",
                        "created_at": 1711471533,
                    }
                ],
                20,
                "openai",
            ),
            "/v1/organization/projects/proj_abc/api_keys": cursor_pages(
                [
                    {
                        "object": "organization.project.api_key",
                        "redacted_value": "sk-abc...def",
                        "name": "Prod key",
                        "created_at": 1711471533,
                        "expires_at": EXPIRES,
                        "last_used_at": 1711471534,
                        "id": "key_proj",
                        "owner_project_access": "active",
                        "owner": {
                            "type": "service_account",
                            "service_account": {
                                "object": "organization.project.service_account",
                                "id": "svc_acct_abc",
                                "name": "Support worker",
                                "role": "member",
                                "created_at": 1711471533,
                            },
                        },
                    }
                ],
                20,
                "openai",
            ),
            "/v1/organization/admin_api_keys": cursor_pages(
                [
                    {
                        "object": "organization.admin_api_key",
                        "id": "key_admin_gone",
                        "name": "Billing export",
                        "redacted_value": "sk-admin...xyz",
                        "created_at": 1711471533,
                        "expires_at": None,  # documented: null, the key never expires
                        "last_used_at": 1711471999,
                        "owner": {
                            "type": "user",
                            "object": "organization.user",
                            "id": "user-departed",
                            "name": "Former Admin",
                            "created_at": 1711471533,
                            "role": "owner",
                        },
                    }
                ],
                20,
                "openai",
            ),
            "/v1/organization/audit_logs": lambda _q, _u: Reply(
                body={
                    "object": "list",
                    "data": [],
                    "first_id": None,
                    "last_id": None,
                    "has_more": False,
                }
            ),
        }
    )


@pytest.fixture
def api(monkeypatch: pytest.MonkeyPatch) -> Iterator[StandIn]:
    monkeypatch.setenv(VARIABLE, KEY)
    with stand_in() as server:
        openai_routes(server)
        yield server


@pytest.fixture
def platform(runtime: Runtime, owner: Actor, api: StandIn) -> None:
    connected(
        runtime,
        owner,
        NAME,
        Layer.PLATFORM,
        ConnectorKind.OPENAI,
        url=api.base_url + "v1/",
        secret_env=VARIABLE,
    )


def sync(runtime: Runtime, owner: Actor, sleeps: Sleeps | None = None) -> SyncOutcome:
    return sync_integration(
        runtime, actor=owner, integration_name=NAME, retry=no_wait_retry(sleeps)
    )


@pytest.mark.usefixtures("platform")
def test_openai_sync_reads_users_invites_accounts_and_keys_over_several_pages(
    runtime: Runtime, owner: Actor, api: StandIn
) -> None:
    outcome = sync(runtime, owner)

    with runtime.unit_of_work() as session:
        found = identities(session, NAME)
        platform = integration(session, NAME)
    assert outcome.ok, outcome.error
    assert sorted(found) == sorted(
        [f"user-{n:03d}" for n in range(5)]
        + ["invite-pending", "proj_abc/user-000", "svc_acct_abc", "key_proj", "key_admin_gone"]
    )
    assert (found["proj_abc/user-000"].kind, found["proj_abc/user-000"].role) == (
        IdentityKind.HUMAN,
        "Support bot: owner",
    )
    assert found["svc_acct_abc"].kind == IdentityKind.SERVICE_ACCOUNT
    assert (found["key_proj"].kind, found["key_proj"].owned_by) == (
        IdentityKind.API_KEY,
        "svc_acct_abc",
    )
    assert found["key_proj"].last_used_at is not None
    assert platform.scim == ScimStatus.ENABLED
    assert platform.scim_source == "openai"
    assert all(auth == f"Bearer {KEY}" for _, auth in api.requests)


@pytest.mark.usefixtures("platform")
def test_openai_admin_key_owned_by_a_departed_user_shows_up_for_review(
    runtime: Runtime, owner: Actor
) -> None:
    sync(runtime, owner)

    with runtime.unit_of_work() as session:
        key = identities(session, NAME)["key_admin_gone"]
        gaps = compute_gaps(session, review_days=90, integration=NAME, now=NOW)
    assert key.owned_by == "user-departed"
    assert "no longer in the org" in key.display_name
    assert (GapKind.UNDECLARED, "key_admin_gone") in {(g.kind, g.identity) for g in gaps}


@pytest.mark.usefixtures("platform")
def test_openai_missing_is_scim_managed_leaves_scim_unknown(
    runtime: Runtime, owner: Actor, api: StandIn
) -> None:
    openai_routes(api, scim=None)

    sync(runtime, owner)

    with runtime.unit_of_work() as session:
        assert integration(session, NAME).scim == ScimStatus.UNKNOWN


@pytest.mark.usefixtures("platform")
def test_openai_429_is_retried_after_the_time_retry_after_asks(
    runtime: Runtime, owner: Actor, api: StandIn
) -> None:
    api.faults["/v1/organization/users"] = [Reply(429, {"error": {}}, {"Retry-After": "7"})]
    sleeps = Sleeps()

    outcome = sync(runtime, owner, sleeps)

    assert outcome.ok
    assert sleeps == [7.0]


FAULTS = {
    "500-after-retries": [Reply(500, {"error": {}})] * 3,
    "429-after-retries": [Reply(429, {"error": {}}, {"Retry-After": "1"})] * 3,
    "malformed-json": [Reply(raw=b'{"object": "list", "data": [')],
    "revoked-key": [Reply(401, {"error": {"code": "invalid_api_key"}})],
}


@pytest.mark.usefixtures("platform")
@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_openai_fault_mid_sync_fails_cleanly_and_loses_nothing(
    runtime: Runtime, owner: Actor, api: StandIn, fault: str
) -> None:
    sync(runtime, owner)
    openai_routes(api, users=2)  # three users left the org since...
    api.faults["/v1/organization/projects/proj_abc/api_keys"] = list(FAULTS[fault])

    outcome = sync(runtime, owner)  # ...but this sync fails after reading the users

    with runtime.unit_of_work() as session:
        found = identities(session, NAME)
        runs = sorted(r.state for r in _runs(session))
    assert not outcome.ok
    assert outcome.error
    assert KEY not in outcome.error
    assert len(found) == 10  # everything the first sync stored is still there
    assert all(i.status == IdentityStatus.ACTIVE for i in found.values())
    assert runs == sorted([SyncState.OK, SyncState.FAILED])


def _runs(session: Any) -> list[Any]:
    from tests.connectors.helpers import runs

    return runs(session, NAME)


def test_openai_without_its_secret_variable_fails_naming_the_variable(
    runtime: Runtime, owner: Actor, api: StandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    connected(
        runtime,
        owner,
        NAME,
        Layer.PLATFORM,
        ConnectorKind.OPENAI,
        url=api.base_url + "v1/",
        secret_env="BOUNDARY_TEST_UNSET_VARIABLE",
    )
    monkeypatch.delenv("BOUNDARY_TEST_UNSET_VARIABLE", raising=False)

    outcome = sync(runtime, owner)

    assert not outcome.ok
    assert "BOUNDARY_TEST_UNSET_VARIABLE" in (outcome.error or "")
    assert api.requests == []
    assert issubclass(ConnectorError, Exception)


@pytest.mark.usefixtures("platform")
def test_openai_429_with_a_retry_after_date_waits_until_that_date(
    runtime: Runtime, owner: Actor, api: StandIn
) -> None:
    """Retry-After may be an HTTP date; the wait is measured on the retry policy's clock."""
    api.faults["/v1/organization/users"] = [
        Reply(429, {"error": {}}, {"Retry-After": "Wed, 02 Dec 2026 10:00:07 GMT"})
    ]
    sleeps = Sleeps()
    ten_o_clock = datetime(2026, 12, 2, 10, 0, tzinfo=UTC).timestamp()
    retry = replace(no_wait_retry(sleeps), clock=lambda: ten_o_clock)

    outcome = sync_integration(runtime, actor=owner, integration_name=NAME, retry=retry)

    assert outcome.ok
    assert sleeps == [7.0]


def _when(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, tz=UTC)


@pytest.mark.usefixtures("platform")
def test_openai_keys_and_accounts_carry_created_expiry_and_project(
    runtime: Runtime, owner: Actor
) -> None:
    sync(runtime, owner)

    with runtime.unit_of_work() as session:
        found = identities(session, NAME)
    key, account, admin = found["key_proj"], found["svc_acct_abc"], found["key_admin_gone"]
    assert (key.source_created_at, key.expires_at, key.container) == (
        _when(CREATED),
        _when(EXPIRES),
        "Support bot",
    )
    assert key.last_used_at == _when(1711471534)
    assert (account.source_created_at, account.container, account.role) == (
        _when(CREATED),
        "Support bot",
        "Support bot: member",
    )
    assert (admin.source_created_at, admin.expires_at, admin.container, admin.role) == (
        _when(CREATED),
        None,
        "organization",
        "admin",
    )
    assert admin.last_used_at == _when(1711471999)
    assert {key.scopes, account.scopes, admin.scopes} == {None}  # the list shapes have none


@pytest.mark.usefixtures("platform")
def test_openai_garbage_times_and_scopes_become_none_and_keep_the_page(
    runtime: Runtime, owner: Actor, api: StandIn
) -> None:
    odd = {
        "object": "organization.project.api_key",
        "id": "key_odd",
        "name": "Odd key",
        "redacted_value": "sk-odd...odd",
        "created_at": "yesterday",
        "expires_at": 10**20,  # beyond any datetime
        "last_used_at": True,
        "scopes": "api.model.read",  # a string, not the documented list
        "owner": {"type": "user", "user": {"id": "user-000", "email": "dev0@corp.com"}},
    }
    scoped = {**odd, "id": "key_scoped", "created_at": float("nan"), "expires_at": None}
    scoped["scopes"] = ["api.model.read", "api.files.write", 7]
    api.routes["/v1/organization/projects/proj_abc/api_keys"] = cursor_pages(
        [odd, scoped], 20, "openai"
    )

    outcome = sync(runtime, owner)

    with runtime.unit_of_work() as session:
        found = identities(session, NAME)
    assert outcome.ok, outcome.error
    key = found["key_odd"]
    assert (key.source_created_at, key.expires_at, key.last_used_at, key.scopes) == (
        None,
        None,
        None,
        None,
    )
    assert (found["key_scoped"].source_created_at, found["key_scoped"].scopes) == (
        None,
        "api.files.write, api.model.read",
    )
