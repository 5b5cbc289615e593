"""A property of every interaction over the real signed endpoint: take a payload the bot's own
surfaces produce (each control of the declaration prompt, the digest's buttons, the App Home
button, each modal it opens, the App Home event), break it in up to three places (a key removed,
a value replaced by arbitrary JSON, by Slack markup, by another integration's identity, by
another user), and post it signed. The answer is 2xx or 4xx, nothing is logged as an error,
nothing the bot sends pings or links, and nobody declares or snoozes for what they do not
steward. BOUNDARY_FUZZ_EXAMPLES raises the number of examples (60)."""

from __future__ import annotations

import copy
import json
import logging
import os
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import parse_qs, urlencode

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from slack_sdk import WebClient
from sqlmodel import select

from bench.hostile import FORBIDDEN, SLACK_SYNTAX, paths
from bot.authorization import Actor
from bot.identities import add_identity
from bot.integrations import register_integration
from bot.nudges.digest import Digest
from bot.playground.standin import SlackStandIn
from bot.runtime import Runtime
from handlers.blocks.digest import digest_blocks
from handlers.ids import Action, Event
from handlers.review_prompt import send_review_prompt
from storage.models import Declaration, Identity, Integration, Snooze
from storage.vocabulary import Layer
from tests.conftest import ADMIN, BACKUP, NOW, OWNER, STRANGER
from tests.handlers.conftest import Slack
from tests.support.slack_requests import (
    block_action_body,
    event_body,
    new_trigger_id,
    view_submission_body,
)

EXAMPLES = int(os.environ.get("BOUNDARY_FUZZ_EXAMPLES", "60"))
USERS = [OWNER, BACKUP, ADMIN, STRANGER]


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    """The property is about payloads, not the database: SQLite only, to keep it quick."""
    return sqlite_url


def _body(payload: dict[str, Any]) -> str:
    return urlencode({"payload": json.dumps(payload)})


def _parsed(body: str) -> dict[str, Any]:
    return dict(json.loads(parse_qs(body)["payload"][0]))


def _actions_of(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each control on a message, as the `actions` entry Slack sends when it is used."""
    found = []
    for block in blocks:
        elements = block.get("elements", []) if block.get("type") == "actions" else []
        for element in [*elements, block.get("accessory") or {}]:
            if "action_id" not in element:
                continue
            action = {"action_id": element["action_id"], "block_id": block.get("block_id")}
            action["type"] = element["type"]
            if element["type"] == "static_select":
                action["selected_option"] = element["options"][0]
            else:
                action["value"] = element.get("value", "")
            found.append(action)
    return found


def _state(view: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """What a person filling in each input of the modal would submit."""
    values: dict[str, dict[str, Any]] = {}
    for block in view.get("blocks", []):
        element = block.get("element")
        if block.get("type") != "input" or not element:
            continue
        kind = element["type"]
        if kind in ("static_select", "radio_buttons"):
            value = {"type": kind, "selected_option": element["options"][0]}
        elif kind == "users_select":
            value = {"type": kind, "selected_user": OWNER}
        else:
            value = {"type": kind, "value": "a note"}
        values[block["block_id"]] = {element["action_id"]: value}
    return values


class Surfaces:
    """Two integrations (acme, stewarded by OWNER; other, by BACKUP), the prompt DM the bot
    sent OWNER, the modals its buttons open, and one digest: the payloads to break."""

    def __init__(self, slack: Slack, runtime: Runtime, client: WebClient) -> None:
        with runtime.unit_of_work() as session:
            for name, owner in (("acme", OWNER), ("other", BACKUP)):
                register_integration(
                    session, actor=Actor(owner), name=name, layer=Layer.PLATFORM, now=NOW
                )
            for email in ("u1@acme.com", "u2@acme.com"):
                add_identity(
                    session,
                    actor=Actor(OWNER),
                    integration_name="acme",
                    id_or_email=email,
                    now=NOW,
                )
            foreign = add_identity(
                session,
                actor=Actor(BACKUP),
                integration_name="other",
                id_or_email="x@other.io",
                now=NOW,
            )
        self.foreign_id = foreign.id or 0
        send_review_prompt(client, runtime, user_id=OWNER, integration="acme")
        [message] = slack.standin.messages(slack.standin.dm_channel(OWNER))
        place = {"type": "message", "ts": message.ts, "text": message.text}
        prompt = {**place, "blocks": message.blocks}
        digest = {**place, "blocks": digest_blocks_for_owner()}
        self.templates: list[dict[str, Any]] = []
        for source in (prompt, digest):
            for action in _actions_of(source["blocks"]):
                body = block_action_body(
                    user_id=OWNER,
                    action=action,
                    message=source,
                    channel_id=message.channel,
                    response_url=slack.standin.response_url(),
                )
                self.templates.append(_parsed(body))
        self.templates.append(
            _parsed(block_action_body(user_id=OWNER, action={"action_id": Action.HOME_REVIEW}))
        )
        self.templates.extend(self._modals(slack))

    def _modals(self, slack: Slack) -> list[dict[str, Any]]:
        """Use each control once as OWNER and keep every modal it opens, filled in."""
        for template in list(self.templates):
            slack.post(_body({**template, "trigger_id": new_trigger_id()}))
        _settle(slack)
        opened = [c.params["view"] for c in slack.standin.calls() if c.method == "views.open"]
        views = [json.loads(v) if isinstance(v, str) else v for v in opened]
        assert len(views) >= 2, "the prompt's note and apply-remaining buttons open modals"
        return [
            _parsed(view_submission_body(user_id=OWNER, view=view, values=_state(view)))
            for view in views
        ]


def digest_blocks_for_owner() -> list[dict[str, Any]]:
    """OWNER's digest: its buttons carry the owner it is for."""
    digest = Digest(owner=OWNER, cycle="2026-W49", counts={}, items=(), total=0, integrations=())
    return digest_blocks(digest)


_json = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20)
    | st.sampled_from(SLACK_SYNTAX),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)


