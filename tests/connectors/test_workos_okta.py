"""WorkOS and Okta against loopback stand-ins: the gaps their facts produce, per customer
organisation and not again on the WorkOS integration itself, and Link paging."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from bot.authorization import Actor
from bot.connectors import ConnectorKind
from bot.gaps import compute_gaps
from bot.identities import add_identity
from bot.runtime import Runtime
from bot.sync import sync_integration
from storage.vocabulary import GapKind, IdentityStatus, Layer, ScimStatus, SsoStatus
from tests.conftest import NOW
from tests.connectors.helpers import connected, identities, integration, no_wait_retry
from tests.connectors.servers import Reply, StandIn, by_organisation, cursor_pages, stand_in

WORKOS_VARIABLE = "BOUNDARY_TEST_WORKOS_API_KEY"
OKTA_VARIABLE = "BOUNDARY_TEST_OKTA_API_TOKEN"


@pytest.fixture
def api(monkeypatch: pytest.MonkeyPatch) -> Iterator[StandIn]:
    monkeypatch.setenv(WORKOS_VARIABLE, "sk_test_workos")
    monkeypatch.setenv(OKTA_VARIABLE, "okta-test-token")
    with stand_in() as server:
        yield server


def _organisation(org_id: str, name: str) -> dict[str, Any]:
    return {"object": "organization", "id": org_id, "name": name, "domains": []}


def workos_routes(api: StandIn) -> None:
    api.routes.update(
        {
            "/organizations": cursor_pages(
                [
                    _organisation("org_sso_only", "Globex"),
                    _organisation("org_covered", "Initech"),
                    _organisation("org_bare", "Umbrella"),
                ],
                2,
                "workos",
            ),
            "/connections": by_organisation(
                [
                    {
                        "object": "connection",
                        "id": "conn_1",
                        "organization_id": "org_sso_only",
                        "connection_type": "OktaSAML",
                        "name": "Globex",
                        "state": "active",
                    },
                    {
                        "object": "connection",
                        "id": "conn_2",
                        "organization_id": "org_covered",
                        "connection_type": "AzureSAML",
                        "name": "Initech",
                        "state": "active",
                    },
                ]
            ),
            "/directories": by_organisation(
                [
                    {
                        "object": "directory",
                        "id": "directory_1",
                        "organization_id": "org_covered",
                        "name": "Initech",
                        "type": "okta scim v2.0",
                        "state": "linked",
                    },
                ]
            ),
            "/directory_users": cursor_pages(
                [
                    {
                        "object": "directory_user",
                        "id": f"directory_user_{n}",
                        "directory_id": "directory_1",
                        "organization_id": "org_covered",
                        "idp_id": str(n),
                        "first_name": "Pat",
                        "last_name": f"No{n}",
                        "emails": [
                            {"primary": True, "type": "work", "value": f"pat{n}@initech.com"}
                        ],
                        "state": "inactive" if n == 2 else "active",
                        "role": {"slug": "member"},
                    }
                    for n in range(3)
                ],
                2,
                "workos",
            ),
        }
    )


def test_workos_organisations_become_application_integrations_with_the_right_gaps(
    runtime: Runtime, owner: Actor, api: StandIn
) -> None:
    workos_routes(api)
    connected(
        runtime,
        owner,
        "customer-app",
        Layer.APPLICATION,
        ConnectorKind.WORKOS,
        url=api.base_url,
        secret_env=WORKOS_VARIABLE,
    )
    told: list[str] = []

    outcome = sync_integration(
        runtime,
        actor=owner,
        integration_name="customer-app",
        retry=no_wait_retry(),
        notify=lambda _who, text: told.append(text),
    )

    with runtime.unit_of_work() as session:
        globex = integration(session, "customer-app-globex")
        initech_people = identities(session, "customer-app-initech")
        gaps = {(g.kind, g.integration) for g in compute_gaps(session, review_days=90, now=NOW)}
    assert outcome.ok, outcome.error
    assert sorted(outcome.new_integrations) == [
        "customer-app-globex",
        "customer-app-initech",
        "customer-app-umbrella",
    ]
    assert len(told) == 3
    assert (globex.layer, globex.sso, globex.scim) == (
        Layer.APPLICATION,
        SsoStatus.ENFORCED,
        ScimStatus.NONE,
    )
    assert (GapKind.SCIM, "customer-app-globex") in gaps
    assert (GapKind.SCIM, "customer-app-initech") not in gaps
    assert (GapKind.SSO, "customer-app-initech") not in gaps
    assert initech_people["directory_user_2"].status == IdentityStatus.INACTIVE
    assert len(initech_people) == 3


def test_workos_second_sync_finds_the_same_integrations_instead_of_new_ones(
    runtime: Runtime, owner: Actor, api: StandIn
) -> None:
    workos_routes(api)
    connected(
        runtime,
        owner,
        "customer-app",
        Layer.APPLICATION,
        ConnectorKind.WORKOS,
        url=api.base_url,
        secret_env=WORKOS_VARIABLE,
    )
    sync_integration(runtime, actor=owner, integration_name="customer-app", retry=no_wait_retry())

    again = sync_integration(
        runtime, actor=owner, integration_name="customer-app", retry=no_wait_retry()
    )

    assert again.new_integrations == ()
    assert (again.created, again.updated, again.seen) == (0, 0, 3)


def _synced_workos(runtime: Runtime, owner: Actor, api: StandIn) -> None:
    workos_routes(api)
    connected(
        runtime,
        owner,
        "customer-app",
        Layer.APPLICATION,
        ConnectorKind.WORKOS,
        url=api.base_url,
        secret_env=WORKOS_VARIABLE,
    )
    outcome = sync_integration(
        runtime, actor=owner, integration_name="customer-app", retry=no_wait_retry()
    )
    assert outcome.ok, outcome.error


def _gaps_of(runtime: Runtime, name: str) -> set[GapKind]:
    with runtime.reading() as session:
        return {g.kind for g in compute_gaps(session, review_days=90, integration=name, now=NOW)}


def test_a_workos_organisation_without_sso_or_directory_has_its_sso_and_scim_gaps_before_any_user(
    runtime: Runtime, owner: Actor, api: StandIn
) -> None:
    _synced_workos(runtime, owner, api)

    with runtime.reading() as session:
        umbrella = integration(session, "customer-app-umbrella")
        people = identities(session, "customer-app-umbrella")
    assert people == {}
    assert (umbrella.sso, umbrella.scim) == (SsoStatus.NONE, ScimStatus.NONE)
    assert _gaps_of(runtime, "customer-app-umbrella") == {GapKind.SSO, GapKind.SCIM}
    assert _gaps_of(runtime, "customer-app-globex") == {GapKind.SCIM}


def test_the_workos_integration_does_not_repeat_its_organisations_coverage_gaps(
    runtime: Runtime, owner: Actor, api: StandIn
) -> None:
    _synced_workos(runtime, owner, api)

    with runtime.reading() as session:
        account = integration(session, "customer-app")
        everywhere = compute_gaps(session, review_days=90, now=NOW)
    assert (account.sso, account.scim) == (SsoStatus.OPTIONAL, ScimStatus.NONE)
    assert _gaps_of(runtime, "customer-app") == set()
    assert not [g for g in everywhere if g.integration == "customer-app"]
    coverage = sorted((g.kind, g.integration) for g in everywhere if g.identity is None)
    assert coverage == [
        (GapKind.SCIM, "customer-app-globex"),
        (GapKind.SCIM, "customer-app-umbrella"),
        (GapKind.SSO, "customer-app-umbrella"),
    ]


def test_the_workos_integration_still_gets_the_sso_and_scim_gaps_of_its_own_people(
    runtime: Runtime, owner: Actor, api: StandIn
) -> None:
    _synced_workos(runtime, owner, api)
    with runtime.unit_of_work() as session:
        add_identity(
            session, actor=owner, integration_name="customer-app", id_or_email="ops@us.com", now=NOW
        )

    found = _gaps_of(runtime, "customer-app")

    assert found == {GapKind.SSO, GapKind.SCIM, GapKind.UNDECLARED}


def test_a_workos_sync_that_fails_half_way_changes_no_organisation(
    runtime: Runtime, owner: Actor, api: StandIn
) -> None:
    _synced_workos(runtime, owner, api)
    umbrella_sso = {
        "object": "connection",
        "id": "conn_3",
        "organization_id": "org_bare",
        "connection_type": "GoogleSAML",
        "name": "Umbrella",
        "state": "active",
    }
    api.routes["/connections"] = by_organisation([umbrella_sso])
    api.routes["/directory_users"] = cursor_pages([], 2, "workos")
    api.faults["/directories"] = [Reply(raw=b'{"data": [')]

    outcome = sync_integration(
        runtime, actor=owner, integration_name="customer-app", retry=no_wait_retry()
    )

    with runtime.reading() as session:
        umbrella = integration(session, "customer-app-umbrella")
        initech = identities(session, "customer-app-initech")
    assert not outcome.ok
    assert "malformed JSON" in (outcome.error or "")
    assert (umbrella.sso, umbrella.scim) == (SsoStatus.NONE, ScimStatus.NONE)
    assert _gaps_of(runtime, "customer-app-umbrella") == {GapKind.SSO, GapKind.SCIM}
    assert sorted(p.status for p in initech.values()) == [
        IdentityStatus.ACTIVE,
        IdentityStatus.ACTIVE,
        IdentityStatus.INACTIVE,
    ]


def _okta_user(n: int, status: str = "ACTIVE") -> dict[str, Any]:
    return {
        "id": f"00u{n:04d}",
        "externalId": None,
        "created": "2024-01-01T00:00:00.000Z",
        "scope": "USER",
        "status": status,
        "credentials": {"userName": f"person{n}@corp.com"},
        "profile": {"email": f"person{n}@corp.com", "displayName": f"Person {n}"},
        "_links": {"user": {"href": f"https://corp.okta.com/api/v1/users/00u{n:04d}"}},
    }


def okta_routes(api: StandIn, app_id: str, sign_on: str, provisioning: bool) -> None:
    people = [_okta_user(n, "DEPROVISIONED" if n == 4 else "ACTIVE") for n in range(5)]

    def users(query: dict[str, list[str]], _url: str) -> Reply:
        after = int(query.get("after", ["0"])[0])
        page = people[after : after + 2]
        headers = {}
        if after + 2 < len(people):
            link = f"{api.base_url}api/v1/apps/{app_id}/users?after={after + 2}&limit=2"
            headers["Link"] = f'<{link}>; rel="next"'
        return Reply(body=page, headers=headers)

    feature = {
        "name": "USER_PROVISIONING",
        "status": "ENABLED",
        "capabilities": {
            "create": {"lifecycleCreate": {"status": "ENABLED"}},
            "update": {
                "lifecycleDeactivate": {"status": "ENABLED"},
                "profile": {"status": "ENABLED"},
                "password": {"status": "DISABLED"},
            },
        },
    }
    api.routes.update(
        {
            f"/api/v1/apps/{app_id}": lambda _q, _u: Reply(
                body={
                    "id": app_id,
                    "name": "app",
                    "label": "App",
                    "status": "ACTIVE",
                    "signOnMode": sign_on,
                }
            ),
            f"/api/v1/apps/{app_id}/features": lambda _q, _u: (
                Reply(body=[feature])
                if provisioning
                else Reply(400, {"errorCode": "E0000007", "errorSummary": "Not found"})
            ),
            f"/api/v1/apps/{app_id}/users": users,
        }
    )


def test_okta_bookmark_app_yields_an_sso_gap_and_users_page_through_link_headers(
    runtime: Runtime, owner: Actor, api: StandIn
) -> None:
    okta_routes(api, "0oabookmark", "BOOKMARK", provisioning=False)
    connected(
        runtime,
        owner,
        "wiki",
        Layer.PLATFORM,
        ConnectorKind.OKTA,
        url=api.base_url,
        app_id="0oabookmark",
        secret_env=OKTA_VARIABLE,
    )

    outcome = sync_integration(runtime, actor=owner, integration_name="wiki", retry=no_wait_retry())

    with runtime.unit_of_work() as session:
        wiki = integration(session, "wiki")
        people = identities(session, "wiki")
        gaps = {g.kind for g in compute_gaps(session, review_days=90, integration="wiki", now=NOW)}
    assert outcome.ok, outcome.error
    assert (wiki.sso, wiki.scim) == (SsoStatus.NONE, ScimStatus.NONE)
    assert GapKind.SSO in gaps
    assert len(people) == 5
    assert people["00u0004"].status == IdentityStatus.INACTIVE
    assert {auth for _, auth in api.requests} == {"SSWS okta-test-token"}


def test_okta_provisioning_counts_as_scim_only_for_a_platform_integration(
    runtime: Runtime, owner: Actor, api: StandIn
) -> None:
    okta_routes(api, "0oasaml", "SAML_2_0", provisioning=True)
    for name, layer in (("openai-platform", Layer.PLATFORM), ("acme-tenant", Layer.APPLICATION)):
        connected(
            runtime,
            owner,
            name,
            layer,
            ConnectorKind.OKTA,
            url=api.base_url,
            app_id="0oasaml",
            secret_env=OKTA_VARIABLE,
        )
        sync_integration(runtime, actor=owner, integration_name=name, retry=no_wait_retry())

    with runtime.unit_of_work() as session:
        platform = integration(session, "openai-platform")
        tenant = integration(session, "acme-tenant")
    assert (platform.sso, platform.scim) == (SsoStatus.ENFORCED, ScimStatus.ENABLED)
    assert (tenant.sso, tenant.scim) == (SsoStatus.ENFORCED, ScimStatus.PLATFORM_ONLY)
