"""Okta (workforce IdP): an app's sign-on mode is the SSO fact, its provisioning features the
SCIM fact, and its assigned users the identities, paged through the `Link` header. One app per
integration (`app_id`), or every app of the org (`apps=all`), each its own child integration."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from bot.connectors.base import (
    ConnectorError,
    Coverage,
    Organisation,
    SourceIdentity,
    summarise,
)
from bot.connectors.http import SourceClient, expect, parse_json
from storage.vocabulary import IdentityKind, IdentityStatus, Layer, ScimStatus, Source, SsoStatus

KEY_VARIABLE = "OKTA_API_TOKEN"
PAGE_LIMIT = 200
SSO_MODES = frozenset({"SAML_2_0", "SAML_1_1", "OPENID_CONNECT", "WS_FEDERATION"})
# Password vaulting, auto-login and bookmarks put a link or a stored password in front of
# the app: the person still signs in to it with its own credentials.
NOT_SSO_MODES = frozenset(
    {"BOOKMARK", "AUTO_LOGIN", "BROWSER_PLUGIN", "SECURE_PASSWORD_STORE", "BASIC_AUTH"}
)
GONE = frozenset({"DEPROVISIONED", "INACTIVE", "SUSPENDED"})
# An app id from the list goes into the next requests' paths: nothing but an id's characters.
APP_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


class OktaConnector:
    """With `app_id`, that app is the integration. Without it, every app the org lists
    (narrowed by `label_prefix` and Okta's own `filter`) is a child integration of `layer`,
    and the integration itself has no identities."""

    source = Source.OKTA

    def __init__(
        self,
        client: SourceClient,
        *,
        app_id: str | None = None,
        label_prefix: str | None = None,
        app_filter: str | None = None,
        layer: Layer = Layer.PLATFORM,
    ) -> None:
        self.client = client
        self.app_id = app_id
        self.label_prefix = label_prefix
        self.app_filter = app_filter
        self.layer = layer
        self._seen: list[Coverage] = []

    def _pages(self, url: str, params: dict[str, Any], what: str) -> Iterator[list[Any]]:
        """Each page of a list, following `Link: <...>; rel="next"` on the same host."""
        next_url: str | None = url
        query: dict[str, Any] | None = params
        guard = self.client.pages(what)
        while next_url:
            response = self.client.get_page(next_url, params=query)
            items = parse_json(response, next_url)
            expect(isinstance(items, list), what)
            page = [item for item in items if isinstance(item, dict)]
            for item in page:
                expect(bool(item.get("id")), what)
            yield page
            next_url, query = response.links.get("next", {}).get("url"), None
            if next_url and not self.client.same_origin(next_url):
                raise ConnectorError("Okta's next-page link points at another host; stopped")
            if next_url:
                guard.more([str(item["id"]) for item in page], cursor=next_url)

    def _users(self, app_id: str) -> Iterator[list[SourceIdentity]]:
        url = f"api/v1/apps/{app_id}/users"
        for users in self._pages(url, {"limit": PAGE_LIMIT}, "app users"):
            yield [_app_user(user) for user in users]

    def _coverage(self, app_id: str, app: Any) -> Coverage:
        expect(isinstance(app, dict), "app")
        mode = str(app.get("signOnMode") or "")
        sso = (
            SsoStatus.ENFORCED
            if mode in SSO_MODES
            else SsoStatus.NONE
            if mode in NOT_SSO_MODES
            else None
        )
        features = self.client.get_json(f"api/v1/apps/{app_id}/features", missing_ok=True)
        return Coverage(sso=sso, scim=_provisioning(features), directory_layer=Layer.PLATFORM)

    def identity_pages(self) -> Iterator[list[SourceIdentity]]:
        if self.app_id is None:
            return iter(())
        return self._users(self.app_id)

    def coverage(self) -> Coverage:
        if self.app_id is None:
            return summarise(self._seen, Layer.PLATFORM)
        return self._coverage(self.app_id, self.client.get_json(f"api/v1/apps/{self.app_id}"))

    def organisations(self) -> Iterator[Organisation]:
        if self.app_id is not None:
            return
        params: dict[str, Any] = {"limit": PAGE_LIMIT}
        if self.label_prefix:
            params["q"] = self.label_prefix  # Okta: name or label starts with it
        if self.app_filter:
            params["filter"] = self.app_filter
        for apps in self._pages("api/v1/apps", params, "apps"):
            for app in apps:
                if self._wanted(app):
                    yield self._app(app)

    def _wanted(self, app: dict[str, Any]) -> bool:
        """`q` also matches the app's internal name: the prefix is of the label people see."""
        if not self.label_prefix:
            return True
        label = str(app.get("label") or "")
        return label.casefold().startswith(self.label_prefix.casefold())

    def _app(self, app: dict[str, Any]) -> Organisation:
        app_id = str(app["id"])
        expect(APP_ID.match(app_id) is not None, "apps")
        coverage = self._coverage(app_id, app)
        self._seen.append(coverage)
        return Organisation(
            external_ref=app_id,
            name=str(app.get("label") or app.get("name") or app_id),
            coverage=coverage,
            identities=lambda: self._users(app_id),
            layer=self.layer,
        )


def _provisioning(features: Any) -> ScimStatus:
    """SCIM lifecycle means Okta both creates users in the app and deactivates them."""
    if not isinstance(features, list):
        return ScimStatus.NONE
    for feature in features:
        if not isinstance(feature, dict) or feature.get("name") != "USER_PROVISIONING":
            continue
        if feature.get("status") != "ENABLED":
            return ScimStatus.NONE
        capabilities = feature.get("capabilities") or {}
        create = _status(capabilities, "create", "lifecycleCreate")
        deactivate = _status(capabilities, "update", "lifecycleDeactivate")
        return ScimStatus.ENABLED if create and deactivate else ScimStatus.NONE
    return ScimStatus.NONE


def _status(capabilities: Any, group: str, name: str) -> bool:
    section = capabilities.get(group) if isinstance(capabilities, dict) else None
    item = section.get(name) if isinstance(section, dict) else None
    return isinstance(item, dict) and item.get("status") == "ENABLED"


def _app_user(user: dict[str, Any]) -> SourceIdentity:
    expect(bool(user.get("id")), "app users")
    profile: dict[str, Any] = user["profile"] if isinstance(user.get("profile"), dict) else {}
    credentials = user.get("credentials")
    user_name = credentials.get("userName") if isinstance(credentials, dict) else None
    raw_email = profile.get("email") or (user_name if user_name and "@" in user_name else None)
    email = str(raw_email).strip().lower()[:320] if raw_email else None
    given = " ".join(str(p) for p in (profile.get("firstName"), profile.get("lastName")) if p)
    name = profile.get("displayName") or given or user_name or email or user["id"]
    return SourceIdentity(
        external_id=str(user["id"])[:255],
        display_name=str(name)[:255],
        email=email,
        kind=IdentityKind.HUMAN,
        role=str(profile["role"])[:128] if profile.get("role") else None,
        status=IdentityStatus.INACTIVE if user.get("status") in GONE else IdentityStatus.ACTIVE,
    )
