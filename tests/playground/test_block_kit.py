"""The page renders Block Kit as Slack does, and its controls send what Slack would send."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from slack_sdk import WebClient

from bot.clock import ManualClock
from bot.playground.runner import Playground
from bot.playground.seed import ADMIN, OWNER
from handlers.client import make_client
from tests.conftest import NOW
from tests.playground.browser import open_app_messages


@pytest.fixture(scope="module")
def playground(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Playground]:
    """One playground for this module: each test posts its own message or opens its own
    modal and looks only at that, so they share it safely (and CI saves a start per test)."""
    directory = tmp_path_factory.mktemp("block-kit")
    with Playground(directory=directory, port=0, clock=ManualClock(NOW)) as running:
        yield running


def _plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text}


def _option(text: str, value: str) -> dict[str, Any]:
    return {"text": _plain(text), "value": value}


KITCHEN_SINK: list[dict[str, Any]] = [
    {"type": "header", "text": _plain("Kitchen sink")},
    {
        "type": "section",
        "block_id": "text",
        "text": {
            "type": "mrkdwn",
            "text": "*bold* _italic_ ~struck~ `code` <https://example.com|a link> <@"
            + ADMIN.user_id
            + "> &lt;img src=x onerror=alert(1)&gt;",
        },
        "accessory": {
            "type": "button",
            "action_id": "accessory",
            "style": "primary",
            "text": _plain("Accessory"),
            "value": "a",
        },
    },
    {
        "type": "section",
        "fields": [{"type": "mrkdwn", "text": "*Layer*\nplatform"}, _plain("SSO enforced")],
    },
    {"type": "context", "elements": [{"type": "mrkdwn", "text": "context words"}]},
    {"type": "divider"},
    {
        "type": "actions",
        "block_id": "controls",
        "elements": [
            {
                "type": "button",
                "action_id": "danger",
                "style": "danger",
                "text": _plain("Remove"),
                "value": "r",
                "confirm": {
                    "title": _plain("Sure?"),
                    "text": _plain("It cannot be undone."),
                    "confirm": _plain("Remove it"),
                    "deny": _plain("Keep it"),
                },
            },
            {
                "type": "static_select",
                "action_id": "lane",
                "placeholder": _plain("Choose a lane"),
                "options": [_option("workforce", "w"), _option("customer", "c")],
            },
            {
                "type": "overflow",
                "action_id": "more",
                "options": [_option("Snooze", "s"), _option("Open", "o")],
            },
            {
                "type": "radio_buttons",
                "action_id": "pick",
                "options": [_option("one", "1"), _option("two", "2")],
            },
        ],
    },
]

MODAL: dict[str, Any] = {
    "type": "modal",
    "callback_id": "kitchen.submit",
    "title": _plain("Kitchen form"),
    "submit": _plain("Send"),
    "close": _plain("Never mind"),
    "blocks": [
        {
            "type": "input",
            "block_id": "note",
            "label": _plain("Note"),
            "element": {"type": "plain_text_input", "action_id": "value", "multiline": True},
        },
        {
            "type": "input",
            "block_id": "lane",
            "label": _plain("Lane"),
            "element": {
                "type": "radio_buttons",
                "action_id": "value",
                "options": [_option("workforce", "w"), _option("customer", "c")],
            },
        },
        {
            "type": "input",
            "block_id": "owner",
            "optional": True,
            "label": _plain("Owner"),
            "hint": _plain("Who answers for it"),
            "element": {"type": "users_select", "action_id": "value"},
        },
    ],
}


def _bot(playground: Playground) -> WebClient:
    assert playground.runtime is not None
    return make_client(playground.runtime.settings)


def _sink(page: Page, playground: Playground) -> Any:
    _bot(playground).chat_postMessage(channel=OWNER.user_id, text="sink", blocks=KITCHEN_SINK)
    open_app_messages(page)
    message = page.get_by_test_id("message").filter(has_text="Kitchen sink").last
    expect(message).to_be_visible()
    return message


def _action_sent(page: Page, act: Any) -> dict[str, Any]:
    with page.expect_request("**/api/action") as request:
        act()
    body: dict[str, Any] = json.loads(request.value.post_data or "{}")
    return body


def test_layout_blocks_and_mrkdwn_render_like_slack(page: Page, playground: Playground) -> None:
    message = _sink(page, playground)

    expect(message.locator(".bk-header")).to_have_text("Kitchen sink")
    expect(message.locator("b", has_text="bold").first).to_be_visible()
    expect(message.locator("i")).to_have_text("italic")
    expect(message.locator("s")).to_have_text("struck")
    expect(message.locator("code", has_text="code")).to_be_visible()
    expect(message.get_by_role("link", name="a link")).to_have_attribute(
        "href", "https://example.com"
    )
    expect(message.locator(".mention")).to_have_text("@Ada Admin")
    expect(message.locator(".bk-field")).to_have_count(2)
    expect(message.locator(".bk-context")).to_have_text("context words")
    expect(message.locator("hr.bk-divider")).to_have_count(1)


def test_text_from_the_bot_never_becomes_markup(page: Page, playground: Playground) -> None:
    message = _sink(page, playground)

    expect(message).to_contain_text("<img src=x onerror=alert(1)>")
    expect(message.locator("img")).to_have_count(0)


def test_buttons_show_their_style(page: Page, playground: Playground) -> None:
    message = _sink(page, playground)

    expect(message.get_by_role("button", name="Accessory")).to_have_class("bk-button primary")
    expect(message.get_by_role("button", name="Remove")).to_have_class("bk-button danger")


def test_button_with_confirm_asks_then_sends_its_action(page: Page, playground: Playground) -> None:
    message = _sink(page, playground)
    message.get_by_role("button", name="Remove").click()
    expect(page.locator(".confirm")).to_contain_text("It cannot be undone.")

    sent = _action_sent(page, lambda: page.get_by_role("button", name="Remove it").click())

    assert sent["action"]["action_id"] == "danger"
    assert sent["action"]["block_id"] == "controls"
    assert sent["action"]["value"] == "r"
    assert sent["surface"]["type"] == "message"


def test_select_sends_the_chosen_option(page: Page, playground: Playground) -> None:
    message = _sink(page, playground)

    sent = _action_sent(
        page, lambda: message.get_by_role("combobox").select_option(label="customer")
    )

    assert sent["action"]["type"] == "static_select"
    assert sent["action"]["selected_option"]["value"] == "c"


def test_overflow_menu_sends_the_chosen_item(page: Page, playground: Playground) -> None:
    message = _sink(page, playground)
    message.get_by_role("button", name="More actions").click()

    sent = _action_sent(page, lambda: message.get_by_role("menuitem", name="Open").click())

    assert sent["action"]["type"] == "overflow"
    assert sent["action"]["selected_option"]["value"] == "o"


def test_radio_buttons_in_a_message_send_the_choice(page: Page, playground: Playground) -> None:
    message = _sink(page, playground)

    sent = _action_sent(page, lambda: message.get_by_label("two").check())

    assert sent["action"]["selected_option"]["value"] == "2"


_MODALS = itertools.count(1)


def _open_modal(page: Page, playground: Playground) -> Any:
    """Open a fresh copy of MODAL and wait until the page shows that one: the playground is
    shared by the module's tests, and an earlier test may have left a modal open that the
    page's polling would otherwise swap for the new one mid-test."""
    assert playground.workspace is not None
    trigger = playground.workspace.trigger_for(OWNER.user_id)
    title = f"Kitchen form {next(_MODALS)}"
    _bot(playground).views_open(trigger_id=trigger, view={**MODAL, "title": _plain(title)})
    modal = page.get_by_test_id("modal")
    expect(modal).to_contain_text(title)
    return modal


