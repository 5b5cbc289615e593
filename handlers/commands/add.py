"""`/boundary add <integration> <email-or-id> [kind]`: added in the acknowledgement."""

from __future__ import annotations

from bot.flows.registration import add_identity
from handlers.blocks import answers
from handlers.commands.subcommand import Call, Reply, Subcommand, Usage, plain, quoted, say
from storage.vocabulary import IdentityKind


def answer(call: Call) -> Reply:
    if len(call.args) not in (2, 3):
        raise Usage("add")
    name = plain(call.args[0], "add", "an integration name")
    id_or_email = plain(call.args[1], "add", "an email or id")
    kind = IdentityKind.HUMAN
    if len(call.args) == 3:
        try:
            kind = IdentityKind(call.args[2].text.lower())
        except ValueError:
            raise Usage("add", f"{quoted(call.args[2])} is not a kind.") from None
    identity = add_identity(
        call.runtime, actor=call.actor, integration=name, id_or_email=id_or_email, kind=kind
    )
    return say(answers.added_text(identity, name))


ADD = Subcommand("add", answer)
