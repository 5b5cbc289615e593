"""The playground's own web server: the page, and the Slack client's side of every request."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from bot.playground import slack_requests as slack
from bot.playground.standin import BOT_ID, BOT_USER_ID
from bot.playground.workspace import ResponseTarget, Workspace

logger = logging.getLogger(__name__)

STATIC = Path(__file__).parent / "static"
COMMAND = "/boundary"
# Slack gives up on an app after three seconds; the playground is more patient, because the
# first request also warms the bot up, but still shows Slack's error when the bot fails.
BOT_TIMEOUT_SECONDS = 10.0

Controls = Callable[[], dict[str, Any]]


class BotEndpoint:
    """Posts signed requests to the bot's real `/slack/events`, as Slack does."""

    def __init__(self, events_url: str, signing_secret: str) -> None:
        self.events_url = events_url
        self._secret = signing_secret

    async def post(self, body: str, content_type: str) -> httpx.Response:
        headers = slack.signed_headers(self._secret, body, content_type=content_type)
        async with httpx.AsyncClient(timeout=BOT_TIMEOUT_SECONDS) as client:
            return await client.post(self.events_url, content=body.encode(), headers=headers)

    async def interact(self, payload: dict[str, Any]) -> httpx.Response:
        return await self.post(
            slack.interactivity_body(payload), "application/x-www-form-urlencoded"
        )


def handle_of(name: str) -> str:
    """A demo user's @handle: the first name, lower case (`@omar`)."""
    return name.split()[0].lower()


def _json_body(response: httpx.Response) -> dict[str, Any]:
    if not response.content.strip():
        return {}
    try:
        loaded = json.loads(response.content)
    except ValueError:
        return {"text": response.text}
    return loaded if isinstance(loaded, dict) else {}


def _failure(status: int) -> str:
    # What Slack itself says when an app answers a command with an error status.
    return f'{COMMAND} failed with the error "http_service_error_{status}"'


