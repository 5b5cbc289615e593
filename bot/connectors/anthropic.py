"""Claude platform Admin API (platform layer): organisation users, pending invites, workspace
members and API keys. The API says nothing about SSO or SCIM, so it gives no coverage facts."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

from bot.connectors.base import Coverage, Organisation, SourceIdentity
from bot.connectors.http import SourceClient, expect
from bot.connectors.moments import rfc3339_moment
from storage.vocabulary import IdentityKind, IdentityStatus, Source

DEFAULT_BASE_URL = "https://api.anthropic.com/v1/"
KEY_VARIABLE = "ANTHROPIC_ADMIN_KEY"
API_VERSION = "2023-06-01"
PAGE_LIMIT = 100  # the API allows 1 to 1000; 100 keeps one page well under the size cap
# Where a key belongs when it is not a workspace's: the organisation (`scope.type`), or the
# default workspace (a null `workspace_id`, in the older shape).
ORGANISATION = "organization"
DEFAULT_WORKSPACE = "default workspace"


def auth_headers(admin_key: str) -> dict[str, str]:
    """The Admin API takes the key in `x-api-key`, not as a bearer token."""
    return {"x-api-key": admin_key, "anthropic-version": API_VERSION}


class AnthropicConnector:
    source = Source.ANTHROPIC

    def __init__(self, client: SourceClient) -> None:
        self.client = client
        # Workspace members name only a user id: the organisation's users give the person.
        self._people: dict[str, tuple[str, str | None]] = {}
        self._workspaces: dict[str, str] = {}

    def _list(self, path: str, **query: str) -> Iterator[list[dict[str, Any]]]:
        """Follow `has_more` / `last_id` paging (`after_id` asks for the next page)."""
        after: str | None = None
        guard = self.client.pages(path)
        while True:
            params: dict[str, Any] = {**query, "limit": PAGE_LIMIT}
            if after:
                params["after_id"] = after
            page = self.client.get_json(path, params=params)
            expect(isinstance(page, dict) and isinstance(page.get("data"), list), path)
            items = [item for item in page["data"] if isinstance(item, dict)]
            if items:
                yield items
            after = page.get("last_id") or (_key_of(items[-1]) if items else None)
            if page.get("has_more") is not True or not after:
                return
            guard.more([_key_of(item) for item in items], cursor=str(after))

    def identity_pages(self) -> Iterator[list[SourceIdentity]]:
        for users in self._list("organizations/users"):
            yield [self._user(user) for user in users]
        for invites in self._list("organizations/invites"):
            # Accepted invites are users already; expired and deleted ones grant nothing.
            yield [_invite(i) for i in invites if i.get("status") == "pending"]
        # Archived workspaces too, so that the keys archived with them are named.
        for workspaces in self._list("organizations/workspaces", include_archived="true"):
            for workspace in workspaces:
                yield from self._workspace(workspace)
        for keys in self._list("organizations/api_keys"):
            yield [self._api_key(key) for key in keys]

    def _user(self, user: dict[str, Any]) -> SourceIdentity:
        expect(bool(user.get("id")), "organizations/users")
        user_id = str(user["id"])
        email = _email(user.get("email"))
        name = str(user.get("name") or email or user_id)
        self._people[user_id] = (name, email)
        return SourceIdentity(
            external_id=user_id[:255],
            display_name=name[:255],
            email=email,
            kind=IdentityKind.HUMAN,
            role=_text(user.get("role"), 128),
        )

    def _workspace(self, workspace: dict[str, Any]) -> Iterator[list[SourceIdentity]]:
        workspace_id = str(workspace.get("id") or "")
        expect(bool(workspace_id), "organizations/workspaces")
        label = str(workspace.get("name") or workspace_id)
        self._workspaces[workspace_id] = label
        if workspace.get("archived_at"):
            return  # nobody reaches an archived workspace; its keys report their own status
        path = f"organizations/workspaces/{quote(workspace_id, safe='')}/members"
        for members in self._list(path):
            yield [self._member(member, workspace_id, label) for member in members]

    def _member(self, member: dict[str, Any], workspace_id: str, label: str) -> SourceIdentity:
        """A person's membership of one workspace: a grant of its own (a workspace developer
        can create keys), reviewed apart from their organisation account."""
        expect(bool(member.get("user_id")), "workspaces/members")
        user_id = str(member["user_id"])
        name, email = self._people.get(user_id, (user_id, None))
        return SourceIdentity(
            external_id=f"{workspace_id}/{user_id}"[:255],
            display_name=f"{name} ({label})"[:255],
            email=email,
            kind=IdentityKind.HUMAN,
            role=_text(f"{label}: {member.get('workspace_role') or 'member'}", 128),
        )

    def _api_key(self, key: dict[str, Any]) -> SourceIdentity:
        expect(bool(key.get("id")) and isinstance(key.get("status"), str), "organizations/api_keys")
        creator = _object(key.get("created_by"))  # null for legacy and system-created keys
        owner = _text(creator.get("id"), 320)
        label = self._key_workspace(key)
        name = str(key.get("name") or key["id"])
        if owner and creator.get("type", "user") == "user" and owner not in self._people:
            # The creator left the organisation but the key still works: it needs a reviewer.
            name = f"{name} (creator {owner} is no longer in the org)"
        hint = key.get("partial_key_hint") or ""
        return SourceIdentity(
            external_id=str(key["id"])[:255],
            display_name=f"{name} {hint} ({label})".replace("  ", " ")[:255],
            kind=IdentityKind.API_KEY,
            role=_text(f"{label}: api key", 128),
            # `inactive`, `archived` and `expired` keys authenticate nothing.
            status=IdentityStatus.ACTIVE if key["status"] == "active" else IdentityStatus.INACTIVE,
            owned_by=owner,
            created_at=rfc3339_moment(key.get("created_at")),
            # Null means the key never expires (documented); garbage is read as null too.
            expires_at=rfc3339_moment(key.get("expires_at")),
            container=label[:255],
        )

    def _key_workspace(self, key: dict[str, Any]) -> str:
        """The workspace a key belongs to, by name: `workspace_id`, or the newer `scope`."""
        scope = _object(key.get("scope"))
        if scope.get("type") == ORGANISATION:
            return ORGANISATION
        workspace_id = key.get("workspace_id") or scope.get("workspace_id")
        if not workspace_id:
            return DEFAULT_WORKSPACE  # the documented meaning of a null workspace_id
        return self._workspaces.get(str(workspace_id), str(workspace_id))

    def coverage(self) -> Coverage:
        # The Admin API reports neither SSO enforcement nor SCIM provisioning: both stay
        # unknown (or as claimed by hand).
        return Coverage()

    def organisations(self) -> Iterator[Organisation]:
        return iter(())


def _invite(invite: dict[str, Any]) -> SourceIdentity:
    expect(bool(invite.get("id")), "organizations/invites")
    email = _email(invite.get("email"))
    return SourceIdentity(
        external_id=str(invite["id"])[:255],
        display_name=f"invite {email or invite['id']}"[:255],
        email=email,
        role=_text(invite.get("role"), 128),
    )


def _key_of(item: dict[str, Any]) -> str:
    """What tells one listed object from another (members have a user id, not an id)."""
    return str(item.get("id") or item.get("user_id") or "")


def _object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _text(value: Any, limit: int) -> str | None:
    return str(value)[:limit] if value else None


def _email(value: Any) -> str | None:
    return str(value).strip().lower()[:320] if value else None
