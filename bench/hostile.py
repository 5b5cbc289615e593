"""Hostile input, shared by the property tests and the attack run (bench.attack): Slack markup
that must never come back as a ping or a link, and payloads broken the way a broken or hostile
client breaks them."""

from __future__ import annotations

import copy
import random
from collections.abc import Callable, Sequence
from typing import Any

# What the bot must never send from what someone typed: Slack renders these as notifications
# of a whole channel or group, or as links whose label hides where they go.
FORBIDDEN = ("<!channel", "<!here", "<!everyone", "<!subteam", "<http", "<mailto", "<#")

SLACK_SYNTAX = [
    "<!channel>",
    "<!here>",
    "<!everyone>",
    "<!here|here>",
    "<!subteam^S0TEAM01|@team>",
    "<@U0OWNER01>",
    "<@U0OWNER01|dana>",
    "<#C0GENERAL|general>",
    "<https://evil.example|verify>",
    "<http://acme.com|acme.com>",
    "<mailto:dev@acme.com|dev@acme.com>",
    "&lt;!channel&gt;",
    "&lt;!here&gt;",
    "&lt;!subteam^S0TEAM01&gt;",
    "&lt;https://evil.example|verify&gt;",
    "&lt;#C0GENERAL&gt;",
    "&amp;lt;!channel&amp;gt;",
    "&lt;",
    "&gt;",
    "&amp;",
    "&",
    "=",
    "payload",
    "payload=",
    "domain:",
    "role:",
    "kind:",
    "backup",
    "platform",
    "application",
    "workforce",
    "customer",
    "acme",
]

Path = tuple[str | int, ...]


def forbidden_in(text: str) -> list[str]:
    return [bad for bad in FORBIDDEN if bad in text]


def paths(value: Any, path: Path = ()) -> list[Path]:
    """Every place in a payload, the payload itself excepted."""
    found = [path] if path else []
    if isinstance(value, dict):
        for key, inner in value.items():
            found += paths(inner, (*path, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            found += paths(inner, (*path, index))
    return found


def random_json(rng: random.Random, depth: int = 0) -> Any:
    """A JSON value of any shape, Slack markup among the strings."""
    pick = rng.randrange(8 if depth < 2 else 6)
    if pick == 0:
        return None
    if pick == 1:
        return rng.choice([True, False])
    if pick == 2:
        return rng.choice([0, -1, 1, 2**31, 2**70, -(2**70)])
    if pick == 3:
        return rng.choice([0.5, -1e300, 1e-9])
    if pick == 4:
        return "".join(chr(rng.randrange(0, 0x2FFF)) for _ in range(rng.randrange(0, 12)))
    if pick == 5:
        return rng.choice(SLACK_SYNTAX)
    if pick == 6:
        return [random_json(rng, depth + 1) for _ in range(rng.randrange(0, 3))]
    return {rng.choice(["", "id", "type", "x"]): random_json(rng, depth + 1)}


def broken(
    payload: dict[str, Any],
    rng: random.Random,
    *,
    replacements: Sequence[Any] = (),
    keep: Callable[[Path], bool] = lambda _: False,
    most: int = 3,
) -> dict[str, Any]:
    """A copy of `payload` broken in one to `most` places: a key or item removed, or a value
    replaced by arbitrary JSON or by one of `replacements`. Paths for which `keep` is true are
    left alone."""
    result = copy.deepcopy(payload)
    for _ in range(rng.randint(1, most)):
        places = [p for p in paths(result) if not keep(p)]
        if not places:
            break
        *parent_path, key = rng.choice(places)
        parent: Any = result
        for step in parent_path:
            parent = parent[step]
        if rng.random() < 0.4:
            del parent[key]
        elif replacements and rng.random() < 0.5:
            parent[key] = rng.choice(list(replacements))
        else:
            parent[key] = random_json(rng)
    return result
