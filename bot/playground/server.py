"""The playground's own web server: the page, its controls, and the Slack client's routes."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from bot.playground.bot_endpoint import BotEndpoint
from bot.playground.slack_client import SlackClient
from bot.playground.workspace import Workspace

# The runner builds the app together with the endpoint it posts to.
__all__ = ["BotEndpoint", "build_playground_app"]

logger = logging.getLogger(__name__)

STATIC = Path(__file__).parent / "static"

Controls = Callable[[], dict[str, Any]]


class PageControls:
    """The page's own routes: who can play, what one of them sees, and the buttons that run
    the nudge cycle or move the clock."""

    def __init__(
        self,
        workspace: Workspace,
        *,
        run_nudges: Controls,
        advance_clock: Callable[[int], dict[str, Any]],
        clock_now: Callable[[], str],
        start_campaign: Controls,
    ) -> None:
        self.workspace = workspace
        self._run_nudges = run_nudges
        self._start_campaign = start_campaign
        self._advance_clock = advance_clock
        self._clock_now = clock_now

    async def users(self, _: Request) -> Response:
        listed = [
            {"id": user.user_id, "name": user.name, "role": user.role}
            for user in self.workspace.users.values()
        ]
        return JSONResponse({"users": listed})

    async def state(self, request: Request) -> Response:
        user = request.query_params.get("user", "")
        if user not in self.workspace.users:
            return JSONResponse({"error": "unknown user"}, status_code=404)
        snapshot = await run_in_threadpool(self.workspace.snapshot, user)
        return JSONResponse({**snapshot, "now": self._clock_now()})

    async def nudges(self, _: Request) -> Response:
        try:
            return JSONResponse(await run_in_threadpool(self._run_nudges))
        except Exception as error:  # shown on the page: the playground is for trying things
            logger.exception("the nudge cycle failed")
            return JSONResponse({"ok": False, "error": f"{type(error).__name__}: {error}"})

    async def campaign(self, _: Request) -> Response:
        try:
            return JSONResponse(await run_in_threadpool(self._start_campaign))
        except Exception as error:  # shown on the page, like the nudge cycle's
            logger.exception("starting the campaign failed")
            return JSONResponse({"ok": False, "error": f"{type(error).__name__}: {error}"})

    async def clock(self, request: Request) -> Response:
        data = await request.json()
        days = int(data.get("days", 1))
        if days not in (1, 7):
            return JSONResponse({"ok": False, "error": "a day or a week"}, status_code=400)
        try:
            return JSONResponse(await run_in_threadpool(self._advance_clock, days))
        except Exception as error:
            logger.exception("moving the clock failed")
            return JSONResponse({"ok": False, "error": f"{type(error).__name__}: {error}"})


async def page(_: Request) -> Response:
    return FileResponse(STATIC / "index.html")


async def bad_request(_: Request, error: Exception) -> Response:
    return JSONResponse({"ok": False, "error": str(error)}, status_code=400)


def build_playground_app(
    workspace: Workspace,
    bot: BotEndpoint,
    *,
    run_nudges: Controls,
    advance_clock: Callable[[int], dict[str, Any]],
    clock_now: Callable[[], str],
    start_campaign: Controls,
) -> Starlette:
    """The page and its JSON API; every Slack-side request goes to the bot, signed."""
    controls = PageControls(
        workspace,
        run_nudges=run_nudges,
        advance_clock=advance_clock,
        clock_now=clock_now,
        start_campaign=start_campaign,
    )
    client = SlackClient(workspace, bot)
    return Starlette(
        exception_handlers={ValueError: bad_request},
        routes=[
            Route("/", page),
            Route("/api/users", controls.users),
            Route("/api/state", controls.state),
            Route("/api/command", client.command, methods=["POST"]),
            Route("/api/action", client.action, methods=["POST"]),
            Route("/api/view", client.submit, methods=["POST"]),
            Route("/api/home", client.home, methods=["POST"]),
            Route("/api/nudges", controls.nudges, methods=["POST"]),
            Route("/api/clock", controls.clock, methods=["POST"]),
            Route("/api/campaign", controls.campaign, methods=["POST"]),
            Mount("/static", StaticFiles(directory=STATIC), name="static"),
        ],
        # Only this machine's names: a page elsewhere cannot rebind a name to the playground.
        middleware=[Middleware(TrustedHostMiddleware, allowed_hosts=["127.0.0.1", "localhost"])],
    )
