"""The Slack stand-in as the playground needs it: clock-based timestamps, modals per trigger."""

from __future__ import annotations

import copy
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bot.clock import Clock
from bot.playground.standin.records import Message
from bot.playground.standin.server import SlackStandIn

# (trigger_id, view_id, pushed): a modal opened in answer to the interaction that made the trigger
ViewOpened = Callable[[str, str, bool], None]


@dataclass
class StandInSnapshot:
    """A consistent copy of what the stand-in holds, taken under its lock."""

    messages: dict[str, list[Message]] = field(default_factory=dict)
    ephemerals: list[dict[str, Any]] = field(default_factory=list)
    responses: list[dict[str, Any]] = field(default_factory=list)
    views: dict[str, dict[str, Any]] = field(default_factory=dict)
    home: dict[str, dict[str, Any]] = field(default_factory=dict)


class PlaygroundStandIn(SlackStandIn):
    def __init__(self, *, token: str, clock: Clock) -> None:
        super().__init__(token=token)
        self.clock = clock
        self.on_view_opened: ViewOpened | None = None
        self._sequence = itertools.count(1)
        self._modal_ids = itertools.count(1)

    def next_ts(self) -> str:
        """Message timestamps follow the playground's clock, so a moved clock shows in them."""
        return f"{int(self.clock.now().timestamp())}.{next(self._sequence):06d}"

    def _next_ts(self) -> str:
        return self.next_ts()

    def snapshot(self) -> StandInSnapshot:
        with self._lock:
            return StandInSnapshot(
                messages={
                    channel: [copy.deepcopy(m) for m in messages]
                    for channel, messages in self.state.messages.items()
                },
                ephemerals=copy.deepcopy(self.state.ephemerals),
                responses=copy.deepcopy(self.state.responses),
                views=copy.deepcopy(self.state.views),
                home=copy.deepcopy(self.state.home),
            )

    def put_view(self, view: dict[str, Any], view_id: str | None = None) -> str:
        """Store a view that came back in an interaction response (`response_action`)."""
        with self._lock:
            stored = dict(view)
            stored["id"] = view_id or f"VPG{next(self._modal_ids):07d}"
            self.state.views[stored["id"]] = stored
            return str(stored["id"])

    # ---- modals: remember which interaction (trigger) opened which view ----------------
    def _api_views_open(self, params: dict[str, Any]) -> dict[str, Any]:
        answer = super()._api_views_open(params)
        self._opened(params, answer, pushed=False)
        return answer

    def _api_views_push(self, params: dict[str, Any]) -> dict[str, Any]:
        answer = SlackStandIn._api_views_open(self, params)
        self._opened(params, answer, pushed=True)
        return answer

    def _opened(self, params: dict[str, Any], answer: dict[str, Any], *, pushed: bool) -> None:
        if answer.get("ok") and self.on_view_opened is not None:
            self.on_view_opened(str(params["trigger_id"]), str(answer["view"]["id"]), pushed)
