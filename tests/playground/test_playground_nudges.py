"""The playground's nudge controls in real headless Chromium: digests, snoozes, the clock."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.playground.browser import be, last_message, messages, open_app_messages


def test_nudge_cycle_sends_a_digest_that_snoozes_in_place(page: Page) -> None:
    page.get_by_role("button", name="Run nudge cycle now").click()
    open_app_messages(page)
    digest = messages(page).filter(has=page.get_by_role("button", name="Snooze 1 day")).last
    expect(digest).to_be_visible()

    digest.get_by_role("button", name="Snooze 1 day").click()

    snoozed = last_message(page, "Snoozed by")
    expect(snoozed).to_contain_text("Snoozed by @Omar Owner")
    expect(snoozed.get_by_role("button", name="Snooze 1 day")).to_have_count(0)


def test_a_week_of_unanswered_digests_escalates_to_the_channel(page: Page) -> None:
    page.get_by_role("button", name="+1 week").click()

    expect(page.locator("#toast")).to_contain_text("Clock moved to", timeout=30_000)
    escalation = last_message(page, "boundary-review digests")
    expect(escalation).to_contain_text("@Omar Owner has had")
    expect(escalation).not_to_contain_text("Only visible to you")


def test_backup_owner_is_asked_when_the_owner_does_not_act(page: Page) -> None:
    page.get_by_role("button", name="+1 week").click()
    expect(page.locator("#toast")).to_contain_text("Clock moved to", timeout=30_000)

    be(page, "Ada Admin")
    open_app_messages(page)

    expect(last_message(page, "You are the backup owner")).to_contain_text("openai-platform")


def test_new_direct_message_marks_the_app_unread_until_opened(page: Page) -> None:
    app = page.locator("#nav-app")

    page.get_by_role("button", name="Run nudge cycle now").click()
    expect(app).to_have_class("nav-item unread")
    open_app_messages(page)

    expect(app).not_to_have_class("nav-item unread")
