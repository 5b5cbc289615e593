"""What a gap is: its kind, where it is, who answers for it; and how urgent each kind is."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from storage.vocabulary import GapKind, ScimStatus

# Most urgent first: what the digest and the reports lead with.
URGENCY: tuple[GapKind, ...] = (
    GapKind.ORPHAN,
    GapKind.REMOVE,
    GapKind.OWNER_LEFT,
    GapKind.ADMIN_KEY,
    GapKind.CROSS_LANE,
    GapKind.LANE_MISMATCH,
    GapKind.SCIM,
    GapKind.SSO,
    GapKind.OWNERLESS,
    GapKind.UNUSED,
    GapKind.UNDECLARED,
    GapKind.STALE,
)

SCIM_WHY = {
    ScimStatus.PLATFORM_ONLY: "only the platform directory's SCIM covers it, and platform SCIM"
    " never provisions or deprovisions customers",
    ScimStatus.NONE: "no SCIM lifecycle for customer onboarding and offboarding",
    ScimStatus.UNKNOWN: "SCIM lifecycle status is unknown",
}


@dataclass(frozen=True)
class Gap:
    kind: GapKind
    integration: str
    owner: str
    backup_owner: str | None
    detail: str
    identity_id: int | None = None
    identity: str | None = None  # the identity's external id

    @property
    def urgency(self) -> int:
        return URGENCY.index(self.kind)


@dataclass(frozen=True)
class Owning:
    """What the per-identity loop needs of an integration, as plain attributes."""

    name: str
    owner: str
    backup_owner: str | None
    layer: str
    sso: str
    scim: str
    owner_active: bool
    # It has child integrations (a WorkOS account, an Okta org with `apps=all`): they carry
    # the coverage gaps of what they cover, so it gets coverage gaps for its own humans only.
    has_children: bool = False


def count_by_kind(gaps: Iterable[Gap]) -> dict[GapKind, int]:
    counts = Counter(gap.kind for gap in gaps)
    return {kind: counts[kind] for kind in URGENCY if counts[kind]}
