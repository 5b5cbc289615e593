"""`/boundary who <integration | @user | email | domain | name | identity id>`, or the start of
one: answered in the acknowledgement."""

from __future__ import annotations

from bot.who import look_up
from handlers.blocks import lookups
from handlers.commands.subcommand import Call, Reply, Subcommand, Usage


def answer(call: Call) -> Reply:
    if not call.args:
        raise Usage("who")
    if any(token.channel for token in call.args):
        raise Usage("who", "A channel owns nothing; look up a @user, an integration or an email.")
    if len(call.args) == 1 and call.args[0].user:
        query = call.args[0].user
    elif any(token.user for token in call.args):
        raise Usage("who", "Look up one @user at a time.")
    else:
        # A display name has spaces: `who Dev One` and `who "Dev One"` look up the same.
        query = " ".join(token.text for token in call.args)
    found = look_up(call.runtime, query=query)
    return {"text": lookups.who_text(found), "blocks": lookups.who_blocks(found)}


WHO = Subcommand("who", answer)
