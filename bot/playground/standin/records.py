"""What the Slack stand-in keeps: its workspace's ids, the calls it received, the messages and
views it holds, and the failures it was told to inject."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

TEAM_ID = "T0BOUNDARY"
BOT_USER_ID = "U0BOTUSER"
BOT_ID = "B0BOUNDARY"
APP_ID = "A0BOUNDARY"
# Web API methods that take an app-level token (`xapp-...`), not the bot token.
APP_LEVEL_METHODS = frozenset({"apps.connections.open"})


@dataclass(frozen=True)
class Call:
    method: str
    params: dict[str, Any]
    token: str | None
    at: float


@dataclass
class Fault:
    """An injected failure: answer `times` matching calls with it, then behave again."""

    method: str
    status: int = 200
    error: str | None = None
    retry_after: int | None = None
    times: int = 1
    when: Callable[[dict[str, Any]], bool] | None = None


@dataclass
class Message:
    channel: str
    ts: str
    text: str
    blocks: list[dict[str, Any]]
    user: str = BOT_USER_ID
    thread_ts: str | None = None
    updates: int = 0


@dataclass
class StandInState:
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)
    messages: dict[str, list[Message]] = field(default_factory=dict)
    ephemerals: list[dict[str, Any]] = field(default_factory=list)
    responses: list[dict[str, Any]] = field(default_factory=list)
    views: dict[str, dict[str, Any]] = field(default_factory=dict)
    home: dict[str, dict[str, Any]] = field(default_factory=dict)
    faults: list[Fault] = field(default_factory=list)
