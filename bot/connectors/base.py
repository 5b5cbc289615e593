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
    """A part of the source with identities and coverage of its own (a WorkOS organisation, an
    Okta app), mapped to its own child integration of `layer`."""

    external_ref: str
    name: str
    coverage: Coverage
    identities: Callable[[], Iterator[list[SourceIdentity]]] = field(repr=False)
    layer: Layer = Layer.APPLICATION


def summarise(parts: list[Coverage], directory_layer: Layer) -> Coverage:
    """A parent's coverage from its parts': SSO `enforced` if every part enforces it,
    `optional` if some do, else `none`; SCIM `enabled` only if every part has it. Nothing is
    said (unknown) without parts. The parent gets no coverage gaps of its own for it: each
    part's integration carries its own (bot/gaps/rules.py)."""
    if not parts:
        return Coverage()
    enforced = [part.sso == SsoStatus.ENFORCED for part in parts]
    sso = SsoStatus.ENFORCED if all(enforced) else SsoStatus.NONE
    if any(enforced) and not all(enforced):
        sso = SsoStatus.OPTIONAL
    scim = (
        ScimStatus.ENABLED if all(p.scim == ScimStatus.ENABLED for p in parts) else ScimStatus.NONE
    )
    return Coverage(sso=sso, scim=scim, directory_layer=directory_layer)


class Connector(Protocol):
    source: Source

    def identity_pages(self) -> Iterator[list[SourceIdentity]]:
        """Identities page by page, so a sync never holds the whole source at once."""
        ...

    def coverage(self) -> Coverage:
        """SSO/SCIM facts for the integration itself (asked after the identities)."""
        ...

    def organisations(self) -> Iterator[Organisation]:
        """Parts that map to child integrations: WorkOS organisations, Okta apps (`apps=all`)."""
        ...
