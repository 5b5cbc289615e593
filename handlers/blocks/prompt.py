"""The declaration prompt: one page of an owner's queue, with a lane control per identity."""

from __future__ import annotations

from typing import Any

from bot.declaration_queue import QueuePage
from bot.identity_details import IdentityDetails
from bot.lookup_views import IdentityView
from handlers.blocks.details import details_line
from handlers.blocks.text import (
    MESSAGE_BLOCKS,
    button,
    clip,
    context,
    day,
    divider,
    escape,
    header,
    mention,
    option,
    plain,
    section,
)
from handlers.ids import Action, Block
from storage.vocabulary import Answer

ANSWER_LABELS = {
    Answer.WORKFORCE: "workforce — run by the company",
    Answer.CUSTOMER: "customer — a customer's user",
    Answer.REMOVE: "remove — should not exist",
}


def declare_value(identity_id: int, answer: Answer) -> str:
    return f"{identity_id}:{answer}"


def parse_declare_value(value: str) -> tuple[int, Answer]:
    """The inverse of declare_value; raises ValueError on anything else."""
    identity, _, answer = value.partition(":")
    return int(identity), Answer(answer)


def page_value(integration: str, after_id: int) -> str:
    return f"{integration}:{after_id}"


def parse_page_value(value: str) -> tuple[str, int]:
    integration, _, after = value.rpartition(":")
    return integration, int(after)


def identity_ids(blocks: list[dict[str, Any]]) -> list[int]:
    """The identities a prompt message shows, read back from its block ids."""
    prefix = f"{Block.IDENTITY}:"
    found = []
    for block in blocks:
        block_id = str(block.get("block_id", ""))
        if block_id.startswith(prefix) and block_id[len(prefix) :].isdigit():
            found.append(int(block_id[len(prefix) :]))
    return found


def _describe(item: IdentityView, *, detailed: bool) -> str:
    """Who or what it is; a key's or account's role is in its details line instead."""
    facts = [str(item.kind).replace("_", " ")]
    if item.email and item.email != item.display_name:
        facts.append(escape(item.email))
    if item.role and not detailed:
        facts.append(f"role {escape(clip(item.role, 60))}")
    if item.external_id not in (item.display_name, item.email):
        facts.append(f"`{escape(clip(item.external_id, 60))}`")
    return f"*{escape(clip(item.display_name or item.external_id, 120))}*  ·  " + " · ".join(facts)


def _status(item: IdentityView, pending: bool) -> str:
    if item.answer is None:
        return ":white_circle: no lane yet"
    recorded = (
        f"`{item.answer}` recorded by {mention(item.declared_by)} on {day(item.declared_at)}"
        if item.declared_by and not item.declared_by.startswith("cli:")
        else f"`{item.answer}` recorded on {day(item.declared_at)}"
    )
    if item.rule:
        recorded += f" (rule `{escape(item.rule)}`)"
    if item.note:
        recorded += f"\n_{escape(clip(item.note, 200))}_"
    return (":hourglass: due for review: " if pending else ":white_check_mark: ") + recorded


def _identity_blocks(
    item: IdentityView, pending: bool, details: IdentityDetails | None
) -> list[dict[str, Any]]:
    select = {
        "type": "static_select",
        "action_id": Action.DECLARE,
        "placeholder": plain("Choose a lane" if pending else "Change the lane"),
        "options": [
            option(label, declare_value(item.id, answer)) for answer, label in ANSWER_LABELS.items()
        ],
    }
    return [
        section(
            f"{_describe(item, detailed=details is not None)}\n{_status(item, pending)}",
            block_id=f"{Block.IDENTITY}:{item.id}",
        ),
        *([] if details is None else [context(details_line(details))]),
        {
            "type": "actions",
            "block_id": f"{Block.IDENTITY_ACTIONS}:{item.id}",
            "elements": [
                select,
                button("Answer with a note…", Action.DECLARE_WITH_NOTE, str(item.id)),
            ],
        },
    ]


def prompt_text(page: QueuePage) -> str:
    """The notification text (and the fallback for clients that cannot show blocks)."""
    noun = "identity waits" if page.remaining == 1 else "identities wait"
    return f"{page.remaining} {noun} for a lane in {page.integration}"


def prompt_blocks(page: QueuePage) -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = [
        header(f"Declare lanes: {page.integration}"),
        context(
            "For each identity, say which lane it belongs to: *workforce* (developer SSO, API"
            " keys, service accounts, admin access run by the company) or *customer* (a customer"
            " tenant's users), or *remove* if it should not exist."
        ),
        divider(),
    ]
    for item in page.items:
        blocks.extend(_identity_blocks(item, page.pending(item), page.details.get(item.id)))
    if not page.items:
        blocks.append(section("Nothing on this page waits for a lane."))
    blocks.append(divider())
    navigation = []
    if page.remaining:
        navigation.append(
            button(
                f"Apply one lane to all {page.remaining} remaining…",
                Action.APPLY_REMAINING,
                page.integration,
            )
        )
    if page.next_after is not None:
        navigation.append(
            button("Next page", Action.PAGE, page_value(page.integration, page.next_after))
        )
    navigation.append(
        button("Show what is left", Action.PAGE_START, page_value(page.integration, 0))
    )
    blocks.append({"type": "actions", "block_id": "navigation", "elements": navigation})
    left = (
        f"{page.remaining} still to declare in `{page.integration}`."
        if page.remaining
        else f"Every identity of `{page.integration}` has a current lane. Thank you!"
    )
    blocks.append(context(left))
    assert len(blocks) <= MESSAGE_BLOCKS
    return blocks


def nothing_to_declare_text(integration: str | None) -> str:
    where = f"`{integration}`" if integration else "the integrations you own"
    return f"Nothing to declare: every active identity in {where} has a current lane."
