"""WorkOS (application layer): each organisation is a customer tenant with its own
integration; an active SSO connection is its SSO fact, a linked directory its SCIM fact."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from bot.connectors.base import Coverage, Organisation, SourceIdentity, summarise
from bot.connectors.http import SourceClient, expect
from storage.vocabulary import IdentityKind, IdentityStatus, Layer, ScimStatus, Source, SsoStatus

DEFAULT_BASE_URL = "https://api.workos.com/"
KEY_VARIABLE = "WORKOS_API_KEY"
PAGE_LIMIT = 100
LINKED = frozenset({"linked", "active"})  # older and newer names of a working directory


class WorkOSConnector:
    source = Source.WORKOS

    def __init__(self, client: SourceClient) -> None:
        self.client = client
        self._seen: list[Coverage] = []

    def _list(self, path: str, **filters: str) -> Iterator[list[dict[str, Any]]]:
        """Follow `list_metadata.after` cursors; yields each page's `data`."""
        after: str | None = None
        guard = self.client.pages(path)
        while True:
            params: dict[str, Any] = {"limit": PAGE_LIMIT, **filters}
            if after:
                params["after"] = after
            page = self.client.get_json(path, params=params)
            expect(isinstance(page, dict) and isinstance(page.get("data"), list), path)
            items = [item for item in page["data"] if isinstance(item, dict)]
            if items:
                yield items
            metadata = page.get("list_metadata")
            after = metadata.get("after") if isinstance(metadata, dict) else None
            if not after:
                return
            guard.more([str(item.get("id")) for item in items], cursor=str(after))

    def identity_pages(self) -> Iterator[list[SourceIdentity]]:
        """The WorkOS account itself has no identities; its organisations do."""
        return iter(())

    def organisations(self) -> Iterator[Organisation]:
        for organisations in self._list("organizations"):
            for organisation in organisations:
                expect(bool(organisation.get("id")), "organizations")
                yield self._organisation(organisation)

    def _organisation(self, organisation: dict[str, Any]) -> Organisation:
        org_id = str(organisation["id"])
        connections = [
            c for page in self._list("connections", organization_id=org_id) for c in page
        ]
        directories = [
            d for page in self._list("directories", organization_id=org_id) for d in page
        ]
        linked = [str(d["id"]) for d in directories if d.get("state") in LINKED and d.get("id")]
        active = any(c.get("state") == "active" for c in connections)
        coverage = Coverage(
            sso=SsoStatus.ENFORCED if active else SsoStatus.NONE,
            scim=ScimStatus.ENABLED if linked else ScimStatus.NONE,
            directory_layer=Layer.APPLICATION,
        )
        self._seen.append(coverage)

        def identities() -> Iterator[list[SourceIdentity]]:
            for directory_id in linked:
                for users in self._list("directory_users", directory=directory_id):
                    yield [_directory_user(user) for user in users]

        return Organisation(
            external_ref=org_id,
            name=str(organisation.get("name") or org_id),
            coverage=coverage,
            identities=identities,
        )

    def coverage(self) -> Coverage:
        """The account as a whole: a summary of its organisations' (see `summarise`)."""
        return summarise(self._seen, Layer.APPLICATION)


def _directory_user(user: dict[str, Any]) -> SourceIdentity:
    expect(bool(user.get("id")), "directory_users")
    emails = [e for e in user.get("emails") or [] if isinstance(e, dict) and e.get("value")]
    primary = next((e for e in emails if e.get("primary")), emails[0] if emails else None)
    raw_email = user.get("email") or (primary["value"] if primary else None)
    email = str(raw_email).strip().lower()[:320] if raw_email else None
    name = " ".join(str(p) for p in (user.get("first_name"), user.get("last_name")) if p)
    role = user.get("role") if isinstance(user.get("role"), dict) else {}
    return SourceIdentity(
        external_id=str(user["id"])[:255],
        display_name=(name or email or str(user["id"]))[:255],
        email=email,
        kind=IdentityKind.HUMAN,
        role=str(role["slug"])[:128] if role and role.get("slug") else None,
        status=IdentityStatus.ACTIVE if user.get("state") == "active" else IdentityStatus.INACTIVE,
    )
