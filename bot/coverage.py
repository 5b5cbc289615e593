"""SSO/SCIM coverage: manual claims (who, evidence, until when) and how source facts meet them."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from bot.authorization import Actor, require_steward
from bot.connectors.base import Coverage
from bot.errors import InvalidInput
from bot.integrations import get_integration
from storage import integrations as integration_repo
from storage.models import CoverageClaim, Integration
from storage.vocabulary import CoverageKind, Layer, ScimStatus, Source, SsoStatus

MANUAL = "manual"


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

    A live claim outranks a connector's fact; when it expires the status goes back to
    `unknown` and the next sync (or the next claim) says what is true.
    """
    integration = get_integration(session, integration_name)
    require_steward(actor, integration)
    status = _value(kind, value)
    claim = CoverageClaim(
        integration_id=integration.id or 0,
        kind=kind,
        value=status.value,
        evidence_url=_evidence(evidence_url),
        claimed_by=actor.user_id,
        claimed_at=now,
        expires_at=now + timedelta(days=review_days),
    )
    session.add(claim)
    before = _set(integration, kind, status.value, MANUAL, now)
    session.add(integration)
    integration_repo.record_event(
        session,
        actor=actor.user_id,
        action="coverage.claimed",
        integration_id=integration.id,
        detail={
            "kind": str(kind),
            "value": [before, status.value],
            "evidence": claim.evidence_url,
            "expires_at": claim.expires_at.isoformat(),
        },
        at=now,
    )
    session.flush()
    return claim


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
            # A manual status without any claim was stated at registration: leave it be.
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
    session: Session, integration: Integration, facts: Coverage, source: Source, now: datetime
) -> None:
    """A source's facts replace `unknown`, earlier facts and manual statements, but not a
    manual claim that is still live. Platform SCIM never covers an application integration."""
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
    if (
        scim is not None
        and not live[CoverageKind.SCIM]
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
