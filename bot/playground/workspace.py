"""What each playground user sees: the channel, their DMs, App Home and open modal.

The stand-in keeps what the bot sent through the Web API. This module adds what only a Slack
client would know: answers that came back in HTTP responses or through `response_url`, which
user an ephemeral message is for, the stack of modals each user has open, and messages that a
`replace_original` response rewrote in place.
"""

from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass, field
from typing import Any

from bot.playground.block_ids import with_ids
from bot.playground.seed import CHANNEL_ID, CHANNEL_NAME, USERS, DemoUser
from bot.playground.slack_requests import new_trigger_id
from bot.playground.standin import BOT_ID, BOT_USER_ID, PlaygroundStandIn, StandInSnapshot
from bot.playground.timeline import LocalMessage, Overlay, Overlays, timeline


@dataclass(frozen=True)
class ResponseTarget:
    """Who acted, where, and on which message, for a response_url the playground handed out."""

    user: str
    channel: str
    ts: str | None  # the message the interaction came from; None for a slash command
    local: bool  # the message is a LocalMessage (ephemeral), not one the stand-in keeps


@dataclass
class ModalStack:
    views: list[str] = field(default_factory=list)
    errors: dict[str, dict[str, str]] = field(default_factory=dict)


def _flag(value: object) -> bool:
    return value is True or str(value).lower() == "true"


def _blocks(value: object) -> list[dict[str, Any]]:
    return [dict(block) for block in value] if isinstance(value, list) else []


