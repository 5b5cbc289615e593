"""The Slack client's side of the page: what its user types or clicks becomes the request Slack
would send the bot, and the bot's answer lands where Slack would show it."""

from __future__ import annotations

from typing import Any

import httpx
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from bot.playground import slack_requests as slack
from bot.playground.bot_endpoint import BotEndpoint, json_body
from bot.playground.standin import BOT_ID, BOT_USER_ID
from bot.playground.workspace import ResponseTarget, Workspace

COMMAND = "/boundary"


def handle_of(name: str) -> str:
    """A demo user's @handle: the first name, lower case (`@omar`)."""
    return name.split()[0].lower()


def _failure(status: int) -> str:
    # What Slack itself says when an app answers a command with an error status.
    return f'{COMMAND} failed with the error "http_service_error_{status}"'


def _status(response: httpx.Response) -> Response:
    return JSONResponse({"ok": response.status_code == 200, "status": response.status_code})


class SlackClient:
    """The page's routes where its user acts in Slack; each one signs and posts to the bot."""

    def __init__(self, workspace: Workspace, bot: BotEndpoint) -> None:
        self.workspace = workspace
        self.bot = bot

    def _user_of(self, data: dict[str, Any]) -> tuple[str, str]:
        user = str(data.get("user", ""))
        if user not in self.workspace.users:
            raise ValueError(f"unknown playground user {user!r}")
        return user, handle_of(self.workspace.users[user].name)

    async def command(self, request: Request) -> Response:
        """A line typed in the composer: a slash command, or Slack's own refusal of it."""
        workspace = self.workspace
        data = await request.json()
        user, name = self._user_of(data)
        text = str(data.get("text", "")).strip()
        command_name, _, arguments = text.partition(" ")
        channel = str(data.get("channel") or workspace.channel_id)
        if channel not in (workspace.channel_id, workspace.standin.dm_channel(user)):
            raise ValueError(f"unknown channel {channel!r}")
        in_dm = channel != workspace.channel_id
        workspace.add_local(
            channel=channel, text=text, blocks=[], visible_to=user, kind="command", author=user
        )
        if command_name != COMMAND:
            workspace.add_local(
                channel=channel,
                text=f"`{command_name}` is not a command here. Try `{COMMAND} help`.",
                blocks=[],
                visible_to=user,
                kind="ephemeral",
            )
            return JSONResponse({"ok": False})
        target = ResponseTarget(user, channel, None, local=False)
        body = slack.slash_command_body(
            command=COMMAND,
            text=slack.escape_like_slack(
                arguments.strip(),
                users={handle_of(u.name): u.user_id for u in workspace.users.values()},
                channels={workspace.channel_name: workspace.channel_id},
            ),
            user_id=user,
            user_name=name,
            channel_id=channel,
            channel_name="directmessage" if in_dm else workspace.channel_name,
            response_url=workspace.response_url(target),
            trigger_id=workspace.trigger_for(user),
        )
        response = await self.bot.post(body, "application/x-www-form-urlencoded")
        if response.status_code != 200:
            answer = {"text": _failure(response.status_code)}
        else:
            answer = json_body(response)
        await run_in_threadpool(workspace.answer_from_bot, target, answer)
        return _status(response)

    async def action(self, request: Request) -> Response:
        """A click in a message or a modal: a block_actions payload."""
        data = await request.json()
        user, name = self._user_of(data)
        surface = data.get("surface") or {}
        state_values = data.get("state") or {}
        acted = dict(data.get("action") or {})
        trigger = self.workspace.trigger_for(user)
        if surface.get("type") == "view":
            view = await run_in_threadpool(self.workspace.view, str(surface.get("view_id")))
            if view is None:
                return JSONResponse({"ok": False, "error": "view_not_found"}, status_code=404)
            container = {"type": "view", "view_id": view["id"]}
            where: dict[str, Any] = {"container": container, "view": view}
        else:
            channel, ts = str(surface.get("channel")), str(surface.get("ts"))
            message = await run_in_threadpool(self.workspace.message, user, channel, ts)
            if message is None:
                return JSONResponse({"ok": False, "error": "message_not_found"}, status_code=404)
            where = self._in_message(user, channel, ts, message)
        payload = slack.block_actions_payload(
            user_id=user,
            user_name=name,
            action=acted,
            trigger_id=trigger,
            state_values=state_values,
            **where,
        )
        return _status(await self.bot.interact(payload))

    def _in_message(
        self, user: str, channel: str, ts: str, message: dict[str, Any]
    ) -> dict[str, Any]:
        """Where a click in a message happened, in block_actions' own fields."""
        ephemeral = bool(message["ephemeral"]) or message["kind"] != "message"
        target = ResponseTarget(user, channel, ts, local=message["kind"] != "message")
        return {
            "container": {
                "type": "message",
                "message_ts": ts,
                "channel_id": channel,
                "is_ephemeral": ephemeral,
            },
            "channel": {
                "id": channel,
                "name": "directmessage" if channel.startswith("D") else self.workspace.channel_name,
            },
            # Slack leaves the message out of actions on ephemeral messages.
            "message": None if ephemeral else _message_json(message),
            "response_url": self.workspace.response_url(target),
        }

    async def submit(self, request: Request) -> Response:
        """A modal submitted or closed: a view_submission or view_closed payload."""
        data = await request.json()
        user, name = self._user_of(data)
        view_id = str(data.get("view_id"))
        view = await run_in_threadpool(self.workspace.view, view_id)
        if view is None:
            return JSONResponse({"ok": False, "error": "view_not_found"}, status_code=404)
        closing = bool(data.get("closed"))
        payload = slack.view_payload(
            "view_closed" if closing else "view_submission",
            user_id=user,
            user_name=name,
            view=view,
            state_values=data.get("state") or {},
            trigger_id=self.workspace.trigger_for(user),
        )
        if closing:
            self.workspace.close_modal(user, view_id)
            if not view.get("notify_on_close"):
                return JSONResponse({"ok": True})
            response = await self.bot.interact(payload)
            return JSONResponse({"ok": response.status_code == 200})
        response = await self.bot.interact(payload)
        if response.status_code == 200:
            answer = json_body(response)
            await run_in_threadpool(self.workspace.modal_result, user, view_id, answer)
        return _status(response)

    async def home(self, request: Request) -> Response:
        """App Home opened: an app_home_opened event with the view the user sees now."""
        data = await request.json()
        user, _ = self._user_of(data)
        snapshot = await run_in_threadpool(self.workspace.snapshot, user)
        body = slack.app_home_opened_body(
            user_id=user, channel_id=self.workspace.standin.dm_channel(user), view=snapshot["home"]
        )
        return _status(await self.bot.post(body, "application/json"))


def _message_json(message: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "message",
        "subtype": "bot_message",
        "user": BOT_USER_ID,
        "bot_id": BOT_ID,
        "text": message["text"],
        "ts": message["ts"],
        "blocks": message["blocks"],
    }
