"""The demo data shows every kind of finding a newcomer should meet in the playground."""

from __future__ import annotations

from sqlmodel import Session

from bot.gaps import compute_gaps
from bot.inventory import list_integrations
from bot.playground.seed import seed
from storage.declarations import verify_chain
from storage.vocabulary import GapKind
from tests.conftest import NOW


def test_seed_has_undeclared_stale_mismatch_and_scim_gaps(session: Session) -> None:
    seed(session, now=NOW)

    kinds = {gap.kind for gap in compute_gaps(session, review_days=90, now=NOW)}

    assert {GapKind.UNDECLARED, GapKind.STALE, GapKind.LANE_MISMATCH, GapKind.SCIM} <= kinds


def test_seed_registers_a_platform_and_two_customer_tenants(session: Session) -> None:
    seed(session, now=NOW)

    layers = {i.name: (str(i.layer), str(i.sso), str(i.scim)) for i in list_integrations(session)}

    assert layers == {
        "openai-platform": ("platform", "enforced", "enabled"),
        "acme-tenant": ("application", "enforced", "enabled"),
        "globex-tenant": ("application", "enforced", "none"),
    }


def test_seed_declarations_form_a_valid_audit_chain(session: Session) -> None:
    seed(session, now=NOW)

    assert verify_chain(session).ok
