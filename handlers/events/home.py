"""The App Home tab, published when someone opens it and again whenever they act."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.context import Runtime
from bot.home import home_for
from handlers.blocks.home import home_view
from handlers.errors import reported
from handlers.ids import Event
from handlers.later import plan, planned


def publish_home(client: WebClient, runtime: Runtime, *, user_id: str) -> None:
    with runtime.reading() as session:
        home = home_for(
            session,
            user_id=user_id,
            review_days=runtime.settings.review_days,
            now=runtime.clock.now(),
        )
    client.views_publish(user_id=user_id, view=home_view(home))


def register(app: App, runtime: Runtime) -> None:
    def acknowledge(ack: Ack, event: dict[str, Any], context: BoltContext) -> None:
        if event.get("tab", "home") == "home" and event.get("user"):
            plan(context, "home", user=str(event["user"]))
        ack()

    @reported("app_home_opened")
    def publish(client: WebClient, context: BoltContext) -> None:
        work = planned(context)
        if work is not None:
            publish_home(client, runtime, user_id=work["user"])

    app.event(Event.APP_HOME_OPENED)(ack=acknowledge, lazy=[publish])
