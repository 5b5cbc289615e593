"""SSO/SCIM coverage: manual claims (who, evidence, until when, also those made at registration)
and how source facts meet them; a claim never upgrades a source's `platform-only`."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Protocol

from sqlmodel import Session, col, select

from bot import validation
from bot.authorization import Actor, require_steward
from bot.errors import InvalidInput, NotFound
from storage import integrations as integration_repo
from storage.models import CoverageClaim, Integration
from storage.vocabulary import CoverageKind, Layer, ScimStatus, Source, SsoStatus

MANUAL = "manual"


class SourceFacts(Protocol):
    """What a source says about SSO and SCIM (bot.connectors.base.Coverage), as far as this
    module needs it; named here so that registration, which records claims, does not depend
    on the connectors."""

    @property
    def sso(self) -> SsoStatus | None: ...
    @property
    def scim(self) -> ScimStatus | None: ...
    @property
    def directory_layer(self) -> Layer | None: ...


def _value(kind: CoverageKind, value: str) -> SsoStatus | ScimStatus:
    enum: type[SsoStatus] | type[ScimStatus] = SsoStatus if kind is CoverageKind.SSO else ScimStatus
    try:
        parsed = enum(value.strip().lower())
    except ValueError:
        parsed = None
    if parsed is None or parsed.value == "unknown":
        allowed = ", ".join(v.value for v in enum if v.value != "unknown")
        raise InvalidInput(f"A {kind} claim is one of {allowed}.") from None
    return parsed


def _evidence(url: str) -> str:
    url = url.strip()
    if not url.startswith(("https://", "http://")) or len(url) > 1000 or " " in url:
        raise InvalidInput("The evidence is a link (http or https, at most 1000 characters).")
    return url


def claim_coverage(
    session: Session,
    *,
    actor: Actor,
    integration_name: str,
    kind: CoverageKind,
    value: str,
    evidence_url: str,
    review_days: int,
    now: datetime,
) -> CoverageClaim:
    """Record a claim ("SCIM covers this") and apply it until the review interval passes.

    A live claim outranks a connector's fact, except that it never upgrades a `platform-only`
    the source reported; when it expires the status goes back to `unknown` and the next sync
    (or the next claim) says what is true.
    """
    integration = _integration(session, integration_name)
    require_steward(actor, integration)
    return record_claim(
        session,
        actor=actor,
        integration=integration,
        kind=kind,
        status=_value(kind, value),
        evidence_url=evidence_url,
        review_days=review_days,
        now=now,
    )


def record_claim(
    session: Session,
    *,
    actor: Actor,
    integration: Integration,
    kind: CoverageKind,
    status: SsoStatus | ScimStatus,
    evidence_url: str | None,
    review_days: int,
    now: datetime,
    at_registration: bool = False,
) -> CoverageClaim:
    """The claim itself, for an integration already found and a steward already checked:
    the CoverageClaim row, the status it sets, and its entry in the audit chain. Only a
    registration made in code may come without evidence (every command asks for a link)."""
    refuse_platform_upgrade(integration, kind, status)
    if evidence_url is None and not at_registration:
        raise InvalidInput("A claim needs its evidence: a link (ticket, IdP screen).")
    claim = CoverageClaim(
        integration_id=integration.id or 0,
        kind=kind,
        value=status.value,
        evidence_url=None if evidence_url is None else _evidence(evidence_url),
        claimed_by=actor.user_id,
        claimed_at=now,
        expires_at=now + timedelta(days=review_days),
    )
    session.add(claim)
    before = _set(integration, kind, status.value, MANUAL, now)
    session.add(integration)
    session.flush()
    detail = {
        "kind": str(kind),
        "value": [before, status.value],
        "evidence": claim.evidence_url,
        "expires_at": claim.expires_at.isoformat(),
        "claim_id": claim.id,
    }
    if at_registration:
        detail["at_registration"] = True
    integration_repo.record_event(
        session,
        actor=actor.user_id,
        action="coverage.claimed",
        integration_id=integration.id,
        detail=detail,
        at=now,
    )
    return claim


def refuse_platform_upgrade(
    integration: Integration, kind: CoverageKind, status: SsoStatus | ScimStatus
) -> None:
    """Platform SCIM is never coverage for customer onboarding or offboarding: where a source
    reported `platform-only`, no manual statement may turn it into `enabled`."""
    source = integration.scim_source
    reported = integration.scim == ScimStatus.PLATFORM_ONLY and source not in (None, MANUAL)
    if kind is CoverageKind.SCIM and status is ScimStatus.ENABLED and reported:
        raise InvalidInput(
            f"`{integration.name}`'s SCIM is `platform-only` as its {source} source reports it;"
            " a manual claim cannot upgrade that (platform SCIM never covers customer"
            " onboarding or offboarding). Connect the application's own SCIM directory."
        )


def _integration(session: Session, name: str) -> Integration:
    # bot.integrations.get_integration, without importing it: registration records claims.
    integration = integration_repo.get_by_name(session, name=name.strip().lower())
    if integration is None:
        raise NotFound(f"No integration is called `{validation.clip(name)}`.")
    return integration


def live_claim(
    session: Session, *, integration_id: int, kind: CoverageKind, now: datetime
) -> CoverageClaim | None:
    """The latest claim of this kind if it has not expired."""
    latest = session.exec(
        select(CoverageClaim)
        .where(col(CoverageClaim.integration_id) == integration_id, col(CoverageClaim.kind) == kind)
        .order_by(col(CoverageClaim.claimed_at).desc(), col(CoverageClaim.id).desc())
        .limit(1)
    ).first()
    if latest is None or latest.expires_at <= now:
        return None
    return latest


def expire_claims(session: Session, *, now: datetime) -> list[str]:
    """Put statuses that only an expired claim held up back to `unknown`; return the names."""
    expired: list[str] = []
    manual = session.exec(
        select(Integration).where(
            (col(Integration.sso_source) == MANUAL) | (col(Integration.scim_source) == MANUAL)
        )
    ).all()
    for integration in manual:
        for kind in CoverageKind:
            source = integration.sso_source if kind is CoverageKind.SSO else integration.scim_source
            if source != MANUAL:
                continue
            claims = session.exec(
                select(CoverageClaim)
                .where(
                    col(CoverageClaim.integration_id) == integration.id,
                    col(CoverageClaim.kind) == kind,
                )
                .order_by(col(CoverageClaim.claimed_at).desc(), col(CoverageClaim.id).desc())
                .limit(1)
            ).first()
            # A manual status without any claim predates claims at registration: leave it be.
            if claims is None or claims.expires_at > now:
                continue
            before = _set(integration, kind, "unknown", None, now)
            session.add(integration)
            integration_repo.record_event(
                session,
                actor="boundary-bot",
                action="coverage.claim_expired",
                integration_id=integration.id,
                detail={"kind": str(kind), "value": [before, "unknown"], "claim_id": claims.id},
                at=now,
            )
            expired.append(integration.name)
    return expired


def _set(
    integration: Integration, kind: CoverageKind, value: str, source: str | None, now: datetime
) -> str:
    """Set one status and its source; return the value it replaced."""
    if kind is CoverageKind.SSO:
        before = str(integration.sso)
        integration.sso, integration.sso_source = SsoStatus(value), source
    else:
        before = str(integration.scim)
        integration.scim, integration.scim_source = ScimStatus(value), source
    integration.updated_at = now
    return before


def apply_source_facts(
    session: Session, integration: Integration, facts: SourceFacts, source: Source, now: datetime
) -> None:
    """A source's facts replace `unknown`, earlier facts and manual statements, but not a
    manual claim that is still live, unless the claim says SCIM is `enabled` where the source
    reports `platform-only`. Platform SCIM never covers an application integration."""
    scim = facts.scim
    if (
        scim is ScimStatus.ENABLED
        and facts.directory_layer is Layer.PLATFORM
        and integration.layer == Layer.APPLICATION
    ):
        scim = ScimStatus.PLATFORM_ONLY
    detail: dict[str, list[str]] = {}
    live = {
        kind: live_claim(session, integration_id=integration.id or 0, kind=kind, now=now)
        for kind in CoverageKind
    }
    sso = facts.sso
    if (
        sso is not None
        and not live[CoverageKind.SSO]
        and ((integration.sso, integration.sso_source) != (sso, source.value))
    ):
        detail["sso"] = [str(integration.sso), sso.value]
        integration.sso, integration.sso_source = sso, source.value
    # A live `enabled` claim does not outrank a source that reports platform-only SCIM.
    claimed = live[CoverageKind.SCIM]
    outranked = claimed is not None and not (
        scim is ScimStatus.PLATFORM_ONLY and claimed.value == ScimStatus.ENABLED.value
    )
    if (
        scim is not None
        and not outranked
        and ((integration.scim, integration.scim_source) != (scim, source.value))
    ):
        detail["scim"] = [str(integration.scim), scim.value]
        integration.scim, integration.scim_source = scim, source.value
    if detail:
        integration.updated_at = now
        session.add(integration)
        integration_repo.record_event(
            session,
            actor=f"sync:{source}",
            action="coverage.synced",
            integration_id=integration.id,
            detail=detail,
            at=now,
        )
