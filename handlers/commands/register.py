"""`/boundary register <name> [platform|application] [@owner]`: registered in the
acknowledgement when the name and layer are given; otherwise the register form opens after it."""

from __future__ import annotations

from typing import Any

from slack_bolt import Respond
from slack_sdk import WebClient

from bot import validation
from bot.flows.registration import register_integration
from bot.runtime import Runtime
from handlers.blocks import answers
from handlers.blocks.modals import register_modal
from handlers.commands.parse import Token
from handlers.commands.subcommand import Call, Reply, Subcommand, Usage, plain, quoted, say
from handlers.deferred import plan
from storage.vocabulary import Layer


def answer(call: Call) -> Reply:
    typed = plain(call.args[0], "register", "a name") if call.args else None
    # Checked before the form opens too: the form is prefilled with the name, which must be one.
    name = validation.integration_name(typed) if typed is not None else None
    layer, owner = _layer_and_owner(call.args[1:])
    if name is None or layer is None:
        plan(
            call.context,
            "register",
            name=name,
            layer=layer,
            user=call.user_id,
            channel=call.channel_id,
            trigger_id=call.trigger_id,
        )
        return {}
    integration = register_integration(
        call.runtime, actor=call.actor, name=name, layer=layer, owner=owner
    )
    return say(answers.registered_text(integration))


def _layer_and_owner(tokens: tuple[Token, ...]) -> tuple[Layer | None, str | None]:
    layer: Layer | None = None
    owner: str | None = None
    for token in tokens:
        if token.user and owner is None:
            owner = token.user
        elif token.text.lower() in tuple(Layer) and layer is None:
            layer = Layer(token.text.lower())
        else:
            raise Usage("register", f"I don't understand {quoted(token)}.")
    return layer, owner


def open_form(runtime: Runtime, work: dict[str, Any], client: WebClient, respond: Respond) -> None:
    """The register form, prefilled with what the command gave."""
    layer = Layer(work["layer"]) if work["layer"] else None
    view = register_modal(
        name=work["name"], layer=layer, owner=work["user"], channel=work["channel"]
    )
    client.views_open(trigger_id=work["trigger_id"], view=view)


REGISTER = Subcommand("register", answer, open_form)
