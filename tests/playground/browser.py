"""What a person does on the playground page, as small steps the browser tests share."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Locator, Page, expect


def send(page: Page, text: str) -> None:
    """Type a line into the message box and press Enter."""
    box = page.get_by_test_id("composer")
    box.fill(text)
    box.press("Enter")


def be(page: Page, name: str) -> None:
    """Switch the page to another seeded user, e.g. `Bea Bystander`."""
    switcher = page.get_by_test_id("user-switcher")
    value = switcher.locator("option", has_text=name).get_attribute("value")
    switcher.select_option(value)
    expect(switcher).to_have_value(value or "")


def open_app_messages(page: Page) -> None:
    page.locator("#nav-app").click()
    page.get_by_role("tab", name="Messages").click()


def open_channel(page: Page) -> None:
    page.locator("#nav-channel").click()


def messages(page: Page) -> Locator:
    return page.get_by_test_id("messages").get_by_test_id("message")


def last_message(page: Page, containing: str) -> Locator:
    return messages(page).filter(has_text=containing).last


def identity_row(message: Locator, name: str) -> Any:
    """The section about one identity in a declaration prompt, and the controls under it."""
    section = message.locator("[data-block-type=section]", has_text=name)
    block_id = section.get_attribute("data-block-id") or ""
    identity = block_id.split(":")[-1]
    controls = message.locator(f"[data-block-type=actions][data-block-id$=':{identity}']")
    return section, controls


def declare_lane(page: Page, integration: str, identity: str, lane: str) -> Locator:
    """Ask for the declaration prompt, choose a lane for one identity; return the prompt."""
    send(page, f"/boundary review {integration}")
    expect(last_message(page, "declaration prompt")).to_be_visible()
    open_app_messages(page)
    prompt = last_message(page, f"Declare lanes: {integration}")
    section, controls = identity_row(prompt, identity)
    expect(section).to_contain_text("no lane yet")
    controls.get_by_role("combobox").select_option(label=lane)
    return prompt
