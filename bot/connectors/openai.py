"""OpenAI Administration API (platform layer): users, invites, project members, project service
accounts and API keys, admin API keys; `is_scim_managed` and `scim.*` audit events are the SCIM
facts."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from bot.connectors.base import Coverage, Organisation, SourceIdentity
from bot.connectors.http import SourceClient, expect
from bot.connectors.moments import unix_moment
from storage.vocabulary import IdentityKind, Layer, ScimStatus, Source

DEFAULT_BASE_URL = "https://api.openai.com/v1/"
# Where an admin key belongs: the whole organisation, not one project.
ORGANISATION = "organization"
KEY_VARIABLE = "OPENAI_ADMIN_KEY"
PAGE_LIMIT = 100


class OpenAIConnector:
    source = Source.OPENAI

    def __init__(self, client: SourceClient) -> None:
        self.client = client
        self._user_ids: set[str] = set()
        self._scim_managed: bool | None = None  # None: no user said either way

    def _list(self, path: str) -> Iterator[list[dict[str, Any]]]:
        """Follow `after`/`has_more` paging; yields each page's `data`."""
        after: str | None = None
        guard = self.client.pages(path)
        while True:
            params: dict[str, Any] = {"limit": PAGE_LIMIT}
            if after:
                params["after"] = after
            page = self.client.get_json(path, params=params)
            expect(isinstance(page, dict) and isinstance(page.get("data"), list), path)
            items = [item for item in page["data"] if isinstance(item, dict)]
            if items:
                yield items
            after = page.get("last_id") or (items[-1].get("id") if items else None)
            if not page.get("has_more") or not after:
                return
            guard.more([str(item.get("id")) for item in items], cursor=str(after))

    def identity_pages(self) -> Iterator[list[SourceIdentity]]:
        for users in self._list("organization/users"):
            yield [self._user(user) for user in users]
        for invites in self._list("organization/invites"):
            # Accepted invites are users already; expired ones grant nothing.
            yield [_invite(i) for i in invites if i.get("status") == "pending"]
        for projects in self._list("organization/projects"):
            for project in projects:
                yield from self._project(project)
        for keys in self._list("organization/admin_api_keys"):
            yield [self._admin_key(key) for key in keys]

    def _user(self, user: dict[str, Any]) -> SourceIdentity:
        expect(bool(user.get("id")), "organization/users")
        self._user_ids.add(str(user["id"]))
        managed = user.get("is_scim_managed")
        if isinstance(managed, bool):
            self._scim_managed = bool(self._scim_managed) or managed
        email = _email(user.get("email"))
        service = user.get("is_service_account") is True
        return SourceIdentity(
            external_id=str(user["id"])[:255],
            display_name=str(user.get("name") or email or user["id"])[:255],
            email=email,
            kind=IdentityKind.SERVICE_ACCOUNT if service else IdentityKind.HUMAN,
            role=_text(user.get("role"), 128),
            last_used_at=unix_moment(user.get("api_key_last_used_at")),
        )

    def _project(self, project: dict[str, Any]) -> Iterator[list[SourceIdentity]]:
        project_id = str(project.get("id") or "")
        expect(bool(project_id), "organization/projects")
        if project.get("status") == "archived" or project.get("archived_at"):
            return  # archived projects' keys and accounts no longer work
        label = str(project.get("name") or project_id)
        base = f"organization/projects/{project_id}"
        for members in self._list(f"{base}/users"):
            yield [_project_member(member, project_id, label) for member in members]
        for accounts in self._list(f"{base}/service_accounts"):
            yield [_service_account(account, label) for account in accounts]
        for keys in self._list(f"{base}/api_keys"):
            yield [_project_key(key, label) for key in keys]

    def _admin_key(self, key: dict[str, Any]) -> SourceIdentity:
        expect(bool(key.get("id")), "organization/admin_api_keys")
        owner: dict[str, Any] = key["owner"] if isinstance(key.get("owner"), dict) else {}
        owner_id = _text(owner.get("id"), 320)
        name = str(key.get("name") or key["id"])
        if owner_id and owner.get("type", "user") == "user" and owner_id not in self._user_ids:
            # The owner left the organisation but the key still works: it needs a reviewer.
            name = f"{name} (owner {owner.get('name') or owner_id} is no longer in the org)"
        return SourceIdentity(
            external_id=str(key["id"])[:255],
            display_name=f"admin key {name} {key.get('redacted_value') or ''}".strip()[:255],
            kind=IdentityKind.API_KEY,
            role="admin",
            last_used_at=unix_moment(key.get("last_used_at")),
            owned_by=owner_id,
            created_at=unix_moment(key.get("created_at")),
            # `expires_at` is null, or absent before the API had it: the key never expires.
            expires_at=unix_moment(key.get("expires_at")),
            container=ORGANISATION,
        )

    def coverage(self) -> Coverage:
        scim = self._audit_scim_state()
        if scim is None and self._scim_managed:
            scim = ScimStatus.ENABLED
        # The Administration API says nothing about SSO enforcement: leave it unknown.
        return Coverage(scim=scim, directory_layer=Layer.PLATFORM)

    def _audit_scim_state(self) -> ScimStatus | None:
        """The latest `scim.enabled` / `scim.disabled` audit event, if any."""
        page = self.client.get_json(
            "organization/audit_logs",
            params={"event_types[]": ["scim.enabled", "scim.disabled"], "limit": 1},
        )
        expect(isinstance(page, dict) and isinstance(page.get("data"), list), "audit_logs")
        for event in page["data"]:
            kind = event.get("type") if isinstance(event, dict) else None
            if kind == "scim.enabled":
                return ScimStatus.ENABLED
            if kind == "scim.disabled":
                return ScimStatus.NONE
        return None

    def organisations(self) -> Iterator[Organisation]:
        return iter(())


