"""Every gap kind of the brief, with the edges that decide whether it is open."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session

from bot.authorization import Actor
from bot.declarations import declare
from bot.gaps import Gap, compute_gaps, count_by_kind
from bot.identities import add_identity
from bot.integrations import mark_owner_active, register_integration, set_coverage
from bot.rules import add_rule
from storage.models import Identity
from storage.vocabulary import (
    Answer,
    GapKind,
    IdentityKind,
    IdentityStatus,
    Layer,
    ScimStatus,
    SsoStatus,
)
from tests.conftest import NOW, OWNER

REVIEW_DAYS = 90


def _integration(
    session: Session,
    owner: Actor,
    name: str,
    layer: Layer,
    *,
    sso: SsoStatus = SsoStatus.ENFORCED,
    scim: ScimStatus = ScimStatus.ENABLED,
) -> None:
    register_integration(session, actor=owner, name=name, layer=layer, sso=sso, scim=scim, now=NOW)


def _identity(
    session: Session,
    owner: Actor,
    integration: str,
    who: str,
    kind: IdentityKind = IdentityKind.HUMAN,
) -> Identity:
    return add_identity(
        session, actor=owner, integration_name=integration, id_or_email=who, kind=kind, now=NOW
    )


def _gaps(session: Session, **scope: str) -> list[Gap]:
    return compute_gaps(session, review_days=REVIEW_DAYS, now=NOW, **scope)


def _kinds(session: Session, **scope: str) -> list[tuple[GapKind, str | None]]:
    return [(gap.kind, gap.identity) for gap in _gaps(session, **scope)]


def _deactivate(session: Session, identity: Identity) -> None:
    identity.status = IdentityStatus.INACTIVE
    session.add(identity)
    session.flush()


def test_no_integrations_no_gaps(session: Session) -> None:
    assert _gaps(session) == []


def test_fully_covered_declared_integration_has_no_gaps(session: Session, owner: Actor) -> None:
    _integration(session, owner, "openai-platform", Layer.PLATFORM)
    dev = _identity(session, owner, "openai-platform", "dev@corp.com")
    declare(session, actor=owner, identity_id=dev.id or 0, answer=Answer.WORKFORCE, now=NOW)

    assert _gaps(session) == []


def test_active_identity_without_a_lane_is_undeclared(session: Session, owner: Actor) -> None:
    _integration(session, owner, "openai-platform", Layer.PLATFORM)
    _identity(session, owner, "openai-platform", "key-1", IdentityKind.API_KEY)

    assert _kinds(session) == [(GapKind.UNDECLARED, "key-1")]


def test_inactive_identity_without_a_lane_is_not_a_gap(session: Session, owner: Actor) -> None:
    _integration(session, owner, "openai-platform", Layer.PLATFORM)
    _deactivate(
        session, _identity(session, owner, "openai-platform", "key-1", IdentityKind.API_KEY)
    )

    assert _gaps(session) == []


@pytest.mark.parametrize(
    ("age", "stale"),
    [
        (timedelta(days=REVIEW_DAYS), False),  # exactly the interval: still in date
        (timedelta(days=REVIEW_DAYS, seconds=1), True),
        (timedelta(days=REVIEW_DAYS - 1), False),
    ],
)
def test_stale_is_judged_against_the_review_interval(
    session: Session, owner: Actor, age: timedelta, stale: bool
) -> None:
    _integration(session, owner, "openai-platform", Layer.PLATFORM)
    key = _identity(session, owner, "openai-platform", "key-1", IdentityKind.API_KEY)
    declare(session, actor=owner, identity_id=key.id or 0, answer=Answer.WORKFORCE, now=NOW - age)

    assert _kinds(session) == ([(GapKind.STALE, "key-1")] if stale else [])


def test_redeclaring_refreshes_a_stale_lane(session: Session, owner: Actor) -> None:
    _integration(session, owner, "openai-platform", Layer.PLATFORM)
    key = _identity(session, owner, "openai-platform", "key-1", IdentityKind.API_KEY)
    old = NOW - timedelta(days=200)
    declare(session, actor=owner, identity_id=key.id or 0, answer=Answer.WORKFORCE, now=old)
    declare(session, actor=owner, identity_id=key.id or 0, answer=Answer.WORKFORCE, now=NOW)

    assert _gaps(session) == []


def test_a_longer_review_interval_makes_it_current(session: Session, owner: Actor) -> None:
    _integration(session, owner, "openai-platform", Layer.PLATFORM)
    key = _identity(session, owner, "openai-platform", "key-1", IdentityKind.API_KEY)
    old = NOW - timedelta(days=120)
    declare(session, actor=owner, identity_id=key.id or 0, answer=Answer.WORKFORCE, now=old)

    assert compute_gaps(session, review_days=180, now=NOW) == []


def test_human_identities_without_enforced_sso_are_an_sso_gap(
    session: Session, owner: Actor
) -> None:
    _integration(session, owner, "openai-platform", Layer.PLATFORM, sso=SsoStatus.OPTIONAL)
    dev = _identity(session, owner, "openai-platform", "dev@corp.com")
    declare(session, actor=owner, identity_id=dev.id or 0, answer=Answer.WORKFORCE, now=NOW)

    gaps = _gaps(session)

    assert [(g.kind, g.identity) for g in gaps] == [(GapKind.SSO, None)]
    assert "1 active human identity" in gaps[0].detail


def test_no_sso_gap_without_active_humans(session: Session, owner: Actor) -> None:
    _integration(session, owner, "openai-platform", Layer.PLATFORM, sso=SsoStatus.NONE)
    key = _identity(session, owner, "openai-platform", "key-1", IdentityKind.API_KEY)
    dev = _identity(session, owner, "openai-platform", "gone@corp.com")
    for identity in (key, dev):
        declare(
            session, actor=owner, identity_id=identity.id or 0, answer=Answer.WORKFORCE, now=NOW
        )
    _deactivate(session, dev)

    assert _gaps(session) == []


@pytest.mark.parametrize("scim", [ScimStatus.NONE, ScimStatus.UNKNOWN, ScimStatus.PLATFORM_ONLY])
def test_application_without_its_own_scim_is_a_scim_gap(
    session: Session, owner: Actor, scim: ScimStatus
) -> None:
    _integration(session, owner, "acme-tenant", Layer.APPLICATION, scim=scim)

    gaps = _gaps(session)

    assert [g.kind for g in gaps] == [GapKind.SCIM]
    if scim is ScimStatus.PLATFORM_ONLY:
        assert "platform SCIM never provisions" in gaps[0].detail


def test_platform_scim_only_is_no_gap_on_the_platform_itself(
    session: Session, owner: Actor
) -> None:
    _integration(session, owner, "openai-platform", Layer.PLATFORM, scim=ScimStatus.PLATFORM_ONLY)

    assert _gaps(session) == []


def test_setting_scim_enabled_closes_the_scim_gap(session: Session, owner: Actor) -> None:
    _integration(session, owner, "acme-tenant", Layer.APPLICATION, scim=ScimStatus.NONE)
    set_coverage(session, actor=owner, name="acme-tenant", scim=ScimStatus.ENABLED, now=NOW)

    assert _gaps(session) == []


@pytest.mark.parametrize(
    ("layer", "answer"),
    [(Layer.APPLICATION, Answer.WORKFORCE), (Layer.PLATFORM, Answer.CUSTOMER)],
)
def test_lane_against_the_layer_is_a_mismatch(
    session: Session, owner: Actor, layer: Layer, answer: Answer
) -> None:
    _integration(session, owner, "system", layer)
    person = _identity(session, owner, "system", "person@corp.com")
    declare(session, actor=owner, identity_id=person.id or 0, answer=answer, now=NOW)

    assert _kinds(session) == [(GapKind.LANE_MISMATCH, "person@corp.com")]


def test_a_note_justifies_a_lane_mismatch(session: Session, owner: Actor) -> None:
    _integration(session, owner, "acme-tenant", Layer.APPLICATION)
    support = _identity(session, owner, "acme-tenant", "support@corp.com")
    declare(
        session,
        actor=owner,
        identity_id=support.id or 0,
        answer=Answer.WORKFORCE,
        note="support engineer, ticket SEC-42",
        now=NOW,
    )

    assert _gaps(session) == []


def test_a_rule_is_not_a_justification_for_a_mismatch(session: Session, owner: Actor) -> None:
    _integration(session, owner, "acme-tenant", Layer.APPLICATION)
    _identity(session, owner, "acme-tenant", "svc-1", IdentityKind.SERVICE_ACCOUNT)
    add_rule(
        session,
        actor=owner,
        integration_name="acme-tenant",
        rule="kind:service_account",
        answer=Answer.WORKFORCE,
        now=NOW,
    )

    assert _kinds(session) == [(GapKind.LANE_MISMATCH, "svc-1")]


def test_one_email_in_both_lanes_across_integrations_is_cross_lane(
    session: Session, owner: Actor
) -> None:
    _integration(session, owner, "openai-platform", Layer.PLATFORM)
    _integration(session, owner, "acme-tenant", Layer.APPLICATION)
    staff = _identity(session, owner, "openai-platform", "pat@corp.com")
    tenant = _identity(session, owner, "acme-tenant", "pat@corp.com")
    declare(session, actor=owner, identity_id=staff.id or 0, answer=Answer.WORKFORCE, now=NOW)
    declare(session, actor=owner, identity_id=tenant.id or 0, answer=Answer.CUSTOMER, now=NOW)

    gaps = _gaps(session)

    assert sorted((g.kind, g.integration) for g in gaps) == [
        (GapKind.CROSS_LANE, "acme-tenant"),
        (GapKind.CROSS_LANE, "openai-platform"),
    ]
    assert "`workforce` in openai-platform" in next(
        g.detail for g in gaps if g.integration == "acme-tenant"
    )
    # Scoped to one integration, the other side is still what makes it a gap.
    assert _kinds(session, integration="acme-tenant") == [(GapKind.CROSS_LANE, "pat@corp.com")]


def test_same_lane_everywhere_is_not_cross_lane(session: Session, owner: Actor) -> None:
    _integration(session, owner, "openai-platform", Layer.PLATFORM)
    _integration(session, owner, "github", Layer.PLATFORM)
    for name in ("openai-platform", "github"):
        person = _identity(session, owner, name, "pat@corp.com")
        declare(session, actor=owner, identity_id=person.id or 0, answer=Answer.WORKFORCE, now=NOW)

    assert _gaps(session) == []


def test_cross_lane_ignores_an_identity_that_is_no_longer_active(
    session: Session, owner: Actor
) -> None:
    _integration(session, owner, "openai-platform", Layer.PLATFORM)
    _integration(session, owner, "acme-tenant", Layer.APPLICATION)
    staff = _identity(session, owner, "openai-platform", "pat@corp.com")
    tenant = _identity(session, owner, "acme-tenant", "pat@corp.com")
    declare(session, actor=owner, identity_id=staff.id or 0, answer=Answer.WORKFORCE, now=NOW)
    declare(session, actor=owner, identity_id=tenant.id or 0, answer=Answer.CUSTOMER, now=NOW)
    _deactivate(session, tenant)

    assert _gaps(session) == []


def test_integration_whose_owner_left_slack_is_an_orphan(session: Session, owner: Actor) -> None:
    _integration(session, owner, "openai-platform", Layer.PLATFORM)
    assert mark_owner_active(session, user_id=OWNER, active=False) == 1

    gaps = _gaps(session)

    assert [g.kind for g in gaps] == [GapKind.ORPHAN]
    assert gaps[0].owner == OWNER
    assert "<@" not in gaps[0].detail  # a domain value: each surface renders the owner itself


def test_orphan_closes_when_the_owner_is_active_again(session: Session, owner: Actor) -> None:
    _integration(session, owner, "openai-platform", Layer.PLATFORM)
    mark_owner_active(session, user_id=OWNER, active=False)
    mark_owner_active(session, user_id=OWNER, active=True)

    assert _gaps(session) == []


def test_declared_remove_but_still_active_is_a_remove_gap(session: Session, owner: Actor) -> None:
    _integration(session, owner, "openai-platform", Layer.PLATFORM)
    key = _identity(session, owner, "openai-platform", "old-key", IdentityKind.API_KEY)
    declare(session, actor=owner, identity_id=key.id or 0, answer=Answer.REMOVE, now=NOW)

    assert _kinds(session) == [(GapKind.REMOVE, "old-key")]


def test_removed_and_gone_at_the_source_is_closed(session: Session, owner: Actor) -> None:
    _integration(session, owner, "openai-platform", Layer.PLATFORM)
    key = _identity(session, owner, "openai-platform", "old-key", IdentityKind.API_KEY)
    old = NOW - timedelta(days=400)  # a remove is never "stale"
    declare(session, actor=owner, identity_id=key.id or 0, answer=Answer.REMOVE, now=old)
    _deactivate(session, key)

    assert _gaps(session) == []


def test_gaps_come_most_urgent_first_and_scope_by_owner(
    session: Session, owner: Actor, admin: Actor
) -> None:
    _integration(session, owner, "acme-tenant", Layer.APPLICATION, scim=ScimStatus.NONE)
    _identity(session, owner, "acme-tenant", "new@acme.com")
    register_integration(
        session, actor=admin, name="other", layer=Layer.PLATFORM, owner="U0SOMEONE", now=NOW
    )
    _identity(session, admin, "other", "k", IdentityKind.API_KEY)
    old_key = _identity(session, owner, "acme-tenant", "old-key", IdentityKind.API_KEY)
    declare(session, actor=owner, identity_id=old_key.id or 0, answer=Answer.REMOVE, now=NOW)

    mine = _gaps(session, owner=OWNER)

    assert [g.kind for g in mine] == [GapKind.REMOVE, GapKind.SCIM, GapKind.UNDECLARED]
    assert count_by_kind(_gaps(session)) == {
        GapKind.REMOVE: 1,
        GapKind.SCIM: 1,
        GapKind.UNDECLARED: 2,
    }
