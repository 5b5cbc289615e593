"""`/boundary owner <integration> @user [backup @user]`: reassigned in the acknowledgement."""

from __future__ import annotations

from bot.flows.registration import change_owner
from handlers.blocks import answers
from handlers.commands.subcommand import Call, Reply, Subcommand, Usage, plain, say, user


def answer(call: Call) -> Reply:
    args = list(call.args)
    if len(args) < 2:
        raise Usage("owner")
    name = plain(args[0], "owner", "an integration name")
    owner: str | None = None
    rest = args[1:]
    if rest[0].text.lower() != "backup":
        owner = user(rest[0], "owner")
        rest = rest[1:]
    backup: str | None = None
    if rest:
        if len(rest) != 2 or rest[0].text.lower() != "backup":
            raise Usage("owner")
        backup = user(rest[1], "owner")
    integration = change_owner(
        call.runtime, actor=call.actor, name=name, owner=owner, backup_owner=backup
    )
    return say(answers.owner_text(integration))


OWNER = Subcommand("owner", answer)