def _invite(invite: dict[str, Any]) -> SourceIdentity:
    expect(bool(invite.get("id")), "organization/invites")
    email = _email(invite.get("email"))
    return SourceIdentity(
        external_id=str(invite["id"])[:255],
        display_name=f"invite {email or invite['id']}"[:255],
        email=email,
        role=_text(invite.get("role"), 128),
    )


def _project_member(member: dict[str, Any], project_id: str, project: str) -> SourceIdentity:
    """A person's membership of one project: a grant of its own (a project owner can create
    keys), reviewed apart from their organisation account."""
    expect(bool(member.get("id")), "projects/users")
    email = _email(member.get("email"))
    return SourceIdentity(
        external_id=f"{project_id}/{member['id']}"[:255],
        display_name=f"{member.get('name') or email or member['id']} ({project})"[:255],
        email=email,
        kind=IdentityKind.HUMAN,
        role=_text(f"{project}: {member.get('role') or 'member'}", 128),
    )


def _service_account(account: dict[str, Any], project: str) -> SourceIdentity:
    expect(bool(account.get("id")), "service_accounts")
    return SourceIdentity(
        external_id=str(account["id"])[:255],
        display_name=f"{account.get('name') or account['id']} ({project})"[:255],
        kind=IdentityKind.SERVICE_ACCOUNT,
        role=_text(f"{project}: {account.get('role') or 'member'}", 128),
        created_at=unix_moment(account.get("created_at")),
        container=project[:255],
    )


def _project_key(key: dict[str, Any], project: str) -> SourceIdentity:
    expect(bool(key.get("id")), "api_keys")
    owner: dict[str, Any] = key["owner"] if isinstance(key.get("owner"), dict) else {}
    holder = owner.get(owner.get("type") or "user") if owner else None
    holder = holder if isinstance(holder, dict) else {}
    name = key.get("name") or key["id"]
    return SourceIdentity(
        external_id=str(key["id"])[:255],
        display_name=f"{name} {key.get('redacted_value') or ''} ({project})".strip()[:255],
        kind=IdentityKind.API_KEY,
        role=_text(f"{project}: api key", 128),
        last_used_at=unix_moment(key.get("last_used_at")),
        owned_by=_text(holder.get("email") or holder.get("id"), 320),
        created_at=unix_moment(key.get("created_at")),
        expires_at=unix_moment(key.get("expires_at")),
        scopes=_scopes(key.get("scopes")),
        container=project[:255],
    )


def _text(value: Any, limit: int) -> str | None:
    return str(value)[:limit] if value else None


def _email(value: Any) -> str | None:
    return str(value).strip().lower()[:320] if value else None


def _scopes(value: Any) -> str | None:
    """`scopes` as a key may carry them (a list of strings; documented on the request that
    creates a service account's key, not on the listed key): joined, or None."""
    if not isinstance(value, list):
        return None
    names = sorted({str(name) for name in value if isinstance(name, str) and name})
    return ", ".join(names)[:255] or None
