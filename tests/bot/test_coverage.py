"""Manual SSO/SCIM claims: recorded with who, when and evidence; outrank a source; expire."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from bot.authorization import Actor
from bot.clock import ManualClock
from bot.connectors.base import Coverage
from bot.coverage import apply_source_facts, claim_coverage, expire_claims
from bot.errors import InvalidInput
from bot.integrations import register_integration
from bot.runtime import Runtime
from storage.models import CoverageClaim
from storage.vocabulary import CoverageKind, Layer, ScimStatus, Source, SsoStatus
from tests.conftest import NOW
from tests.connectors.helpers import integration


def _claim(
    runtime: Runtime, owner: Actor, value: str = "enabled", evidence: str = "https://x/1"
) -> CoverageClaim:
    with runtime.unit_of_work() as session:
        register_integration(
            session, actor=owner, name="acme-tenant", layer=Layer.APPLICATION, now=NOW
        )
        return claim_coverage(
            session,
            actor=owner,
            integration_name="acme-tenant",
            kind=CoverageKind.SCIM,
            value=value,
            evidence_url=evidence,
            review_days=90,
            now=runtime.clock.now(),
        )


def test_claim_records_who_when_evidence_and_sets_the_status(
    runtime: Runtime, owner: Actor
) -> None:
    claim = _claim(runtime, owner)

    with runtime.unit_of_work() as session:
        tenant = integration(session, "acme-tenant")
    assert (claim.claimed_by, claim.evidence_url) == (owner.user_id, "https://x/1")
    assert claim.expires_at - claim.claimed_at == timedelta(days=90)
    assert (tenant.scim, tenant.scim_source) == (ScimStatus.ENABLED, "manual")


def test_claim_without_a_link_is_refused(runtime: Runtime, owner: Actor) -> None:
    with pytest.raises(InvalidInput, match="evidence"):
        _claim(runtime, owner, evidence="trust me")


def test_live_claim_outranks_a_source_fact_until_it_expires(
    runtime: Runtime, owner: Actor, clock: ManualClock
) -> None:
    _claim(runtime, owner)
    facts = Coverage(sso=SsoStatus.NONE, scim=ScimStatus.NONE, directory_layer=Layer.APPLICATION)
    with runtime.unit_of_work() as session:
        apply_source_facts(
            session, integration(session, "acme-tenant"), facts, Source.WORKOS, clock.now()
        )
    clock.advance(timedelta(days=91))
    with runtime.unit_of_work() as session:
        before = integration(session, "acme-tenant")
        apply_source_facts(session, before, facts, Source.WORKOS, clock.now())

    with runtime.unit_of_work() as session:
        after = integration(session, "acme-tenant")
    assert after.sso == SsoStatus.NONE
    assert (after.scim, after.scim_source) == (ScimStatus.NONE, "workos")


def test_expired_claim_puts_the_status_back_to_unknown(
    runtime: Runtime, owner: Actor, clock: ManualClock, tmp_path: Path
) -> None:
    _claim(runtime, owner)
    clock.advance(timedelta(days=90, seconds=1))

    with runtime.unit_of_work() as session:
        expired = expire_claims(session, now=clock.now())

    with runtime.unit_of_work() as session:
        tenant = integration(session, "acme-tenant")
    assert expired == ["acme-tenant"]
    assert (tenant.scim, tenant.scim_source) == (ScimStatus.UNKNOWN, None)
