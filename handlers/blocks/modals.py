"""Modals: registering an integration, answering with a note, one lane for all remaining."""

from __future__ import annotations

import json
from typing import Any

from handlers.blocks.prompt import ANSWER_LABELS
from handlers.blocks.text import clip, escape, option, plain, section
from handlers.ids import Block, View
from storage.vocabulary import Answer, Decision, Layer

ELEMENT = "value"  # the action id of each modal's input element; block ids tell them apart


def _input(
    block_id: str, label: str, element: dict[str, Any], *, optional: bool = False
) -> dict[str, Any]:
    # Slack itself shows "(optional)" after an optional input's label: never write it here.
    return {
        "type": "input",
        "block_id": block_id,
        "label": plain(label),
        "element": {**element, "action_id": ELEMENT},
        "optional": optional,
    }


def _lane_select(answers: tuple[Answer, ...]) -> dict[str, Any]:
    return {
        "type": "static_select",
        "placeholder": plain("Choose a lane"),
        "options": [option(ANSWER_LABELS[answer], str(answer)) for answer in answers],
    }


def _note(hint: str) -> dict[str, Any]:
    return _input(
        Block.NOTE,
        "Note",
        {
            "type": "plain_text_input",
            "multiline": True,
            "max_length": 500,
            "placeholder": plain(hint),
        },
        optional=True,
    )


def _modal(
    callback: str, title: str, blocks: list[dict[str, Any]], metadata: dict[str, Any]
) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": callback,
        "title": plain(title, 24),
        "submit": plain("Save", 24),
        "close": plain("Cancel", 24),
        "private_metadata": json.dumps(metadata),
        "blocks": blocks,
    }


def register_modal(
    *, name: str | None, layer: Layer | None, owner: str, channel: str | None
) -> dict[str, Any]:
    name_input: dict[str, Any] = {
        "type": "plain_text_input",
        "max_length": 64,
        "placeholder": plain("openai-platform"),
    }
    if name:
        name_input["initial_value"] = clip(name, 64)
    layer_select: dict[str, Any] = {
        "type": "static_select",
        "placeholder": plain("Which layer?"),
        "options": [
            option("platform — who reaches the AI provider", Layer.PLATFORM),
            option("application — who reaches the product", Layer.APPLICATION),
        ],
    }
    if layer is not None:
        layer_select["initial_option"] = next(
            o for o in layer_select["options"] if o["value"] == layer
        )
    blocks = [
        _input(Block.NAME, "Name (a slug)", name_input),
        _input(Block.LAYER, "Layer", layer_select),
        _input(Block.OWNER, "Owner", {"type": "users_select", "initial_user": owner}),
    ]
    return _modal(View.REGISTER, "Register integration", blocks, {"channel": channel})


def declare_note_modal(*, identity_id: int, label: str, place: dict[str, Any]) -> dict[str, Any]:
    blocks = [
        section(f"Declare *{escape(clip(label, 200))}*"),
        _input(Block.LANE, "Lane", _lane_select(tuple(Answer))),
        _note("Why this lane, e.g. 'support engineer with tenant access, ticket SEC-12'"),
    ]
    metadata = {"identity": identity_id, "place": place}
    return _modal(View.DECLARE_NOTE, "Declare with a note", blocks, metadata)


def apply_remaining_modal(*, integration: str, place: dict[str, Any]) -> dict[str, Any]:
    # The name comes back from the button's value, so it is escaped like any payload text.
    name = escape(clip(integration, 64))
    blocks = [
        section(
            f"Give one answer to every identity of `{name}` that still waits"
            " for a lane — or only to those a rule matches."
        ),
        _input(Block.LANE, "Lane", _lane_select(tuple(Answer))),
        _input(
            Block.RULE,
            "Only those matching",
            {
                "type": "plain_text_input",
                "max_length": 200,
                "placeholder": plain("domain:acme.com, kind:service_account or role:admin"),
            },
            optional=True,
        ),
        _note("Recorded with each declaration (a rule's declarations name the rule instead)"),
    ]
    metadata = {"integration": integration, "place": place}
    return _modal(View.APPLY_REMAINING, "Apply one lane", blocks, metadata)


def campaign_decision_modal(
    *, campaign: str, position: int, decision: Decision, label: str, place: dict[str, Any]
) -> dict[str, Any]:
    """Change (a new lane and a reason) or remove (a reason) one campaign item."""
    verb = "Change the lane of" if decision is Decision.CHANGE else "Remove"
    blocks = [section(f"{verb} *{escape(clip(label, 200))}* in campaign `{campaign}`")]
    if decision is Decision.CHANGE:
        blocks.append(
            _input(Block.LANE, "New lane", _lane_select((Answer.WORKFORCE, Answer.CUSTOMER)))
        )
    blocks.append(
        _input(
            Block.REASON,
            "Reason",
            {
                "type": "plain_text_input",
                "multiline": True,
                "max_length": 500,
                "placeholder": plain("Why, for the record, e.g. 'left the company, ticket IT-88'"),
            },
        )
    )
    metadata = {"campaign": campaign, "item": position, "decision": str(decision), "place": place}
    title = "Change the lane" if decision is Decision.CHANGE else "Remove"
    return _modal(View.CAMPAIGN_DECIDE, title, blocks, metadata)


def submitted(values: dict[str, Any], block_id: str) -> str | None:
    """The value a modal's input block was submitted with, whatever its element type; None
    when it is missing or not of a shape Slack sends."""
    block = values.get(block_id)
    element = block.get(ELEMENT) if isinstance(block, dict) else None
    if not isinstance(element, dict):
        return None
    for key in ("value", "selected_user"):
        if isinstance(element.get(key), str) and element[key]:
            return str(element[key])
    selected = element.get("selected_option")
    value = selected.get("value") if isinstance(selected, dict) else None
    return value if isinstance(value, str) else None
