"""`/boundary help`, and a bare `/boundary`: every subcommand with an example."""

from __future__ import annotations

from handlers.blocks import answers
from handlers.commands.subcommand import Call, Reply, Subcommand


def answer(call: Call) -> Reply:
    return {"text": "boundary-bot help", "blocks": answers.help_blocks()}


HELP = Subcommand("help", answer)
