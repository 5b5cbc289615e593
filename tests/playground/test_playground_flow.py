"""The playground in real headless Chromium: the issue's flow, one step per test."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.playground.browser import (
    be,
    declare_lane,
    identity_row,
    last_message,
    messages,
    open_app_messages,
    open_channel,
    send,
)


def test_register_from_the_message_box_opens_the_form_and_registers(page: Page) -> None:
    send(page, "/boundary register crm-tenant")

    modal = page.get_by_test_id("modal")
    expect(modal).to_contain_text("Register integration")
    expect(modal.get_by_label("Name (a slug)")).to_have_value("crm-tenant")
    modal.get_by_label("Layer").select_option(label="application — who reaches the product")
    modal.get_by_role("button", name="Save").click()

    expect(modal).to_be_hidden()
    open_app_messages(page)
    expect(last_message(page, "Registered")).to_contain_text(
        "Registered crm-tenant (application layer), owner @Omar Owner"
    )


def test_required_field_left_empty_keeps_the_form_open(page: Page) -> None:
    send(page, "/boundary register crm-tenant")
    modal = page.get_by_test_id("modal")
    expect(modal).to_contain_text("Register integration")

    modal.get_by_role("button", name="Save").click()

    expect(modal.locator("[data-block-id=layer]")).to_contain_text("required field")
    # The page polls the playground for state; the next snapshots must not wipe the warning.
    for _ in range(2):
        with page.expect_response(lambda response: "/api/state" in response.url):
            pass
    expect(modal.locator("[data-block-id=layer]")).to_contain_text("required field")
    expect(modal).to_be_visible()


def test_choosing_a_lane_updates_the_prompt_in_place(page: Page) -> None:
    prompt = declare_lane(
        page, "openai-platform", "Sam Developer", "workforce — run by the company"
    )

    section, _ = identity_row(prompt, "Sam Developer")
    expect(section).to_contain_text("workforce recorded by @Omar Owner")
    expect(prompt).to_contain_text("(edited)")
    expect(messages(page).filter(has_text="Declare lanes: openai-platform")).to_have_count(1)


def test_bystander_looks_up_the_lane_the_owner_declared(page: Page) -> None:
    prompt = declare_lane(page, "acme-tenant", "Bob (Acme)", "customer — a customer's user")
    expect(identity_row(prompt, "Bob (Acme)")[0]).to_contain_text("customer recorded")

    be(page, "Bea Bystander")
    open_channel(page)
    send(page, "/boundary who bob@acme.example")

    answer = last_message(page, "bob@acme.example")
    expect(answer).to_contain_text("customer")
    expect(answer).to_contain_text("Only visible to you")


def test_owner_home_tab_shows_their_queue(page: Page) -> None:
    page.locator("#nav-app").click()
    page.get_by_role("tab", name="Home").click()

    home = page.get_by_test_id("home")
    expect(home).to_contain_text("acme-tenant")
    expect(home).to_contain_text("globex-tenant")


def test_optional_inputs_say_optional_once_as_in_slack(page: Page) -> None:
    send(page, "/boundary review openai-platform")
    expect(last_message(page, "declaration prompt")).to_be_visible()
    open_app_messages(page)
    prompt = last_message(page, "Declare lanes: openai-platform")
    prompt.get_by_role("button", name="Apply one lane to all").click()

    modal = page.get_by_test_id("modal")
    expect(modal).to_contain_text("Apply one lane")
    expect(modal.locator("[data-block-id=rule] label")).to_have_text(
        "Only those matching (optional)"
    )
    expect(modal.locator("[data-block-id=note] label")).to_have_text("Note (optional)")
    expect(modal.locator("[data-block-id=lane] label")).to_have_text("Lane")
