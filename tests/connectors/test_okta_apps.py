"""Okta with `apps=all`: every app the org lists (narrowed by label prefix and Okta's filter,
over several `Link` pages) becomes a child integration with its own users and coverage; an app
gone at the source has its identities deactivated; a failing read changes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from bot.authorization import Actor
from bot.connectors import ConnectorKind, check_settings
from bot.errors import InvalidInput
from bot.gaps import compute_gaps
from bot.runtime import Runtime
from bot.sync import SyncOutcome, sync_integration
from storage import integrations as integration_repo
from storage.vocabulary import (
    GapKind,
    IdentityStatus,
    Layer,
    ScimStatus,
    SsoStatus,
    SyncState,
)
from tests.conftest import NOW
from tests.connectors.helpers import (
    Sleeps,
    connected,
    identities,
    integration,
    no_wait_retry,
    runs,
)
from tests.connectors.servers import OktaApps, Reply, StandIn, stand_in

VARIABLE = "BOUNDARY_TEST_OKTA_API_TOKEN"
ACTIVE = 'status eq "ACTIVE"'
PROVISIONING = {
    "name": "USER_PROVISIONING",
    "status": "ENABLED",
    "capabilities": {
        "create": {"lifecycleCreate": {"status": "ENABLED"}},
        "update": {"lifecycleDeactivate": {"status": "ENABLED"}},
    },
}


def _app(app_id: str, name: str, label: str, mode: str, status: str = "ACTIVE") -> dict[str, Any]:
    return {
        "id": app_id,
        "name": name,
        "label": label,
        "status": status,
        "signOnMode": mode,
        "features": [],
        "_links": {"users": {"href": f"https://corp.okta.com/api/v1/apps/{app_id}/users"}},
    }


APPS = [
    _app("0oa1wiki", "acme_wiki", "Acme Wiki", "SAML_2_0"),
    _app("0oa2chat", "bookmark", "Acme Chat", "BOOKMARK"),
    _app("0oa3old", "acme_legacy", "Acme Legacy", "SAML_2_0", status="INACTIVE"),
    _app("0oa4zeta", "zeta_crm", "Zeta CRM", "SAML_2_0"),
    _app("0oa5portal", "acme_portal", "Internal Portal", "OPENID_CONNECT"),  # `q` hits its name
    _app("0oa6docs", "oidc_client", "Acme Docs", "OPENID_CONNECT"),
    _app("0oa7ops", "ops", "acme ops", "SAML_1_1"),
]
USERS = {"0oa1wiki": 3, "0oa2chat": 2, "0oa5portal": 1, "0oa6docs": 0, "0oa7ops": 1}
CHILDREN = ["okta-org-acme-chat", "okta-org-acme-docs", "okta-org-acme-ops", "okta-org-acme-wiki"]


def _user(app_id: str, n: int) -> dict[str, Any]:
    return {
        "id": f"00u{app_id[3:7]}{n}",
        "scope": "USER",
        "status": "DEPROVISIONED" if n == 2 else "ACTIVE",
        "credentials": {"userName": f"p{n}.{app_id}@corp.com"},
        "profile": {"email": f"p{n}.{app_id}@corp.com", "displayName": f"Person {n}"},
    }


def _users_route(api: StandIn, app_id: str, count: int) -> Any:
    people = [_user(app_id, n) for n in range(count)]

    def route(query: dict[str, list[str]], _url: str) -> Reply:
        after = int(query.get("after", ["0"])[0])
        headers = {}
        if after + 2 < len(people):
            link = f"{api.base_url}api/v1/apps/{app_id}/users?after={after + 2}&limit=2"
            headers["Link"] = f'<{link}>; rel="next"'
        return Reply(body=people[after : after + 2], headers=headers)

    return route


def okta_org(api: StandIn, apps: list[dict[str, Any]]) -> OktaApps:
    """The org's routes: the app list, and each app's users and features."""
    listing = OktaApps(api.base_url, apps)
    api.routes["/api/v1/apps"] = listing
    for app in apps:
        app_id = app["id"]
        api.routes[f"/api/v1/apps/{app_id}/users"] = _users_route(api, app_id, USERS.get(app_id, 1))
        features = _provisioned if app_id == "0oa1wiki" else _no_features
        api.routes[f"/api/v1/apps/{app_id}/features"] = features
    return listing


def _provisioned(_query: dict[str, list[str]], _url: str) -> Reply:
    return Reply(body=[PROVISIONING])


def _no_features(_query: dict[str, list[str]], _url: str) -> Reply:
    """What Okta answers for an app without provisioning features."""
    return Reply(400, {"errorCode": "E0000007", "errorSummary": "Not found"})


@pytest.fixture
def api(monkeypatch: pytest.MonkeyPatch) -> Iterator[StandIn]:
    monkeypatch.setenv(VARIABLE, "okta-test-token")
    with stand_in() as server:
        yield server


def _connect(runtime: Runtime, owner: Actor, api: StandIn, layer: Layer = Layer.PLATFORM) -> None:
    connected(
        runtime,
        owner,
        "okta-org",
        layer,
        ConnectorKind.OKTA,
        url=api.base_url,
        apps="all",
        label_prefix="Acme",
        filter=ACTIVE,
        secret_env=VARIABLE,
    )


def _sync(runtime: Runtime, owner: Actor, sleeps: Sleeps | None = None) -> SyncOutcome:
    return sync_integration(
        runtime, actor=owner, integration_name="okta-org", retry=no_wait_retry(sleeps)
    )


def _statuses(runtime: Runtime, name: str) -> dict[str, IdentityStatus]:
    with runtime.reading() as session:
        return {key: row.status for key, row in identities(session, name).items()}


def _gaps(runtime: Runtime) -> set[tuple[GapKind, str]]:
    with runtime.reading() as session:
        found = compute_gaps(session, review_days=90, now=NOW)
    return {(gap.kind, gap.integration) for gap in found if gap.identity is None}


def test_every_app_whose_label_matches_becomes_one_integration_over_several_pages(
    runtime: Runtime, owner: Actor, api: StandIn
) -> None:
    listing = okta_org(api, APPS)
    _connect(runtime, owner, api)

    outcome = _sync(runtime, owner)

    with runtime.reading() as session:
        children = {name: integration(session, name) for name in CHILDREN}
        wiki = identities(session, "okta-org-acme-wiki")
        own = identities(session, "okta-org")
    assert outcome.ok, outcome.error
    assert sorted(outcome.new_integrations) == CHILDREN
    assert len(listing.queries) == 3
    assert listing.queries[0] == {"limit": ["200"], "q": ["Acme"], "filter": [ACTIVE]}
    assert [q.get("after") for q in listing.queries] == [None, ["0oa2chat"], ["0oa6docs"]]
    assert {c.external_ref for c in children.values()} == {
        "0oa1wiki",
        "0oa2chat",
        "0oa6docs",
        "0oa7ops",
    }
    assert {c.layer for c in children.values()} == {Layer.PLATFORM}
    coverage = {name: (c.sso, c.scim) for name, c in children.items()}
    assert coverage == {
        "okta-org-acme-chat": (SsoStatus.NONE, ScimStatus.NONE),
        "okta-org-acme-docs": (SsoStatus.ENFORCED, ScimStatus.NONE),
        "okta-org-acme-ops": (SsoStatus.ENFORCED, ScimStatus.NONE),
        "okta-org-acme-wiki": (SsoStatus.ENFORCED, ScimStatus.ENABLED),
    }
    assert sorted(p.status for p in wiki.values()) == [
        IdentityStatus.ACTIVE,
        IdentityStatus.ACTIVE,
        IdentityStatus.INACTIVE,
    ]
    assert own == {}
    assert outcome.seen == 3 + 2 + 0 + 1


def test_each_app_carries_its_own_coverage_gaps_and_the_org_integration_none(
    runtime: Runtime, owner: Actor, api: StandIn
) -> None:
    okta_org(api, APPS)
    _connect(runtime, owner, api)

    _sync(runtime, owner)

    assert _gaps(runtime) == {(GapKind.SSO, "okta-org-acme-chat")}


def test_apps_of_an_application_layer_org_are_application_integrations_with_their_gaps(
    runtime: Runtime, owner: Actor, api: StandIn
) -> None:
    okta_org(api, APPS)
    _connect(runtime, owner, api, layer=Layer.APPLICATION)

    _sync(runtime, owner)

    with runtime.reading() as session:
        wiki = integration(session, "okta-org-acme-wiki")
    assert (wiki.layer, wiki.scim) == (Layer.APPLICATION, ScimStatus.PLATFORM_ONLY)
    assert _gaps(runtime) == {(GapKind.SCIM, name) for name in CHILDREN} | {
        (GapKind.SSO, "okta-org-acme-chat")
    }


def test_an_app_removed_at_the_source_has_its_identities_deactivated(
    runtime: Runtime, owner: Actor, api: StandIn
) -> None:
    okta_org(api, APPS)
    _connect(runtime, owner, api)
    _sync(runtime, owner)
    okta_org(api, [app for app in APPS if app["id"] != "0oa2chat"])

    again = _sync(runtime, owner)

    assert again.ok, again.error
    assert again.new_integrations == ()
    assert again.deactivated == 2
    assert set(_statuses(runtime, "okta-org-acme-chat").values()) == {IdentityStatus.INACTIVE}
    assert set(_statuses(runtime, "okta-org-acme-ops").values()) == {IdentityStatus.ACTIVE}


def test_a_rate_limited_app_list_is_retried_and_read_whole(
    runtime: Runtime, owner: Actor, api: StandIn
) -> None:
    okta_org(api, APPS)
    _connect(runtime, owner, api)
    api.faults["/api/v1/apps"] = [Reply(429, {"errorCode": "E0000047"}, {"Retry-After": "3"})]
    sleeps = Sleeps()

    outcome = _sync(runtime, owner, sleeps)

    assert outcome.ok, outcome.error
    assert sleeps == [3.0]
    assert sorted(outcome.new_integrations) == CHILDREN


def _break_after_first_sync(api: StandIn, fault: str) -> None:
    """The source changes (an app gone, an app new), and then fails while it is read."""
    changed = [app for app in APPS if app["id"] != "0oa2chat"]
    changed.append(_app("0oa8new", "acme_new", "Acme New", "SAML_2_0"))
    if fault == "a path for an app id":
        changed.append(_app("../../users", "acme_odd", "Acme Odd", "SAML_2_0"))
    listing = okta_org(api, changed)
    if fault == "malformed page":
        listing.broken_after = "0oa5portal"  # the second page
    elif fault == "500 on a new app's users":
        api.faults["/api/v1/apps/0oa8new/users"] = [Reply(500, {"errorCode": "E0000009"})] * 3
    else:
        api.faults["/api/v1/apps"] = [Reply(500, {"errorCode": "E0000009"})] * 3


@pytest.mark.parametrize(
    "fault",
    ["500 on the list", "500 on a new app's users", "malformed page", "a path for an app id"],
)
def test_a_failing_okta_read_changes_nothing(
    runtime: Runtime, owner: Actor, api: StandIn, fault: str
) -> None:
    okta_org(api, APPS)
    _connect(runtime, owner, api)
    _sync(runtime, owner)
    gaps_before = _gaps(runtime)
    _break_after_first_sync(api, fault)

    outcome = _sync(runtime, owner)

    with runtime.reading() as session:
        failed = runs(session, "okta-org")[-1]
        new_app = integration_repo.get_by_name(session, name="okta-org-acme-new")
    assert not outcome.ok
    assert failed.state == SyncState.FAILED
    assert new_app is None
    assert set(_statuses(runtime, "okta-org-acme-chat").values()) == {IdentityStatus.ACTIVE}
    assert _gaps(runtime) == gaps_before


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ({"url": "https://corp.okta.com", "app_id": "0oa1"}, {"app_id": "0oa1"}),
        ({"url": "https://corp.okta.com", "apps": "ALL"}, {"apps": "all"}),
        (
            {
                "url": "https://corp.okta.com",
                "apps": "all",
                "label_prefix": " Acme ",
                "filter": ACTIVE,
            },
            {"apps": "all", "label_prefix": "Acme", "filter": ACTIVE},
        ),
    ],
)
def test_okta_settings_name_one_app_or_all_apps(
    given: dict[str, Any], stored: dict[str, Any]
) -> None:
    settings = check_settings(ConnectorKind.OKTA, given)

    assert settings == {"url": "https://corp.okta.com/", "secret_env": "OKTA_API_TOKEN", **stored}


@pytest.mark.parametrize(
    ("given", "says"),
    [
        ({}, "--app-id (one app) or --apps all"),
        ({"app_id": "0oa1", "apps": "all"}, "not both"),
        ({"apps": "some"}, "--apps takes `all`"),
        ({"app_id": "0oa1", "label_prefix": "Acme"}, "go with --apps all"),
        ({"apps": "all", "filter": "x" * 501}, "--filter is printable text"),
        ({"apps": "all", "label_prefix": "Ac\nme"}, "--label-prefix is printable text"),
    ],
)
def test_okta_settings_refuse_a_mix_or_a_bad_value(given: dict[str, Any], says: str) -> None:
    with pytest.raises(InvalidInput, match=says.replace("(", r"\(").replace(")", r"\)")):
        check_settings(ConnectorKind.OKTA, {"url": "https://corp.okta.com", **given})
