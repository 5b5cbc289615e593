"""The register modal's submission: the integration is registered in the acknowledgement."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.errors import InvalidInput
from bot.flows.registration import register_integration
from handlers import payloads
from handlers.blocks.answers import registered_text
from handlers.blocks.modals import submitted
from handlers.context import actor_of, runtime_of
from handlers.deferred import plan, planned
from handlers.errors import reported
from handlers.ids import Block, View
from storage.vocabulary import Layer


def submit(ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext) -> None:
    values = view["state"]["values"]
    user_id = payloads.user_id(body)
    layer = submitted(values, Block.LAYER)
    if layer not in tuple(Layer):
        raise InvalidInput("Choose the platform or the application layer.")
    integration = register_integration(
        runtime_of(context),
        actor=actor_of(context, user_id),
        name=submitted(values, Block.NAME) or "",
        layer=Layer(str(layer)),
        owner=submitted(values, Block.OWNER),
    )
    plan(context, "registered", user=user_id, text=registered_text(integration))
    ack()


@reported(View.REGISTER)
def tell(client: WebClient, context: BoltContext) -> None:
    work = planned(context)
    if work is not None:
        client.chat_postMessage(channel=work["user"], text=work["text"])


def register(app: App) -> None:
    app.view(View.REGISTER)(ack=submit, lazy=[tell])