def build_playground_app(
    workspace: Workspace,
    bot: BotEndpoint,
    *,
    run_nudges: Controls,
    advance_clock: Callable[[int], dict[str, Any]],
    clock_now: Callable[[], str],
) -> Starlette:
    """The page and its JSON API; every Slack-side request goes to the bot, signed."""

    def user_of(data: dict[str, Any]) -> tuple[str, str]:
        user = str(data.get("user", ""))
        if user not in workspace.users:
            raise ValueError(f"unknown playground user {user!r}")
        return user, handle_of(workspace.users[user].name)

    async def page(_: Request) -> Response:
        return FileResponse(STATIC / "index.html")

    async def users(_: Request) -> Response:
        listed = [
            {"id": user.user_id, "name": user.name, "role": user.role}
            for user in workspace.users.values()
        ]
        return JSONResponse({"users": listed})

    async def state(request: Request) -> Response:
        user = request.query_params.get("user", "")
        if user not in workspace.users:
            return JSONResponse({"error": "unknown user"}, status_code=404)
        snapshot = await run_in_threadpool(workspace.snapshot, user)
        return JSONResponse({**snapshot, "now": clock_now()})

    async def command(request: Request) -> Response:
        data = await request.json()
        user, name = user_of(data)
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
        response = await bot.post(body, "application/x-www-form-urlencoded")
        if response.status_code != 200:
            answer = {"text": _failure(response.status_code)}
        else:
            answer = _json_body(response)
        await run_in_threadpool(workspace.answer_from_bot, target, answer)
        return JSONResponse({"ok": response.status_code == 200, "status": response.status_code})

    async def action(request: Request) -> Response:
        data = await request.json()
        user, name = user_of(data)
        surface = data.get("surface") or {}
        state_values = data.get("state") or {}
        acted = dict(data.get("action") or {})
        trigger = workspace.trigger_for(user)
        if surface.get("type") == "view":
            view = await run_in_threadpool(workspace.view, str(surface.get("view_id")))
            if view is None:
                return JSONResponse({"ok": False, "error": "view_not_found"}, status_code=404)
            payload = slack.block_actions_payload(
                user_id=user,
                user_name=name,
                action=acted,
                trigger_id=trigger,
                state_values=state_values,
                container={"type": "view", "view_id": view["id"]},
                view=view,
            )
        else:
            channel, ts = str(surface.get("channel")), str(surface.get("ts"))
            message = await run_in_threadpool(workspace.message, user, channel, ts)
            if message is None:
                return JSONResponse({"ok": False, "error": "message_not_found"}, status_code=404)
            ephemeral = bool(message["ephemeral"]) or message["kind"] != "message"
            target = ResponseTarget(user, channel, ts, local=message["kind"] != "message")
            payload = slack.block_actions_payload(
                user_id=user,
                user_name=name,
                action=acted,
                trigger_id=trigger,
                state_values=state_values,
                container={
                    "type": "message",
                    "message_ts": ts,
                    "channel_id": channel,
                    "is_ephemeral": ephemeral,
                },
                channel={
                    "id": channel,
                    "name": "directmessage" if channel.startswith("D") else workspace.channel_name,
                },
                # Slack leaves the message out of actions on ephemeral messages.
                message=None if ephemeral else _message_json(message),
                response_url=workspace.response_url(target),
            )
        response = await bot.interact(payload)
        return JSONResponse({"ok": response.status_code == 200, "status": response.status_code})

    async def submit(request: Request) -> Response:
        data = await request.json()
        user, name = user_of(data)
        view_id = str(data.get("view_id"))
        view = await run_in_threadpool(workspace.view, view_id)
        if view is None:
            return JSONResponse({"ok": False, "error": "view_not_found"}, status_code=404)
        closing = bool(data.get("closed"))
        payload = slack.view_payload(
            "view_closed" if closing else "view_submission",
            user_id=user,
            user_name=name,
            view=view,
            state_values=data.get("state") or {},
            trigger_id=workspace.trigger_for(user),
        )
        if closing:
            workspace.close_modal(user, view_id)
            if not view.get("notify_on_close"):
                return JSONResponse({"ok": True})
            response = await bot.interact(payload)
            return JSONResponse({"ok": response.status_code == 200})
        response = await bot.interact(payload)
        if response.status_code == 200:
            await run_in_threadpool(workspace.modal_result, user, view_id, _json_body(response))
        return JSONResponse({"ok": response.status_code == 200, "status": response.status_code})

    async def home(request: Request) -> Response:
        data = await request.json()
        user, _ = user_of(data)
        snapshot = await run_in_threadpool(workspace.snapshot, user)
        body = slack.app_home_opened_body(
            user_id=user, channel_id=workspace.standin.dm_channel(user), view=snapshot["home"]
        )
        response = await bot.post(body, "application/json")
        return JSONResponse({"ok": response.status_code == 200, "status": response.status_code})

    async def nudges(_: Request) -> Response:
        try:
            return JSONResponse(await run_in_threadpool(run_nudges))
        except Exception as error:  # shown on the page: the playground is for trying things
            logger.exception("the nudge cycle failed")
            return JSONResponse({"ok": False, "error": f"{type(error).__name__}: {error}"})

    async def clock(request: Request) -> Response:
        data = await request.json()
        days = int(data.get("days", 1))
        if days not in (1, 7):
            return JSONResponse({"ok": False, "error": "a day or a week"}, status_code=400)
        try:
            return JSONResponse(await run_in_threadpool(advance_clock, days))
        except Exception as error:
            logger.exception("moving the clock failed")
            return JSONResponse({"ok": False, "error": f"{type(error).__name__}: {error}"})

    async def bad_request(_: Request, error: Exception) -> Response:
        return JSONResponse({"ok": False, "error": str(error)}, status_code=400)

    return Starlette(
        exception_handlers={ValueError: bad_request},
        routes=[
            Route("/", page),
            Route("/api/users", users),
            Route("/api/state", state),
            Route("/api/command", command, methods=["POST"]),
            Route("/api/action", action, methods=["POST"]),
            Route("/api/view", submit, methods=["POST"]),
            Route("/api/home", home, methods=["POST"]),
            Route("/api/nudges", nudges, methods=["POST"]),
            Route("/api/clock", clock, methods=["POST"]),
            Mount("/static", StaticFiles(directory=STATIC), name="static"),
        ],
        # Only this machine's names: a page elsewhere cannot rebind a name to the playground.
        middleware=[Middleware(TrustedHostMiddleware, allowed_hosts=["127.0.0.1", "localhost"])],
    )


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