class Workspace:
    def __init__(self, standin: PlaygroundStandIn, users: tuple[DemoUser, ...] = USERS) -> None:
        self.standin = standin
        self.users = {user.user_id: user for user in users}
        self.channel_id, self.channel_name = CHANNEL_ID, CHANNEL_NAME
        self._lock = threading.RLock()
        self._local: list[LocalMessage] = []
        self._targets: dict[str, ResponseTarget] = {}
        self._overlays: Overlays = {}
        self._triggers: dict[str, str] = {}
        self._modals: dict[str, ModalStack] = {}
        self._responses_seen = 0
        self._ephemerals_seen = 0
        self._names = itertools.count(1)
        standin.on_view_opened = self._view_opened

    # ---- ids the bot will call back with -----------------------------------------------
    def response_url(self, target: ResponseTarget) -> str:
        name = f"pg{next(self._names)}"
        with self._lock:
            self._targets[name] = target
        return self.standin.response_url(name)

    def trigger_for(self, user: str) -> str:
        trigger = new_trigger_id()
        with self._lock:
            self._triggers[trigger] = user
        return trigger

    def _view_opened(self, trigger: str, view_id: str, pushed: bool) -> None:
        with self._lock:
            user = self._triggers.get(trigger)
            if user is None:
                return
            stack = self._modals.setdefault(user, ModalStack())
            if not pushed:
                stack.views.clear()
            stack.views.append(view_id)

    # ---- what the page's user did ------------------------------------------------------
    def add_local(
        self,
        *,
        channel: str,
        text: str,
        blocks: list[dict[str, Any]],
        visible_to: str | None,
        kind: str,
        author: str = BOT_USER_ID,
    ) -> LocalMessage:
        message = LocalMessage(
            self.standin.next_ts(), channel, text, with_ids(blocks), visible_to, kind, author
        )
        with self._lock:
            self._local.append(message)
        return message

    def answer_from_bot(
        self, target: ResponseTarget, body: dict[str, Any], state: StandInSnapshot | None = None
    ) -> None:
        """An answer in an HTTP response body or a response_url post, shown where Slack would."""
        text, blocks = str(body.get("text") or ""), _blocks(body.get("blocks"))
        # Never ask the stand-in for anything while holding our lock: its thread calls us back
        # (a modal opened) while holding its own.
        state = state or self.standin.snapshot()
        with self._lock:
            if _flag(body.get("delete_original")) or _flag(body.get("replace_original")):
                delete = _flag(body.get("delete_original"))
                self._rewrite(state, target, text, blocks, delete=delete)
                return
        if not text and not blocks:
            return
        in_channel = body.get("response_type") == "in_channel"
        self.add_local(
            channel=target.channel,
            text=text,
            blocks=blocks,
            visible_to=None if in_channel else target.user,
            kind="in_channel" if in_channel else "ephemeral",
        )

    def _rewrite(
        self,
        state: StandInSnapshot,
        target: ResponseTarget,
        text: str,
        blocks: list[dict[str, Any]],
        *,
        delete: bool,
    ) -> None:
        if target.ts is None:  # a slash command's own response_url: rewrite its last answer
            mine = [m for m in self._local if m.channel == target.channel and m.kind != "command"]
            mine = [m for m in mine if m.visible_to == target.user]
            if not mine:
                return
            target = ResponseTarget(target.user, target.channel, mine[-1].ts, local=True)
        if target.local:
            for message in self._local:
                if message.ts == target.ts:
                    message.deleted = delete or message.deleted
                    message.text, message.blocks = text or message.text, with_ids(blocks)
                    message.edits += 1
            return
        if target.ts is None:
            return
        stored = state.messages.get(target.channel, [])
        updates = next((m.updates for m in stored if m.ts == target.ts), 0)
        self._overlays[(target.channel, target.ts)] = Overlay(text, blocks, delete, updates)

    def modal_result(self, user: str, view_id: str, body: dict[str, Any]) -> None:
        """Apply a view_submission's response_action (none closes the view, like Slack)."""
        action = body.get("response_action")
        new_id = None
        if action in ("update", "push") and isinstance(body.get("view"), dict):
            new_id = self.standin.put_view(body["view"], view_id if action == "update" else None)
        with self._lock:
            stack = self._modals.setdefault(user, ModalStack())
            if action == "errors":
                errors = body.get("errors")
                stack.errors[view_id] = dict(errors) if isinstance(errors, dict) else {}
                return
            stack.errors.pop(view_id, None)
            if action == "clear":
                stack.views.clear()
            elif action == "push" and new_id is not None:
                stack.views.append(new_id)
            elif action != "update" and view_id in stack.views:
                stack.views.remove(view_id)

    def close_modal(self, user: str, view_id: str) -> None:
        with self._lock:
            stack = self._modals.setdefault(user, ModalStack())
            if view_id in stack.views:
                stack.views.remove(view_id)

    # ---- what the bot sent, merged ----------------------------------------------------
    def _ingest(self, state: StandInSnapshot) -> None:
        """Take in response_url posts and chat.postEphemeral calls not seen yet, in order."""
        for response in state.responses[self._responses_seen :]:
            target = self._targets.get(str(response.get("name")))
            if target is not None:
                self.answer_from_bot(target, response, state)
        self._responses_seen = len(state.responses)
        for ephemeral in state.ephemerals[self._ephemerals_seen :]:
            self.add_local(
                channel=str(ephemeral.get("channel", "")),
                text=str(ephemeral.get("text") or ""),
                blocks=_blocks(ephemeral.get("blocks")),
                visible_to=str(ephemeral.get("user", "")),
                kind="ephemeral",
            )
        self._ephemerals_seen = len(state.ephemerals)

    def _timeline(self, state: StandInSnapshot, channel: str, user: str) -> list[dict[str, Any]]:
        return timeline(state, channel, user, local=self._local, overlays=self._overlays)

    def message(self, user: str, channel: str, ts: str) -> dict[str, Any] | None:
        """The message as `user` sees it now, for the `message` field of block_actions."""
        state = self.standin.snapshot()
        with self._lock:
            self._ingest(state)
            return next((m for m in self._timeline(state, channel, user) if m["ts"] == ts), None)

    def view(self, view_id: str) -> dict[str, Any] | None:
        return self.standin.snapshot().views.get(view_id)

    def snapshot(self, user: str) -> dict[str, Any]:
        state = self.standin.snapshot()
        with self._lock:
            self._ingest(state)
            stack = self._modals.get(user, ModalStack())
            top = stack.views[-1] if stack.views else None
            modal = None
            if top is not None and top in state.views:
                modal = {
                    "view": {**state.views[top], "blocks": with_ids(state.views[top]["blocks"])},
                    "errors": stack.errors.get(top, {}),
                    "depth": len(stack.views),
                }
            home = state.home.get(user)
            return {
                "me": user,
                "bot": {"id": BOT_USER_ID, "bot_id": BOT_ID, "name": "boundary-bot"},
                "users": [
                    {"id": u.user_id, "name": u.name, "role": u.role} for u in self.users.values()
                ],
                "channel": {
                    "id": self.channel_id,
                    "name": self.channel_name,
                    "messages": self._timeline(state, self.channel_id, user),
                },
                "dm": {
                    "id": self.standin.dm_channel(user),
                    "messages": self._timeline(state, self.standin.dm_channel(user), user),
                },
                "home": ({**home, "blocks": with_ids(home.get("blocks") or [])} if home else None),
                "modal": modal,
            }
