"""A campaign in the playground: Ada starts it from the page, and the nudge cycle run across its
due date shows a reminder, "due today", then the overdue line and the escalation naming it."""

from __future__ import annotations

import httpx

from bot.playground.runner import Playground
from bot.playground.seed import CAMPAIGN, CHANNEL_ID, OWNER


def _digests(playground: Playground) -> list[str]:
    assert playground.standin is not None
    dm = playground.standin.dm_channel(OWNER.user_id)
    return [m.text for m in playground.standin.messages(dm) if "Boundary review" in m.text]


def test_start_a_campaign_control_starts_it_once(playground: Playground) -> None:
    first = httpx.post(playground.url + "api/campaign", json={}, timeout=30).json()
    again = httpx.post(playground.url + "api/campaign", json={}, timeout=30).json()

    assert first == {
        "ok": True,
        "result": f"{CAMPAIGN}: 11 identities, due 2026-12-02",
    }
    assert again["ok"] is False
    assert "already exists" in again["error"]


def test_the_cycle_across_the_due_date_reminds_then_shows_overdue(playground: Playground) -> None:
    playground.start_campaign()  # Monday; due Wednesday

    playground.run_nudges()  # Monday: 2 days left
    playground.advance_clock(4)  # Tuesday (no reminder), Wednesday, Thursday, Friday

    monday, tuesday, wednesday, thursday, friday = _digests(playground)
    assert monday.startswith(f"Boundary review: campaign {CAMPAIGN} due in 2 days, 0/")
    assert "campaign" not in tuesday  # 1 day left is not a reminder day
    assert f"campaign {CAMPAIGN} due today" in wednesday
    assert f"campaign {CAMPAIGN} OVERDUE by 1 day," in thursday
    assert f"campaign {CAMPAIGN} OVERDUE by 2 days," in friday
    assert playground.standin is not None
    [escalation] = [m.text for m in playground.standin.messages(CHANNEL_ID) if "digests" in m.text]
    assert f"Campaign *{CAMPAIGN}* · *acme-tenant*: 0/3 decided, *OVERDUE* by 2 days" in escalation