def test_modal_shows_inputs_hint_optional_and_its_buttons(
    page: Page, playground: Playground
) -> None:
    modal = _open_modal(page, playground)

    expect(modal.get_by_label("Note")).to_be_visible()
    expect(modal.locator("[data-block-id=owner]")).to_contain_text("(optional)")
    expect(modal.locator("[data-block-id=owner]")).to_contain_text("Who answers for it")
    expect(modal.get_by_role("button", name="Send")).to_be_visible()
    expect(modal.get_by_role("button", name="Never mind")).to_be_visible()


def test_modal_submission_sends_every_input_as_state_values(
    page: Page, playground: Playground
) -> None:
    modal = _open_modal(page, playground)
    modal.get_by_label("Note").fill("a contractor")
    modal.get_by_label("customer").check()
    modal.get_by_label("Owner").select_option(label="Ada Admin")

    with page.expect_request("**/api/view") as request:
        modal.get_by_role("button", name="Send").click()

    values = json.loads(request.value.post_data or "{}")["state"]
    assert values["note"]["value"] == {"type": "plain_text_input", "value": "a contractor"}
    assert values["lane"]["value"]["selected_option"]["value"] == "c"
    assert values["owner"]["value"] == {"type": "users_select", "selected_user": ADMIN.user_id}


def test_close_button_closes_the_modal(page: Page, playground: Playground) -> None:
    modal = _open_modal(page, playground)

    modal.get_by_role("button", name="Never mind").click()

    expect(modal).to_be_hidden()
