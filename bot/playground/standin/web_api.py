"""The Web API methods the bot calls, answered as Slack answers them from the stand-in's state."""

from __future__ import annotations

import itertools
import json
import time
from typing import Any

from bot.playground.standin.records import (
    APP_ID,
    BOT_ID,
    BOT_USER_ID,
    TEAM_ID,
    Message,
    StandInState,
)


class WebApiMethods:
    """One `_api_<method>` per Web API method (dots as underscores), each called with the
    stand-in's lock held; `answer` picks the one a call names."""

    def __init__(self) -> None:
        self.state = StandInState()
        # What apps.connections.open answers: a ws:// URL served by a test's WebSocket server.
        self.socket_mode_url: str | None = None
        self._ts = itertools.count(1)
        self._view_ids = itertools.count(1)

    def answer(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        handler = getattr(self, "_api_" + method.replace(".", "_"), None)
        if handler is None:
            return {"ok": False, "error": "unknown_method"}
        answered: dict[str, Any] = handler(params)
        return answered

    def dm_channel(self, user_id: str) -> str:
        return "D" + user_id

    def _next_ts(self) -> str:
        return f"{int(time.time())}.{next(self._ts):06d}"

    def _api_auth_test(self, _: dict[str, Any]) -> dict[str, Any]:
        return {
            "ok": True,
            "url": "https://boundary-standin.slack.com/",
            "team": "Boundary Stand-in",
            "user": "boundary-bot",
            "team_id": TEAM_ID,
            "user_id": BOT_USER_ID,
            "bot_id": BOT_ID,
            "app_id": APP_ID,
        }

    def _api_apps_connections_open(self, _: dict[str, Any]) -> dict[str, Any]:
        if self.socket_mode_url is None:
            # The stand-in's own wording: no test has started a Socket Mode server.
            return {"ok": False, "error": "socket_mode_not_enabled"}
        return {"ok": True, "url": self.socket_mode_url}

    # ---- messages ----------------------------------------------------------------------
    def _api_chat_postMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = str(params.get("channel", ""))
        if not channel:
            return {"ok": False, "error": "channel_not_found"}
        if channel.startswith("U"):
            channel = self.dm_channel(channel)
        message = Message(
            channel=channel,
            ts=self._next_ts(),
            text=str(params.get("text") or ""),
            blocks=_json_list(params.get("blocks")),
            thread_ts=params.get("thread_ts"),
        )
        self.state.messages.setdefault(channel, []).append(message)
        return {"ok": True, "channel": channel, "ts": message.ts, "message": _message_json(message)}

    def _api_chat_update(self, params: dict[str, Any]) -> dict[str, Any]:
        channel, ts = str(params.get("channel", "")), str(params.get("ts", ""))
        for message in self.state.messages.get(channel, []):
            if message.ts == ts:
                message.text = str(params.get("text") or message.text)
                if "blocks" in params:
                    message.blocks = _json_list(params.get("blocks"))
                message.updates += 1
                return {"ok": True, "channel": channel, "ts": ts, "text": message.text}
        return {"ok": False, "error": "message_not_found"}

    def _api_chat_postEphemeral(self, params: dict[str, Any]) -> dict[str, Any]:
        entry = {
            **params,
            "blocks": _json_list(params.get("blocks")),
            "message_ts": self._next_ts(),
        }
        self.state.ephemerals.append(entry)
        return {"ok": True, "message_ts": entry["message_ts"]}

    def _api_conversations_open(self, params: dict[str, Any]) -> dict[str, Any]:
        users = str(params.get("users", ""))
        if not users:
            return {"ok": False, "error": "users_list_not_supplied"}
        user = users.split(",")[0]
        if user in self.state.users and self.state.users[user]["deleted"]:
            return {"ok": False, "error": "user_disabled"}
        return {"ok": True, "channel": {"id": self.dm_channel(user), "is_im": True}}

    # ---- users -------------------------------------------------------------------------
    def _api_users_info(self, params: dict[str, Any]) -> dict[str, Any]:
        user = self.state.users.get(str(params.get("user", "")))
        if user is None:
            return {"ok": False, "error": "user_not_found"}
        return {"ok": True, "user": user}

    def _api_users_lookupByEmail(self, params: dict[str, Any]) -> dict[str, Any]:
        email = str(params.get("email", "")).lower()
        for user in self.state.users.values():
            if (user["profile"].get("email") or "").lower() == email:
                return {"ok": True, "user": user}
        return {"ok": False, "error": "users_not_found"}

    # ---- views: modals and the App Home ------------------------------------------------
    def _view(self, params: dict[str, Any], view_id: str | None = None) -> dict[str, Any]:
        view = params.get("view")
        view = json.loads(view) if isinstance(view, str) else dict(view or {})
        view["id"] = view_id or f"V{next(self._view_ids):08d}"
        self.state.views[view["id"]] = view
        return view

    def _api_views_open(self, params: dict[str, Any]) -> dict[str, Any]:
        if not params.get("trigger_id"):
            return {"ok": False, "error": "invalid_trigger_id"}
        return {"ok": True, "view": self._view(params)}

    def _api_views_push(self, params: dict[str, Any]) -> dict[str, Any]:
        return self._api_views_open(params)

    def _api_views_update(self, params: dict[str, Any]) -> dict[str, Any]:
        view_id = params.get("view_id")
        if not view_id or view_id not in self.state.views:
            return {"ok": False, "error": "not_found"}
        return {"ok": True, "view": self._view(params, view_id)}

    def _api_views_publish(self, params: dict[str, Any]) -> dict[str, Any]:
        user = str(params.get("user_id", ""))
        view = self._view(params, self.state.home.get(user, {}).get("id"))
        self.state.home[user] = view
        return {"ok": True, "view": view}


def _json_list(value: Any) -> list[dict[str, Any]]:
    if value is None:
        return []
    if isinstance(value, str):
        value = json.loads(value)
    return list(value)


def _message_json(message: Message) -> dict[str, Any]:
    return {
        "type": "message",
        "user": message.user,
        "text": message.text,
        "ts": message.ts,
        "blocks": message.blocks,
    }
