"""Okta (workforce IdP): one app's sign-on mode is the SSO fact, its provisioning features the
SCIM fact, and its assigned users the identities, paged through the `Link` header."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from bot.connectors.base import ConnectorError, Coverage, Organisation, SourceIdentity
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


class OktaConnector:
    source = Source.OKTA

    def __init__(self, client: SourceClient, *, app_id: str) -> None:
        self.client = client
        self.app_id = app_id

    def identity_pages(self) -> Iterator[list[SourceIdentity]]:
        url: str | None = f"api/v1/apps/{self.app_id}/users"
        params: dict[str, Any] | None = {"limit": PAGE_LIMIT}
        guard = self.client.pages("app users")
        while url:
            response = self.client.get_page(url, params=params)
            users = parse_json(response, url)
            expect(isinstance(users, list), "app users")
            page = [_app_user(user) for user in users if isinstance(user, dict)]
            yield page
            url, params = response.links.get("next", {}).get("url"), None
            if url and not self.client.same_origin(url):
                raise ConnectorError("Okta's next-page link points at another host; stopped")
            if url:
                guard.more([identity.external_id for identity in page], cursor=url)

    def coverage(self) -> Coverage:
        app = self.client.get_json(f"api/v1/apps/{self.app_id}")
        expect(isinstance(app, dict), "app")
        mode = str(app.get("signOnMode") or "")
        sso = (
            SsoStatus.ENFORCED
            if mode in SSO_MODES
            else SsoStatus.NONE
            if mode in NOT_SSO_MODES
            else None
        )
        features = self.client.get_json(f"api/v1/apps/{self.app_id}/features", missing_ok=True)
        return Coverage(sso=sso, scim=_provisioning(features), directory_layer=Layer.PLATFORM)

    def organisations(self) -> Iterator[Organisation]:
        return iter(())


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
