"""The App Home tab, published when someone opens it and again whenever they act."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.authorization import Actor
from bot.flows import campaigns
from bot.home import read_home
from bot.runtime import Runtime
from handlers.blocks.home import MAX_GAP_LINES, home_view
from handlers.context import runtime_of
from handlers.deferred import plan, planned
from handlers.errors import reported
from handlers.ids import Event


def publish_home(client: WebClient, runtime: Runtime, *, user_id: str) -> None:
    home = read_home(runtime, user_id=user_id, shown=MAX_GAP_LINES)
    actor = Actor.slack_user(user_id, runtime.settings.admins)
    client.views_publish(
        user_id=user_id, view=home_view(home, campaigns.home(runtime, actor=actor))
    )


def acknowledge(ack: Ack, event: dict[str, Any], context: BoltContext) -> None:
    if event.get("tab", "home") == "home" and event.get("user"):
        plan(context, "home", user=str(event["user"]))
    ack()


@reported("app_home_opened")
def publish(client: WebClient, context: BoltContext) -> None:
    work = planned(context)
    if work is not None:
        publish_home(client, runtime_of(context), user_id=work["user"])


def register(app: App) -> None:
    app.event(Event.APP_HOME_OPENED)(ack=acknowledge, lazy=[publish])
