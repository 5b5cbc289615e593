"""The campaign lines of a digest as Block Kit: first, escaped, and within Slack's limits however
many integrations an owner holds in a campaign."""

from __future__ import annotations

import json

from bot.nudges.digest import CampaignReminder, Digest
from handlers.blocks.digest import digest_blocks, digest_text
from handlers.blocks.notices import escalation_text
from handlers.blocks.text import MESSAGE_BLOCKS, SECTION_LIMIT

OWNER = "U0OWNERAA"


def _digest(*lines: CampaignReminder, unacted: int = 0) -> Digest:
    return Digest(
        owner=OWNER,
        cycle="2026-12-01",
        counts={},
        items=(),
        total=0,
        integrations=(),
        campaigns=lines,
        unacted=unacted,
    )


def _line(integration: str, days_left: int, *, decided: int = 3) -> CampaignReminder:
    return CampaignReminder("q4-review", integration, decided, 10, days_left)


def test_a_campaign_only_digest_has_no_empty_gap_sections() -> None:
    blocks = digest_blocks(_digest(_line("la-int", 2)))

    sections = [b["text"]["text"] for b in blocks if b["type"] == "section"]
    assert sections == [
        "*Access review campaigns waiting on you*\n• Campaign *q4-review* · *la-int*: 3/10"
        " decided, due in 2 days. 7 to decide: `/boundary campaign review q4-review`"
    ]
    assert digest_text(_digest(_line("la-int", 0))) == (
        "Boundary review: campaign q4-review due today, 3/10 decided on la-int."
    )


def test_overdue_reads_as_overdue_by_days() -> None:
    [section] = [b for b in digest_blocks(_digest(_line("la-int", -3))) if b["type"] == "section"]

    assert "3/10 decided, *OVERDUE* by 3 days." in section["text"]["text"]


def test_an_integration_name_from_a_source_cannot_ping_or_link() -> None:
    hostile = _line("<!channel> <https://evil.example|click>", -1)

    rendered = json.dumps(digest_blocks(_digest(hostile))) + digest_text(_digest(hostile))
    rendered += escalation_text(_digest(hostile, unacted=3))

    assert "<!channel>" not in rendered
    assert "<https://evil" not in rendered
    assert "&lt;!channel&gt;" in rendered


def test_hundreds_of_integrations_stay_within_one_section_and_count_the_rest() -> None:
    lines = tuple(_line(f"tenant-{n:03d}-" + "x" * 40, -1) for n in range(300))

    blocks = digest_blocks(_digest(*lines))

    lead = blocks[1]["text"]["text"]
    assert len(lead) <= SECTION_LIMIT
    assert lead.count("• Campaign") == 10
    assert lead.endswith("…and 290 more integrations: `/boundary campaign status`.")
    assert len(blocks) <= MESSAGE_BLOCKS


def test_the_escalation_names_each_overdue_campaign_integration_only() -> None:
    digest = _digest(_line("la-int", -2), _line("ny-int", 1), unacted=3)

    text = escalation_text(digest)

    assert "• Campaign *q4-review* · *la-int*: 3/10 decided, *OVERDUE* by 2 days" in text
    assert "ny-int" not in text
