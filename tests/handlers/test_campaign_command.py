"""`/boundary campaign start|status|close` through signed requests: admins start and close,
anyone reads the status, a non-admin changes nothing, malformed text gets its usage, and a
close records (and, asked to, escalates) what stayed undecided."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from sqlmodel import select

from bot.authorization import Actor
from bot.campaigns import review
from bot.runtime import Runtime
from storage.models import AuditEvent, Campaign, CampaignItem
from storage.vocabulary import Decision
from tests.conftest import ADMIN, NOW, OWNER, STRANGER
from tests.handlers.campaign_support import (
    ALICE,
    CAMPAIGN,
    command,
    responses,
    seed,
    wait_until,
)
from tests.handlers.conftest import Slack


@pytest.fixture(autouse=True)
def settled(slack: Slack) -> Iterator[None]:
    """Each test ends once the work after its acknowledgements is done."""
    yield
    slack.settle()


def _campaigns(runtime: Runtime) -> list[Campaign]:
    with runtime.reading() as session:
        return list(session.exec(select(Campaign)).all())


def _events(runtime: Runtime, action: str) -> list[AuditEvent]:
    with runtime.reading() as session:
        return list(session.exec(select(AuditEvent).where(AuditEvent.action == action)).all())


def test_an_admin_starts_a_campaign_and_is_told_its_population_and_root(
    slack: Slack, slack_runtime: Runtime
) -> None:
    seed(slack_runtime, start=False)

    assert command(slack, "campaign start Q1-Review due:2026-12-31 acme", ADMIN) == {}

    [answer] = responses(slack)
    [campaign] = _campaigns(slack_runtime)
    assert campaign.name == "q1-review"
    assert "Started campaign `q1-review`: 4 identities in 1 integration" in answer["text"]
    assert campaign.population_root in answer["text"]
    with slack_runtime.reading() as session:
        assert len(session.exec(select(CampaignItem)).all()) == 4


def test_a_stale_launch_is_allowed_with_its_quoted_reason_on_the_record(
    slack: Slack, slack_runtime: Runtime
) -> None:
    seed(slack_runtime, start=False)

    command(slack, "campaign start q1 due:2026-12-31 allow-stale “the SCIM feed is down”", ADMIN)

    responses(slack)
    [campaign] = _campaigns(slack_runtime)
    # Nothing in scope has a connector, so nothing was stale and no reason is kept.
    assert campaign.stale_reason is None


def test_a_non_admin_start_is_refused_and_changes_nothing(
    slack: Slack, slack_runtime: Runtime
) -> None:
    seed(slack_runtime, start=False)

    command(slack, "campaign start q1 due:2026-12-31", OWNER)

    [answer] = responses(slack)
    assert "Only an admin" in answer["text"]
    assert _campaigns(slack_runtime) == []
    assert _events(slack_runtime, "campaign.started") == []


def test_malformed_campaign_text_gets_the_usage(slack: Slack) -> None:
    cases = {
        "campaign": "Usage: `/boundary campaign start|status|close|review",
        "campaign frobnicate": "is not one of `start`",
        "campaign start q1": "Usage: `/boundary campaign start &lt;name&gt; due:YYYY-MM-DD",
        "campaign start q1 due:soon": "`due:soon` is not a due date",
        "campaign start q1 acme": "A campaign needs a due date",
        "campaign start q1 due:2026-12-31 allow-stale": "`allow-stale` needs a reason",
        "campaign close": "Usage: `/boundary campaign close",
        "campaign close q1 maybe": "`maybe` is not `leave` or `escalate`",
        "campaign status a b": "Usage: `/boundary campaign status",
        "campaign review": "Usage: `/boundary campaign review",
    }
    for text, expected in cases.items():
        answer = command(slack, text, ADMIN)

        assert expected in answer["text"], text
        assert answer["response_type"] == "ephemeral"
    assert slack.standin.state.responses == []


def test_help_lists_the_campaign_forms(slack: Slack) -> None:
    text = json.dumps(command(slack, "help", STRANGER)["blocks"])

    for form in ("campaign start", "campaign status", "campaign close", "campaign review"):
        assert f"/boundary {form}" in text


def test_status_shows_each_integrations_progress_to_anyone(
    slack: Slack, slack_runtime: Runtime
) -> None:
    assert "No campaign is open" in json.dumps(command(slack, "campaign status", STRANGER))
    seed(slack_runtime)
    with slack_runtime.unit_of_work() as session:
        review.decide(
            session,
            actor=Actor(OWNER),
            campaign_name=CAMPAIGN,
            position=ALICE,
            decision=Decision.KEEP,
            now=NOW,
        )

    answer = command(slack, f"campaign status {CAMPAIGN}", STRANGER)

    text = json.dumps(answer["blocks"], ensure_ascii=False)
    assert f"*{CAMPAIGN}* — due 2026-12-31 (31 days left): 1/4 decided" in text
    assert f"`acme` (owner <@{OWNER}>): 1/4 decided" in text
    assert CAMPAIGN in json.dumps(command(slack, "campaign status", STRANGER))


def test_close_leaves_the_undecided_recorded_as_unreviewed(
    slack: Slack, slack_runtime: Runtime
) -> None:
    seed(slack_runtime)

    command(slack, f"campaign close {CAMPAIGN}", ADMIN)

    [answer] = responses(slack)
    assert f"Closed campaign `{CAMPAIGN}`: 0 of 4 decided" in answer["text"]
    assert f"`acme` (owner <@{OWNER}>): 4" in answer["text"]
    [campaign] = _campaigns(slack_runtime)
    assert (campaign.closed_by, str(campaign.close_rule)) == (ADMIN, "leave")
    [closed] = _events(slack_runtime, "campaign.closed")
    assert closed.detail["unreviewed"] == {"acme": 4}


def test_a_non_admin_close_is_refused_and_the_campaign_stays_open(
    slack: Slack, slack_runtime: Runtime
) -> None:
    seed(slack_runtime)

    command(slack, f"campaign close {CAMPAIGN}", OWNER)

    [answer] = responses(slack)
    assert "Only an admin" in answer["text"]
    assert _campaigns(slack_runtime)[0].closed_at is None


def test_close_escalate_without_a_channel_says_none_is_configured(
    slack: Slack, slack_runtime: Runtime
) -> None:
    seed(slack_runtime)

    command(slack, f"campaign close {CAMPAIGN} escalate", ADMIN)

    [answer] = responses(slack)
    assert "No escalation channel is configured" in answer["text"]
    assert slack.standin.messages("C0ESCALATE") == []


def test_close_escalate_posts_the_unreviewed_list_to_the_escalation_channel(
    slack: Slack, slack_runtime: Runtime
) -> None:
    seed(slack_runtime)
    slack_runtime.settings = slack_runtime.settings.model_copy(
        update={"escalation_channel": "C0ESCALATE"}
    )

    command(slack, f"campaign close {CAMPAIGN} escalate", ADMIN)

    [answer] = responses(slack)
    assert "Escalated to <#C0ESCALATE>" in answer["text"]
    [posted] = wait_until(lambda: slack.standin.messages("C0ESCALATE"))
    assert f"Campaign {CAMPAIGN} closed with 4 items of 4 undecided" in posted.text
    assert f"acme (owner {OWNER}): 4" in posted.text
