"""Campaign use cases on both databases: launch freezes the population and chains its root,
decisions follow the reviewer rules, sign-off locks, close records what stayed undecided, and
the chain verifies after every step."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import Session, col, select

from bot.authorization import Actor
from bot.campaigns import closing, delegation, events, progress, review
from bot.errors import Conflict, InvalidInput, NotAllowed, NotFound
from bot.identities import add_identity
from storage.chain_check import verify_chain
from storage.models import AuditEvent, CampaignItem, Declaration
from storage.population import PopulationRoot
from storage.vocabulary import Answer, CloseRule, Decision
from tests.bot.campaign_setup import (
    ADMIN_ACTOR,
    DUE,
    OWN,
    SVC,
    TENANT,
    UNDECLARED,
    inventory,
    launch,
)
from tests.conftest import BACKUP, NOW, OWNER, STRANGER

OWNER_ACTOR = Actor(OWNER)


@pytest.fixture
def acme(session: Session) -> Session:
    inventory(session)
    return session


def _decide(
    session: Session, actor: Actor, position: int, decision: Decision, **kw: object
) -> None:
    review.decide(
        session,
        actor=actor,
        campaign_name="q1-review",
        position=position,
        decision=decision,
        now=NOW,
        **kw,  # type: ignore[arg-type]
    )


def test_launch_freezes_every_active_identity_and_chains_the_root(acme: Session) -> None:
    launched = launch(acme)

    items = list(acme.exec(select(CampaignItem).order_by(col(CampaignItem.position))))
    root = PopulationRoot()
    for item in items:
        root.add(
            {**item.model_dump(), "kind": str(item.kind), "lane": item.lane and str(item.lane)}
        )
    [started] = acme.exec(select(AuditEvent).where(AuditEvent.action == events.STARTED))
    assert [(i.external_id, i.lane, i.owner) for i in items] == [
        (OWNER, None, OWNER),
        ("svc-deploy", Answer.WORKFORCE, OWNER),
        ("tenant@acme.com", Answer.CUSTOMER, OWNER),
        ("zed@acme.com", None, OWNER),
    ]
    assert (launched.population, launched.root) == (4, root.hexdigest())
    assert (started.detail["root"], started.detail["population"]) == (root.hexdigest(), 4)
    assert started.detail["scope"] == ["acme-tenant"]
    assert verify_chain(acme).ok


def test_an_identity_added_after_launch_is_not_in_the_campaign(acme: Session) -> None:
    launch(acme)
    add_identity(
        acme, actor=OWNER_ACTOR, integration_name="acme-tenant", id_or_email="new@acme.com", now=NOW
    )
    campaign = events.get_campaign(acme, "q1-review")

    with pytest.raises(NotFound, match="not in campaign"):
        events.find_item(
            acme, campaign=campaign, integration="acme-tenant", identity="new@acme.com"
        )


def test_only_an_admin_starts_a_campaign_and_a_refusal_writes_nothing(acme: Session) -> None:
    from bot.campaigns.launch import start_campaign

    with pytest.raises(NotAllowed):
        start_campaign(
            acme,
            actor=OWNER_ACTOR,
            name="mine",
            due_on=DUE,
            now=NOW,
            max_sync_age=timedelta(hours=24),
        )
    assert acme.exec(select(CampaignItem)).first() is None


@pytest.mark.parametrize(
    ("options", "error", "says"),
    [
        ({"due_on": date(2026, 11, 29)}, InvalidInput, "already past"),
        ({"name": "Not a slug!"}, InvalidInput, "slug"),
        ({"integrations": ["nope"]}, NotFound, "nope"),
        ({"allow_stale": True}, InvalidInput, "--reason"),
    ],
)
def test_bad_launch_input_is_refused(
    acme: Session, options: dict[str, object], error: type[Exception], says: str
) -> None:
    from bot.campaigns.launch import start_campaign

    arguments: dict[str, object] = {"name": "q1-review", "due_on": DUE, **options}
    with pytest.raises(error, match=says):
        start_campaign(
            acme,
            actor=ADMIN_ACTOR,
            now=NOW,
            max_sync_age=timedelta(hours=24),
            **arguments,  # type: ignore[arg-type]
        )


def test_a_second_campaign_of_the_same_name_is_refused(acme: Session) -> None:
    launch(acme)
    with pytest.raises(Conflict, match="already exists"):
        launch(acme)


def test_keep_change_and_remove_record_a_decision_and_the_lane(acme: Session) -> None:
    launch(acme)
    _decide(acme, OWNER_ACTOR, SVC, Decision.KEEP)
    _decide(acme, OWNER_ACTOR, TENANT, Decision.CHANGE, lane=Answer.WORKFORCE, reason="staff")
    _decide(acme, OWNER_ACTOR, UNDECLARED, Decision.REMOVE, reason="left the tenant")

    newest = acme.exec(select(Declaration).order_by(col(Declaration.seq).desc()).limit(3)).all()
    assert [(d.answer, d.note) for d in reversed(newest)] == [
        (Answer.WORKFORCE, "campaign q1-review: kept"),
        (Answer.WORKFORCE, "campaign q1-review: staff"),
        (Answer.REMOVE, "campaign q1-review: left the tenant"),
    ]
    [status] = progress.campaign_status(acme, name="q1-review", today=NOW.date())
    assert [(row.decided, row.total) for row in status.integrations] == [(3, 4)]
    assert verify_chain(acme).ok


@pytest.mark.parametrize(
    ("position", "decision", "options", "says"),
    [
        (UNDECLARED, Decision.KEEP, {}, "no lane to keep"),
        (TENANT, Decision.CHANGE, {"lane": Answer.WORKFORCE}, "needs a reason"),
        (TENANT, Decision.CHANGE, {"reason": "x"}, "names the new lane"),
        (TENANT, Decision.CHANGE, {"lane": Answer.CUSTOMER, "reason": "x"}, "already customer"),
        (TENANT, Decision.REMOVE, {}, "needs a reason"),
    ],
)
def test_a_decision_that_does_not_add_up_is_refused(
    acme: Session, position: int, decision: Decision, options: dict[str, object], says: str
) -> None:
    launch(acme)
    with pytest.raises(InvalidInput, match=says):
        _decide(acme, OWNER_ACTOR, position, decision, **options)


def test_nobody_decides_their_own_identity_but_the_backup_may(acme: Session) -> None:
    launch(acme)
    with pytest.raises(NotAllowed, match="own identity"):
        _decide(acme, OWNER_ACTOR, OWN, Decision.CHANGE, lane=Answer.WORKFORCE, reason="me")

    _decide(acme, Actor(BACKUP), OWN, Decision.CHANGE, lane=Answer.WORKFORCE, reason="staff")


def test_a_stranger_may_not_decide_until_delegated(acme: Session) -> None:
    launch(acme)
    with pytest.raises(NotAllowed):
        _decide(acme, Actor(STRANGER), SVC, Decision.KEEP)

    delegation.delegate(
        acme,
        actor=OWNER_ACTOR,
        campaign_name="q1-review",
        integration_name="acme-tenant",
        reviewer=STRANGER,
        identity="svc-deploy",
        now=NOW,
    )
    _decide(acme, Actor(STRANGER), SVC, Decision.KEEP)
    with pytest.raises(NotAllowed):
        _decide(acme, Actor(STRANGER), TENANT, Decision.KEEP)
    assert verify_chain(acme).ok


def test_keep_the_rest_skips_what_has_no_lane_and_the_reviewers_own(acme: Session) -> None:
    launch(acme)
    kept = review.decide_remaining(
        acme, actor=OWNER_ACTOR, campaign_name="q1-review", integration_name="acme-tenant", now=NOW
    )

    assert (kept.count, kept.skipped_undeclared, kept.skipped_own) == (2, 1, 1)


def test_sign_off_needs_every_item_decided_then_locks_them(acme: Session) -> None:
    launch(acme)
    review.decide_remaining(
        acme, actor=OWNER_ACTOR, campaign_name="q1-review", integration_name="acme-tenant", now=NOW
    )
    with pytest.raises(Conflict, match="2 items to decide"):
        closing.sign_off(
            acme,
            actor=OWNER_ACTOR,
            campaign_name="q1-review",
            integration_name="acme-tenant",
            now=NOW,
        )
    _decide(acme, Actor(BACKUP), OWN, Decision.CHANGE, lane=Answer.WORKFORCE, reason="staff")
    _decide(acme, OWNER_ACTOR, UNDECLARED, Decision.REMOVE, reason="gone")

    signed = closing.sign_off(
        acme, actor=OWNER_ACTOR, campaign_name="q1-review", integration_name="acme-tenant", now=NOW
    )

    assert signed.decided == 4
    with pytest.raises(Conflict, match="locked"):
        _decide(acme, OWNER_ACTOR, SVC, Decision.REMOVE, reason="changed my mind")
    assert verify_chain(acme).ok


def test_close_records_what_stayed_undecided_and_freezes_the_campaign(acme: Session) -> None:
    launch(acme)
    _decide(acme, OWNER_ACTOR, SVC, Decision.KEEP)
    with pytest.raises(NotAllowed):
        closing.close_campaign(
            acme, actor=OWNER_ACTOR, campaign_name="q1-review", rule=CloseRule.LEAVE, now=NOW
        )

    closed = closing.close_campaign(
        acme, actor=ADMIN_ACTOR, campaign_name="q1-review", rule=CloseRule.ESCALATE, now=NOW
    )

    assert (closed.decided, closed.total) == (1, 4)
    assert [(u.integration, u.owner, u.undecided) for u in closed.unreviewed] == [
        ("acme-tenant", OWNER, 3)
    ]
    [entry] = acme.exec(select(AuditEvent).where(AuditEvent.action == events.CLOSED))
    assert entry.detail["unreviewed"] == {"acme-tenant": 3}
    with pytest.raises(Conflict, match="closed"):
        _decide(acme, OWNER_ACTOR, TENANT, Decision.KEEP)
    assert progress.campaign_status(acme, name=None, today=NOW.date()) == []
    assert verify_chain(acme).ok


def test_what_an_owner_owes_and_when_reminders_are_due(acme: Session) -> None:
    launch(acme)
    owed = progress.owed_by(acme, user_id=OWNER, today=NOW.date())

    assert [(o.campaign, o.integration, o.undecided, o.days_left) for o in owed] == [
        ("q1-review", "acme-tenant", 4, (DUE - NOW.date()).days)
    ]
    assert progress.owed_by(acme, user_id=STRANGER, today=NOW.date()) == []
    reminders = [days for days in range(10, -3, -1) if progress.reminder_due(days, (7, 2, 0))]
    assert reminders == [7, 2, 0, -1, -2]
