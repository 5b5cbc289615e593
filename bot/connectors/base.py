"""What every connector gives a sync: identities as a stream, and SSO/SCIM facts."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from storage.vocabulary import IdentityKind, IdentityStatus, Layer, ScimStatus, Source, SsoStatus


class ConnectorError(Exception):
    """The source could not be read; the message is short, names no secret, and is shown."""


@dataclass(frozen=True)
class SourceIdentity:
    """One principal as the source reports it."""

    external_id: str
    display_name: str
    email: str | None = None
    kind: IdentityKind = IdentityKind.HUMAN
    role: str | None = None
    status: IdentityStatus = IdentityStatus.ACTIVE
    last_used_at: datetime | None = None
    owned_by: str | None = None
    created_at: datetime | None = None
    expires_at: datetime | None = None
    scopes: str | None = None
    container: str | None = None


@dataclass(frozen=True)
class Coverage:
    """What a source says about SSO and SCIM; None means it said nothing (unknown).

    `directory_layer` is the layer of the directory whose SCIM this is: a platform (workforce)
    directory's SCIM never counts for an application integration.
    """

    sso: SsoStatus | None = None
    scim: ScimStatus | None = None
    directory_layer: Layer | None = None


@dataclass(frozen=True)
class Organisation:
    """A customer organisation at the source, mapped to its own application integration."""

    external_ref: str
    name: str
    coverage: Coverage
    identities: Callable[[], Iterator[list[SourceIdentity]]] = field(repr=False)


class Connector(Protocol):
    source: Source

    def identity_pages(self) -> Iterator[list[SourceIdentity]]:
        """Identities page by page, so a sync never holds the whole source at once."""
        ...

    def coverage(self) -> Coverage:
        """SSO/SCIM facts for the integration itself (asked after the identities)."""
        ...

    def organisations(self) -> Iterator[Organisation]:
        """Customer organisations that map to child integrations (only WorkOS has them)."""
        ...
