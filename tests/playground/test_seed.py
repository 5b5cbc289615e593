"""The demo data shows every kind of finding a newcomer should meet in the playground, dated
by the moment the playground starts at, never by the wall clock."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlmodel import Session, SQLModel

from bot.gaps import compute_gaps
from bot.integrations import list_integrations
from bot.playground.seed import seed
from storage.chain_check import verify_chain
from storage.types import UtcDateTime
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


def test_seed_dates_every_row_by_the_moment_it_is_given_not_the_wall_clock(
    session: Session,
) -> None:
    # Years before any real today: a row dated by the wall clock would be after it.
    start = datetime(2001, 1, 1, 14, 30, tzinfo=UTC)
    seed(session, now=start)
    session.flush()

    moments = [
        (f"{table.name}.{column.name}", moment)
        for table in SQLModel.metadata.sorted_tables
        for column in table.columns
        if isinstance(column.type, UtcDateTime)
        for moment in session.execute(sa.select(column)).scalars()
        if moment is not None
    ]

    assert moments, "the seed wrote no dated rows"
    # An expiry is a moment to come by design: a claim's is `start` plus the review interval.
    assert [(name, m) for name, m in moments if m > start and "expires_at" not in name] == []
