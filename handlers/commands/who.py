"""`/boundary who <integration | @user | email | identity id>`: answered in the
acknowledgement."""

from __future__ import annotations

from bot.who import look_up
from handlers.blocks import answers
from handlers.commands.subcommand import Call, Reply, Subcommand, Usage


def answer(call: Call) -> Reply:
    if len(call.args) != 1:
        raise Usage("who")
    token = call.args[0]
    if token.channel:
        raise Usage("who", "A channel owns nothing; look up a @user, an integration or an email.")
    found = look_up(call.runtime, query=token.user or token.text)
    return {"text": answers.who_text(found), "blocks": answers.who_blocks(found)}


WHO = Subcommand("who", answer)