def _replacements(surfaces: Surfaces) -> st.SearchStrategy[Any]:
    """What a hostile or broken client puts where a value was."""
    foreign = surfaces.foreign_id
    pointed = st.sampled_from(
        [foreign, str(foreign), f"{foreign}:workforce", f"identity-actions:{foreign}", "0", "-1"]
    )
    people = st.sampled_from([*USERS, "W0ENTERPRISE", "T0OTHERTEAM", ""])
    return st.one_of(_json, pointed, people)


@st.composite
def broken_payloads(draw: st.DrawFn, surfaces: Surfaces) -> tuple[str, bool]:
    """One of the surfaces' payloads, as some user, broken in up to three places: the body to
    post and whether it is JSON (an event) rather than a form."""
    templates = [*surfaces.templates, "event"]
    chosen = draw(st.sampled_from(range(len(templates))))
    is_event = templates[chosen] == "event"
    payload = copy.deepcopy(
        json.loads(event_body(_home_opened(OWNER))) if is_event else templates[chosen]
    )
    user = draw(st.sampled_from(USERS))
    if is_event:
        payload["event"]["user"] = user
    else:
        payload["user"]["id"] = user
        payload["trigger_id"] = new_trigger_id()
    echoed = _is_digest(payload)
    for _ in range(draw(st.integers(min_value=0, max_value=3))):
        places = [p for p in paths(payload) if not (echoed and p[:2] in ECHOED)]
        if not places:
            break
        *parent_path, key = draw(st.sampled_from(places))
        parent = payload
        for step in parent_path:
            parent = parent[step]
        if draw(st.booleans()):
            del parent[key]
        else:
            parent[key] = draw(_replacements(surfaces))
    return (json.dumps(payload) if is_event else _body(payload)), is_event


# The digest is updated in place from the message Slack sends back with the click: the bot's
# own blocks and text, which Slack signs. Only a forged Slack could change them, so they are
# not broken here (docs/security.md, "What the bot trusts").
ECHOED = {("message", "blocks"), ("message", "text")}


def _is_digest(payload: dict[str, Any]) -> bool:
    actions = payload.get("actions") or [{}]
    return str(actions[0].get("action_id", "")).startswith("nudge.")


def _home_opened(user: str) -> dict[str, Any]:
    return {"type": Event.APP_HOME_OPENED, "user": user, "channel": "D0HOME", "tab": "home"}


def _settle(slack: Slack) -> None:
    """Wait for the lazy listeners of one example, then give bolt a fresh pool for the next."""
    runner = slack.app.listener_runner.lazy_listener_runner
    runner.executor.shutdown(wait=True)
    runner.executor = ThreadPoolExecutor(max_workers=4)


def _sent_since(standin: SlackStandIn, calls: int, responses: int) -> str:
    sent = [call.params for call in standin.calls()[calls:] if call.method != "auth.test"]
    return json.dumps([sent, standin.state.responses[responses:]], ensure_ascii=False)


def _unstewarded(runtime: Runtime) -> list[str]:
    """Declarations and snoozes made by someone who may not make them."""
    wrong = []
    with runtime.unit_of_work() as session:
        rows = session.exec(
            select(Declaration, Integration)
            .join(Identity, Identity.id == Declaration.identity_id)  # type: ignore[arg-type]
            .join(Integration, Integration.id == Identity.integration_id)  # type: ignore[arg-type]
        ).all()
        for declaration, integration in rows:
            stewards = {integration.owner, integration.backup_owner, ADMIN}
            if declaration.declared_by not in stewards:
                wrong.append(f"{declaration.declared_by} declared in {integration.name}")
        for snooze in session.exec(select(Snooze)).all():
            if snooze.created_by != snooze.owner:
                wrong.append(f"{snooze.created_by} snoozed {snooze.owner}'s digest")
    return wrong


@pytest.fixture
def surfaces(slack: Slack, slack_runtime: Runtime, client: WebClient) -> Surfaces:
    return Surfaces(slack, slack_runtime, client)


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_no_broken_interaction_gets_a_5xx_an_error_a_ping_or_a_stranger_write(
    slack: Slack,
    slack_runtime: Runtime,
    surfaces: Surfaces,
    caplog: pytest.LogCaptureFixture,
    data: st.DataObject,
) -> None:
    body, is_event = data.draw(broken_payloads(surfaces))
    standin = slack.standin
    calls, responses = len(standin.calls()), len(standin.state.responses)
    caplog.clear()

    answer = slack.post(body, json_body=is_event)
    _settle(slack)

    sent = [c.method for c in standin.calls()[calls:] if c.method != "auth.test"]
    event(f"HTTP {answer.status_code}, {'acted' if sent else 'nothing sent'}")
    assert 200 <= answer.status_code < 500, answer.text
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == []
    replies = answer.text + _sent_since(standin, calls, responses)
    assert [bad for bad in FORBIDDEN if bad in replies] == [], replies[:2000]
    assert _unstewarded(slack_runtime) == []
