"""A Slack Web API stand-in on loopback, shared by the playground, the tests and the benchmarks.

It answers the Web API methods the bot calls, keeps the messages, views and ephemerals it was
sent (so a message updated with chat.update changes in place), records every call, and can be
told to fail: HTTP 429 with Retry-After, 500, or an `ok: false` error such as `invalid_auth`.
It also accepts POSTs to `response_url`s it hands out, and answers `apps.connections.open`
(with an app-level token) with the Socket Mode WebSocket URL a test sets. It binds 127.0.0.1
only. `SlackStandIn` is the stand-in itself; `PlaygroundStandIn` adds what the playground's
page needs (timestamps from its clock, which interaction opened which modal).
"""

from bot.playground.standin.playground import PlaygroundStandIn, StandInSnapshot
from bot.playground.standin.records import (
    APP_ID,
    APP_LEVEL_METHODS,
    BOT_ID,
    BOT_USER_ID,
    TEAM_ID,
    Call,
    Fault,
    Message,
    StandInState,
)
from bot.playground.standin.server import SlackStandIn

__all__ = [
    "APP_ID",
    "APP_LEVEL_METHODS",
    "BOT_ID",
    "BOT_USER_ID",
    "TEAM_ID",
    "Call",
    "Fault",
    "Message",
    "PlaygroundStandIn",
    "SlackStandIn",
    "StandInSnapshot",
    "StandInState",
]
