"""The modals' optional inputs are marked `optional` and their labels never say "(optional)"
themselves: Slack appends it, so writing it too shows "(optional) (optional)"."""

from __future__ import annotations

from typing import Any

import pytest

from handlers.blocks.modals import apply_remaining_modal, declare_note_modal, register_modal
from handlers.ids import Block
from storage.vocabulary import Layer

PLACE = {"channel": "D0OWNER01", "ts": "1.000001"}
MODALS = {
    "register": register_modal(
        name="crm-tenant", layer=Layer.APPLICATION, owner="U0OWNER01", channel="C0BOUNDARY"
    ),
    "declare with a note": declare_note_modal(identity_id=7, label="Sam Developer", place=PLACE),
    "apply one lane": apply_remaining_modal(integration="acme-tenant", place=PLACE),
}


def _inputs(view: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {block["block_id"]: block for block in view["blocks"] if block["type"] == "input"}


@pytest.mark.parametrize("modal", MODALS.values(), ids=MODALS.keys())
def test_no_input_label_says_optional_itself(modal: dict[str, Any]) -> None:
    labels = [block["label"]["text"] for block in _inputs(modal).values()]

    assert [label for label in labels if "optional" in label.lower()] == []


def test_note_and_rule_are_the_optional_inputs() -> None:
    inputs = _inputs(MODALS["apply one lane"])

    optional = {block_id for block_id, block in inputs.items() if block["optional"]}

    assert optional == {Block.NOTE, Block.RULE}
    assert inputs[Block.NOTE]["label"]["text"] == "Note"
    assert inputs[Block.RULE]["label"]["text"] == "Only those matching"
