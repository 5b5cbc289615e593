"""The ids Slack fills in on blocks and their elements when the sender left them out."""

from __future__ import annotations

from typing import Any


def with_ids(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Give blocks and elements the ids Slack fills in when the sender left them out."""
    filled = []
    for index, block in enumerate(blocks):
        block = dict(block)
        block.setdefault("block_id", f"pg-{index}")
        for key in ("accessory", "element"):
            if isinstance(block.get(key), dict):
                block[key] = {"action_id": f"pg-{index}-{key}", **block[key]}
        if isinstance(block.get("elements"), list) and block.get("type") == "actions":
            block["elements"] = [
                {"action_id": f"pg-{index}-{position}", **element}
                for position, element in enumerate(block["elements"])
            ]
        filled.append(block)
    return filled
