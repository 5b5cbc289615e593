"""In-process Slack harness: pre-signed `/boundary who ...` requests dispatched straight into
the ASGI apps, no sockets, no load generator; what each request costs the bot above bolt.

    .venv/bin/python -m bench slack_inprocess [--identities 100000] [--requests 3000]
        [--profile ours|bolt] [--database URL]

Seeds a SQLite database (bench.seed), then sends the same signed requests, one after another,
to the bare bolt app of bench.slack_http (ack only, behind the same edge) and to the real
`boundary-bot` ASGI app, alternating rounds so that the machine's noise hits both alike.
Prints the mean and p99 microseconds per request of each, and the difference.

`--profile` runs pyinstrument (`pip install pyinstrument` into the venv; it is not a
dependency) over one app's requests and prints its call tree. Starlette runs bolt on a worker
thread, which a profiler of the main thread does not see; while profiling, that hop is replaced
by a direct call, so the tree shows the whole request.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.seed import identity_email, integration_name, migrated_engine, owner_id, seed
from bench.slack_http import SECRET, TOKEN, _body, bare_bolt_app
from bot.playground.slack_requests import signed_headers
from bot.playground.standin import SlackStandIn

Asgi = Callable[..., Any]


MIX = ("email", "integration", "owner")


def queries(identities: int, mix: tuple[str, ...] = MIX) -> list[str]:
    """The mix of bench.slack_http (an email, an integration, an owner), or part of it."""
    integrations = max(identities // 10, 1)
    mixed = []
    for n in range(0, 3000, 3):
        one = {
            "email": identity_email(n * 31, identities),
            "integration": integration_name(n % integrations),
            "owner": f"<@{owner_id(n % 50)}|owner>",
        }
        mixed += [one[kind] for kind in mix]
    return mixed


def signed(count: int, mix: list[str]) -> list[tuple[bytes, list[tuple[bytes, bytes]]]]:
    requests = []
    for n in range(count):
        body = _body("who " + mix[n % len(mix)], n)
        headers = signed_headers(SECRET, body, content_type="application/x-www-form-urlencoded")
        raw = [(k.lower().encode(), v.encode()) for k, v in headers.items()]
        raw.append((b"content-length", str(len(body)).encode()))
        requests.append((body.encode(), raw))
    return requests


async def _one(app: Asgi, body: bytes, headers: list[tuple[bytes, bytes]]) -> int:
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/slack/events",
        "raw_path": b"/slack/events",
        "query_string": b"",
        "root_path": "",
        "headers": headers,
        "server": ("127.0.0.1", 3000),
        "client": ("127.0.0.1", 50000),
    }
    sent = False
    status = 0

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    await app(scope, receive, send)
    return status


async def _round(app: Asgi, requests: list[Any], samples: list[float]) -> int:
    errors = 0
    for body, headers in requests:
        started = time.perf_counter()
        status = await _one(app, body, headers)
        samples.append(time.perf_counter() - started)
        errors += status != 200
    return errors


def _ours(url: str, api_url: str) -> Asgi:
    from bot.runtime import Runtime
    from bot.server import build_asgi_app
    from bot.settings import Settings

    settings = Settings(
        _env_file=None,
        DATABASE_URL=url,
        SLACK_BOT_TOKEN=TOKEN,
        SLACK_SIGNING_SECRET=SECRET,
        SLACK_API_URL=api_url,
        LOG_LEVEL="WARNING",
    )
    return build_asgi_app(Runtime.build(settings))


def _stats(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.mean(ordered) * 1e6, ordered[int(len(ordered) * 0.99)] * 1e6


def _profile(app: Asgi, requests: list[Any], *, flat: bool) -> None:
    from pyinstrument import Profiler

    import bot.server

    async def inline(fn: Callable[..., Any], *args: Any) -> Any:
        return fn(*args)

    vars(bot.server)["run_in_threadpool"] = inline
    profiler = Profiler(interval=0.0002)
    with profiler:
        asyncio.run(_round(app, requests, []))
    print(profiler.output_text(unicode=True, flat=flat, flat_time="total" if flat else "self"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--identities", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--profile", choices=("ours", "bolt"))
    parser.add_argument("--flat", action="store_true", help="--profile: per function, not a tree")
    parser.add_argument("--database", help="an already seeded database (default: seed one)")
    parser.add_argument(
        "--mix", default=",".join(MIX), help=f"which lookups, comma-separated (of {','.join(MIX)})"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-inprocess-") as directory:
        url = args.database or f"sqlite:///{Path(directory) / 'who.db'}"
        if args.database is None:
            engine = migrated_engine(url)
            integrations = max(args.identities // 10, 1)
            seed(
                engine,
                integrations=integrations,
                identities=args.identities,
                declarations=args.identities,
            )
            engine.dispose()
        _bench(args, url)


def _bench(args: argparse.Namespace, url: str) -> None:
    mix = tuple(kind for kind in args.mix.split(",") if kind in MIX)
    requests = signed(args.requests, queries(args.identities, mix or MIX))
    with SlackStandIn(token=TOKEN) as standin:
        apps = {"bare bolt app (ack only)": bare_bolt_app(standin.api_url)}
        apps["boundary-bot (who)"] = _ours(url, standin.api_url)
        for app in apps.values():  # warm-up: auth.test, statement caches, pools
            asyncio.run(_round(app, requests[:200], []))
        if args.profile:
            _profile(list(apps.values())[args.profile == "ours"], requests, flat=args.flat)
            return
        samples: dict[str, list[float]] = {name: [] for name in apps}
        errors = dict.fromkeys(apps, 0)
        for _ in range(args.rounds):
            for name, app in apps.items():
                errors[name] += asyncio.run(_round(app, requests, samples[name]))
    print(f"\n{args.requests} x {args.rounds} signed requests per app ({','.join(mix or MIX)}),")
    print(f"{args.identities} identities; load average {os.getloadavg()[0]:.2f}\n")
    print("| app | mean (µs) | p99 (µs) | errors |\n|---|---|---|---|")
    for name, taken in samples.items():
        mean, p99 = _stats(taken)
        print(f"| {name} | {mean:,.0f} | {p99:,.0f} | {errors[name]} |")
    (bolt_mean, _), (ours_mean, _) = (_stats(taken) for taken in samples.values())
    print(f"\nwho costs {ours_mean - bolt_mean:,.0f} µs per request above bolt")


if __name__ == "__main__":
    main()
