"""The rules of every gap kind, applied to identity rows and to integrations."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any

from sqlmodel import Session

from bot.gaps.model import SCIM_WHY, Gap, Owning
from bot.gaps.rows import NARROW_SCOPE, conflicting_emails
from storage.vocabulary import (
    Answer,
    GapKind,
    IdentityKind,
    IdentityStatus,
    Layer,
    ScimStatus,
    SsoStatus,
)

_STILL_ACTIVE = "declared `remove`, but its source still reports it active"
_MISMATCH_WORKFORCE = (
    "`workforce` identity in an application integration (staff access to a customer"
    " tenant) with no note that justifies it"
)
_MISMATCH_CUSTOMER = "`customer` identity in a platform integration with no note that justifies it"
_KNOWN_UNENFORCED = frozenset({SsoStatus.NONE.value, SsoStatus.OPTIONAL.value})
_TENANT_WITHOUT_SSO = (
    "no active human identity yet, and SSO is `{sso}`, not `enforced`: this customer tenant's"
    " users will sign in without its identity provider"
)


def findings(session: Session, scope: dict[int, Owning], rows: Iterable[Any]) -> Iterator[Gap]:
    """The rules of every gap kind, applied to identity rows of the integrations in scope."""
    conflicts = conflicting_emails(session, list(scope) if len(scope) <= NARROW_SCOPE else None)
    active_humans: Counter[int] = Counter()
    yield from row_findings(scope, rows, conflicts, active_humans)
    for integration_id, owning in scope.items():
        yield from integration_findings(owning, active_humans[integration_id])


def row_findings(
    scope: dict[int, Owning],
    rows: Iterable[Any],
    conflicts: dict[str, dict[str, list[str]]],
    active_humans: Counter[int],
) -> Iterator[Gap]:
    """The rules of each identity row (`rows.identity_query`); counts the active humans of
    each integration into `active_humans` on the way.

    The loop is deliberately flat and works on plain rows: it runs once per identity.
    """
    active, human = IdentityStatus.ACTIVE.value, IdentityKind.HUMAN.value
    workforce, customer, remove = (a.value for a in Answer)
    application, platform = Layer.APPLICATION.value, Layer.PLATFORM.value

    for row in rows:
        identity_id, integration_id, external_id, email, kind, status, answer = row[:7]
        if status != active:
            continue  # gone at its source: nothing left to review, even a `remove`
        owning = scope[integration_id]
        found: list[tuple[GapKind, str]] = []
        if kind == human:
            active_humans[integration_id] += 1
        if answer is None:
            found.append((GapKind.UNDECLARED, "active, and no lane has been declared"))
        elif answer == remove:
            found.append((GapKind.REMOVE, _STILL_ACTIVE))
        else:
            declared_at, note, stale = row[7:]
            if stale:
                when = str(declared_at)[:10]
                found.append((GapKind.STALE, f"lane last declared {when}; due for review"))
            if not note:
                if answer == workforce and owning.layer == application:
                    found.append((GapKind.LANE_MISMATCH, _MISMATCH_WORKFORCE))
                elif answer == customer and owning.layer == platform:
                    found.append((GapKind.LANE_MISMATCH, _MISMATCH_CUSTOMER))
            if email is not None and email in conflicts:
                other = customer if answer == workforce else workforce
                elsewhere = ", ".join(sorted(set(conflicts[email][other])))
                found.append(
                    (GapKind.CROSS_LANE, f"{email} is `{answer}` here but `{other}` in {elsewhere}")
                )
        for gap_kind, detail in found:
            yield Gap(
                gap_kind,
                owning.name,
                owning.owner,
                owning.backup_owner,
                detail,
                identity_id,
                external_id,
            )


def integration_findings(integration: Owning, active_humans: int) -> Iterable[Gap]:
    """Gaps of the integration itself. A customer tenant without SSO is a gap before its first
    user arrives; a parent whose children carry coverage (a WorkOS account's organisations, an
    Okta org's apps) gets coverage gaps only for human identities of its own, so each gap is
    told once, by the integration that can close it."""

    def gap(kind: GapKind, detail: str) -> Gap:
        return Gap(kind, integration.name, integration.owner, integration.backup_owner, detail)

    if not integration.owner_active:
        yield gap(GapKind.ORPHAN, "the owner is deactivated or gone in Slack")
    if integration.has_children and not active_humans:
        return
    application = integration.layer == Layer.APPLICATION
    if integration.sso != SsoStatus.ENFORCED:
        if active_humans:
            yield gap(
                GapKind.SSO,
                f"{active_humans} active human identit{'y' if active_humans == 1 else 'ies'}"
                f" and SSO is `{integration.sso}`, not `enforced`",
            )
        elif application and integration.sso in _KNOWN_UNENFORCED:
            yield gap(GapKind.SSO, _TENANT_WITHOUT_SSO.format(sso=integration.sso))
    if application and integration.scim != ScimStatus.ENABLED:
        yield gap(GapKind.SCIM, SCIM_WHY[ScimStatus(integration.scim)])
