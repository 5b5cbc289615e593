"""SCIM 2.0 (RFC 7643/7644): `/Users` and `/Groups`, paged by startIndex/count, parsed with
scim2-models; `/ServiceProviderConfig` tells the page size and whether filters work."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from pydantic import ValidationError
from scim2_models import (
    Context,
    EnterpriseUser,
    Group,
    ListResponse,
    ServiceProviderConfig,
    User,
)

from bot.connectors.base import ConnectorError, Coverage, Organisation, SourceIdentity
from bot.connectors.http import SourceClient, expect
from storage.vocabulary import IdentityKind, IdentityStatus, Layer, ScimStatus, Source

logger = logging.getLogger(__name__)

DEFAULT_PAGE_SIZE = 100
_Users = ListResponse[User[EnterpriseUser]]
_Groups = ListResponse[Group]


class ScimConnector:
    source = Source.SCIM

    def __init__(
        self,
        client: SourceClient,
        *,
        directory_layer: Layer,
        page_size: int = DEFAULT_PAGE_SIZE,
        scim_filter: str | None = None,
        groups: bool = False,
    ) -> None:
        self.client = client
        self.directory_layer = directory_layer
        self.page_size = page_size
        self.scim_filter = scim_filter
        self.groups = groups
        self._discovered = False

    def _discover(self) -> None:
        """Bound the page size by the server's maxResults, and refuse a filter it cannot do."""
        if self._discovered:
            return
        self._discovered = True
        try:
            document = self.client.get_json("ServiceProviderConfig")
            config = ServiceProviderConfig.model_validate(
                document, scim_ctx=Context.RESOURCE_QUERY_RESPONSE
            )
        except (ConnectorError, ValidationError) as error:
            # Discovery is optional for a SCIM client; the listing itself will fail loudly.
            logger.info("SCIM discovery unavailable, using defaults: %s", type(error).__name__)
            return
        bulk_filter = config.filter
        if bulk_filter is not None:
            if self.scim_filter and bulk_filter.supported is False:
                raise ConnectorError("the SCIM server does not support filters; remove `filter`")
            if bulk_filter.max_results:
                self.page_size = min(self.page_size, bulk_filter.max_results)

    def identity_pages(self) -> Iterator[list[SourceIdentity]]:
        self._discover()
        for resources in self._pages("Users", _Users):
            yield [_user(resource) for resource in resources]
        if self.groups:
            for resources in self._pages("Groups", _Groups):
                yield [_group(resource) for resource in resources]

    def _pages(self, endpoint: str, model: Any) -> Iterator[list[Any]]:
        """Pages in order; the next page is fetched while this one is parsed and written, so
        the server's time and ours overlap. At most two pages are held at once."""
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="scim-page") as fetcher:
            start = 1
            guard = self.client.pages(f"/{endpoint}")
            pending: Future[Any] = fetcher.submit(self._fetch, endpoint, start)
            while True:
                document = pending.result()
                try:
                    # The response context's checks add little for a reader and cost half
                    # the parse; the model still validates every attribute it keeps.
                    page = model.model_validate(document)
                except ValidationError:
                    raise ConnectorError(
                        f"the SCIM server answered a malformed /{endpoint} page"
                    ) from None
                resources = list(page.resources or [])
                if not resources:
                    return
                expect(page.total_results is not None, f"/{endpoint}")
                start += len(resources)
                more = start <= page.total_results
                if more:
                    # A server that ignores startIndex sends the same page forever.
                    guard.more([resource.id for resource in resources])
                    pending = fetcher.submit(self._fetch, endpoint, start)
                del document, page
                yield resources
                if not more:
                    return

    def _fetch(self, endpoint: str, start: int) -> Any:
        params: dict[str, Any] = {"startIndex": start, "count": self.page_size}
        if self.scim_filter and endpoint == "Users":
            params["filter"] = self.scim_filter
        return self.client.get_json(endpoint, params=params)

    def coverage(self) -> Coverage:
        # A directory that answers is SCIM lifecycle for whatever layer it provisions.
        return Coverage(scim=ScimStatus.ENABLED, directory_layer=self.directory_layer)

    def organisations(self) -> Iterator[Organisation]:
        return iter(())


def _clip(value: str | None, limit: int) -> str | None:
    return None if value is None else value[:limit]


def _user(user: Any) -> SourceIdentity:
    expect(bool(user.id), "/Users")
    emails = list(user.emails or [])
    primary = next((e for e in emails if e.primary), emails[0] if emails else None)
    email = str(primary.value).strip().lower() if primary and primary.value else None
    formatted = user.name.formatted if user.name else None
    roles = list(user.roles or [])
    role = roles[0].value if roles and roles[0].value else user.title
    return SourceIdentity(
        external_id=str(user.id)[:255],
        display_name=(user.display_name or formatted or user.user_name or str(user.id))[:255],
        email=_clip(email, 320),
        kind=IdentityKind.HUMAN,
        role=_clip(str(role), 128) if role else None,
        # RFC 7643 makes `active` optional; a listed user who says nothing is taken as active.
        status=IdentityStatus.INACTIVE if user.active is False else IdentityStatus.ACTIVE,
    )


def _group(group: Group) -> SourceIdentity:
    expect(bool(group.id), "/Groups")
    return SourceIdentity(
        external_id=f"group:{group.id}"[:255],
        display_name=(group.display_name or str(group.id))[:255],
        kind=IdentityKind.GROUP,
    )
