"""`/boundary who` finds what people type, through the real bolt app and ASGI app with signed
requests: a prefix, a did-you-mean, a display name with spaces, a domain, an integration's
lanes and gaps; and typed markup pings nobody."""

from __future__ import annotations

import json
import re

import pytest

from bot.runtime import Runtime
from tests.bot.who_inventory import build_inventory
from tests.conftest import OWNER
from tests.handlers.conftest import Slack
from tests.support.slack_requests import command_body

# `<` that opens anything but a mention of a user.
RAW_MARKUP = re.compile(r"<(?!@U)")


@pytest.fixture
def inventory(slack_runtime: Runtime) -> None:
    with slack_runtime.unit_of_work() as session:
        build_inventory(session)


def _who(slack: Slack, text: str) -> str:
    body = command_body(f"who {text}", user_id=OWNER, response_url=slack.standin.response_url())
    answer = slack.post(body)
    assert answer.status_code == 200
    shown = answer.json()
    assert shown["response_type"] == "ephemeral"
    return json.dumps(shown["blocks"], ensure_ascii=False)


@pytest.mark.usefixtures("inventory")
def test_who_openai_finds_the_integration_that_starts_with_it(slack: Slack) -> None:
    text = _who(slack, "openai")

    assert "Starting with `openai`" in text
    assert "`openai-platform` — platform layer" in text
    assert "6 active identities: workforce 1, customer 0, remove 0, undeclared 5" in text
    assert "open gaps *" in text


@pytest.mark.usefixtures("inventory")
def test_a_typo_gets_did_you_mean(slack: Slack) -> None:
    text = _who(slack, "openai-platfrom")

    assert "Nothing matches `openai-platfrom`. Did you mean `openai-platform` (integration)" in text


@pytest.mark.usefixtures("inventory")
@pytest.mark.parametrize("typed", ['"Dev One"', "Dev One", "dev one"])
def test_a_display_name_with_spaces_is_one_query(slack: Slack, typed: str) -> None:
    text = _who(slack, typed)

    assert "dev1@acme.com" in text
    assert "dev2@acme.com" not in text


@pytest.mark.usefixtures("inventory")
def test_a_domain_lists_its_identities_and_repeated_emails_show_their_ids(slack: Slack) -> None:
    # Slack links what looks like a domain; the label is what was typed.
    text = _who(slack, "<http://acme.com|acme.com>")

    assert "Identities at `acme.com`" in text
    assert "sam@acme.com (`00u3`)" in text
    assert "pat@corp.com" not in text


@pytest.mark.usefixtures("inventory")
def test_an_email_lists_the_keys_its_person_owns_with_their_details(slack: Slack) -> None:
    text = _who(slack, "<mailto:dev1@acme.com|dev1@acme.com>")

    assert "Keys and accounts they own or created" in text
    assert "key-ci-bot" in text
    assert "scopes model.request" in text
    assert "project Prod" in text


@pytest.mark.usefixtures("inventory")
@pytest.mark.parametrize("typed", ["<!channel>", "<!here|here>", "ab", "%%%", "100_"])
def test_what_must_not_match_gets_a_short_answer_that_pings_nobody(
    slack: Slack, typed: str
) -> None:
    text = _who(slack, typed)

    assert RAW_MARKUP.findall(text) == []
    assert "Nothing matches" in text or "too short" in text
