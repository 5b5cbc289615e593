"""The `/boundary` router knows exactly the subcommands the help lists, and only those that
never plan slow work skip the lazy listener."""

from __future__ import annotations

import pytest

from handlers.blocks.answers import USAGE
from handlers.commands.boundary import ANSWERED_IN_ACK, SUBCOMMANDS, answered_in_ack


def test_the_router_dispatches_exactly_the_subcommands_the_help_lists() -> None:
    assert list(SUBCOMMANDS) == list(USAGE)


def test_help_who_owner_and_add_are_answered_in_the_acknowledgement_alone() -> None:
    assert frozenset({"help", "who", "owner", "add"}) == ANSWERED_IN_ACK


@pytest.mark.parametrize(
    ("text", "alone"),
    [("", True), ("WHO dev@acme.com", True), ("add x y", True), ("gaps", False), ("nope", False)],
)
def test_the_ack_only_listener_matches_by_the_first_word(text: str, alone: bool) -> None:
    assert answered_in_ack({"text": text}) is alone
