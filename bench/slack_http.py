"""Slack HTTP benchmark: signed `/boundary who ...` requests against the real bot, over HTTP.

    .venv/bin/python -m bench.slack_http [--identities 100000] [--requests 2000] [--concurrency 32]

Seeds a SQLite database (bench.seed), then runs the same load against three servers, each
uvicorn in its own process on loopback: a raw ASGI app that only answers 200 (the limit of the
machine and of this load generator), a bare bolt app whose command handler only acks (the best
configuration we know: process_before_response=True, requests dispatched on the thread pool),
and the real `boundary-bot run`. Prints p50/p99 latency, throughput and errors for each.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
from slack_sdk.signature import SignatureVerifier

from bench.seed import identity_email, integration_name, migrated_engine, owner_id, seed
from bot.slack_standin import SlackStandIn

SECRET = "bench-signing-secret"
TOKEN = "xoxb-bench-token"


# ---- the servers ------------------------------------------------------------------------
async def raw_app(
    scope: dict[str, Any], receive: Callable[..., Any], send: Callable[..., Any]
) -> None:
    """The floor: read the body, answer 200 with a tiny JSON, nothing else."""
    if scope["type"] != "http":
        return
    more = True
    while more:
        message = await receive()
        more = message.get("more_body", False)
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-type", b"application/json")],
        }
    )
    await send({"type": "http.response.body", "body": b'{"text":"ok"}'})


def bare_bolt_app(api_url: str) -> Any:
    from slack_bolt import Ack, App
    from slack_sdk import WebClient

    from bot.context import Runtime
    from bot.server import asgi_for
    from bot.settings import Settings

    app = App(
        client=WebClient(token=TOKEN, base_url=api_url),
        signing_secret=SECRET,
        process_before_response=True,
        token_verification_enabled=False,
    )

    def only_ack(ack: Ack) -> None:
        ack(text="ok")

    app.command("/boundary")(only_ack)
    runtime = Runtime.build(Settings(_env_file=None, DATABASE_URL="sqlite://"))
    return asgi_for(app, runtime)


def _serve(kind: str, port: int, api_url: str) -> None:
    import uvicorn

    target = raw_app if kind == "raw" else bare_bolt_app(api_url)
    uvicorn.run(target, host="127.0.0.1", port=port, log_level="warning", access_log=False)


# ---- the load -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Result:
    name: str
    latencies: list[float]
    errors: int
    seconds: float

    def row(self) -> str:
        ordered = sorted(self.latencies) or [0.0]
        p50 = statistics.median(ordered) * 1000
        p99 = ordered[min(int(len(ordered) * 0.99), len(ordered) - 1)] * 1000
        rate = len(self.latencies) / self.seconds if self.seconds else 0
        return f"| {self.name:<28} | {p50:8.1f} | {p99:8.1f} | {rate:9.0f} | {self.errors:6d} |"


def _body(text: str, n: int) -> str:
    return urlencode(
        {
            "token": "x",
            "team_id": "T0BOUNDARY",
            "channel_id": "C0BENCH",
            "user_id": owner_id(n % 50),
            "command": "/boundary",
            "text": text,
            "api_app_id": "A0BOUNDARY",
            "response_url": "http://127.0.0.1:9/response",
            "trigger_id": f"t{n}",
        }
    )


async def _load(
    port: int, queries: list[str], requests: int, concurrency: int
) -> tuple[list[float], int, float]:
    verifier = SignatureVerifier(SECRET)
    latencies: list[float] = []
    errors = 0
    counter = iter(range(requests))
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(
        base_url=f"http://127.0.0.1:{port}", limits=limits, timeout=30
    ) as http:

        async def worker() -> None:
            nonlocal errors
            for n in counter:
                body = _body("who " + queries[n % len(queries)], n)
                stamp = str(int(time.time()))
                headers = {
                    "Content-Type": "application/x-www-form-urlencoded",
                    "X-Slack-Request-Timestamp": stamp,
                    "X-Slack-Signature": verifier.generate_signature(timestamp=stamp, body=body)
                    or "",
                }
                started = time.perf_counter()
                try:
                    answer = await http.post("/slack/events", content=body, headers=headers)
                    ok = answer.status_code == 200 and bool(answer.content)
                except httpx.HTTPError:
                    ok = False
                if ok:
                    latencies.append(time.perf_counter() - started)
                else:
                    errors += 1

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return latencies, errors, time.perf_counter() - started


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait(port: int, process: subprocess.Popen[bytes], path: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"server on {port} exited with {process.returncode}")
        try:
            httpx.request("GET" if path == "/healthz" else "POST", f"http://127.0.0.1:{port}{path}")
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise SystemExit(f"server on {port} did not start")


def _run(
    name: str,
    command: list[str],
    env: dict[str, str],
    port: int,
    path: str,
    queries: list[str],
    args: argparse.Namespace,
    workdir: str,
) -> Result:
    process = subprocess.Popen(command, env=env, cwd=workdir)
    try:
        _wait(port, process, path)
        asyncio.run(_load(port, queries, min(200, args.requests), args.concurrency))  # warm-up
        latencies, errors, seconds = asyncio.run(
            _load(port, queries, args.requests, args.concurrency)
        )
        return Result(name, latencies, errors, seconds)
    finally:
        process.terminate()
        process.wait(timeout=15)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--identities", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--serve", choices=["raw", "bolt"], help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--api-url", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        _serve(args.serve, args.port, args.api_url)
        return

    workdir = tempfile.mkdtemp(prefix="bench-slack-")
    url = f"sqlite:///{Path(workdir) / 'bench.db'}"
    integrations = max(args.identities // 10, 1)
    engine = migrated_engine(url)
    summary = seed(
        engine, integrations=integrations, identities=args.identities, declarations=args.identities
    )
    engine.dispose()
    print(
        f"seeded {summary.identities} identities, {summary.integrations} integrations"
        f" in {summary.seconds:.1f}s"
    )
    # Each request looks up something different: an email, an integration, an owner.
    queries = []
    for n in range(0, 3000, 3):
        queries += [
            identity_email(n * 31, args.identities),
            integration_name(n % integrations),
            f"<@{owner_id(n % 50)}|owner>",
        ]

    base_env = {"PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", workdir)}
    results = []
    with SlackStandIn(token=TOKEN) as standin:
        for kind, name in (("raw", "raw ASGI (200 only)"), ("bolt", "bare bolt app (ack only)")):
            port = _free_port()
            command = [
                sys.executable,
                "-m",
                "bench.slack_http",
                "--serve",
                kind,
                "--port",
                str(port),
                "--api-url",
                standin.api_url,
            ]
            env = {**base_env, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
            results.append(_run(name, command, env, port, "/", queries, args, workdir))
        port = _free_port()
        env = {
            **base_env,
            "SLACK_API_URL": standin.api_url,
            "SLACK_BOT_TOKEN": TOKEN,
            "SLACK_SIGNING_SECRET": SECRET,
            "DATABASE_URL": url,
            "PORT": str(port),
            "LOG_LEVEL": "WARNING",
        }
        executable = str(Path(sys.executable).parent / "boundary-bot")
        results.append(
            _run(
                "boundary-bot run (who)",
                [executable, "run"],
                env,
                port,
                "/healthz",
                queries,
                args,
                workdir,
            )
        )

    print(
        f"\n{args.requests} signed `/boundary who ...` at {args.concurrency} in flight,"
        f" {args.identities} identities, SQLite\n"
    )
    print("| server                       | p50 (ms) | p99 (ms) | req/s     | errors |")
    print("|------------------------------|----------|----------|-----------|--------|")
    for result in results:
        print(result.row())


if __name__ == "__main__":
    main()
