"""Slack HTTP benchmark: signed `/boundary who ...` requests against the real bot, over HTTP.

    .venv/bin/python -m bench.slack_http [--identities 100000] [--requests 2000] [--concurrency 32]

Seeds a SQLite database (bench.seed), then runs the same load against three servers, each
uvicorn in its own process on loopback: a raw ASGI app that only answers 200 (the limit of the
machine and of this load generator), a bare bolt app whose command handler only acks (the best
configuration we know: process_before_response=True, requests dispatched on the thread pool),
and the real `boundary-bot run`. Prints p50/p99 latency, throughput and errors for each.

The load generator is wrk (Debian's `wrk` package) replaying requests signed beforehand, each
with its own body and a fresh timestamp: a Python client (httpx) tops out near 200 requests/s
on this machine and would measure itself. Without wrk, `--client httpx` still runs, and says so.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
from slack_sdk.signature import SignatureVerifier

from bench.foundation import database
from bench.seed import identity_email, integration_name, migrated_engine, owner_id, seed
from bot.playground.standin import SlackStandIn

SECRET = "bench-signing-secret"
SLACK_LIMIT_SECONDS = 3.0
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

    from bot.runtime import Runtime
    from bot.server import asgi_for
    from bot.settings import Settings

    # Like the bot: one signature check, at the edge of asgi_for, and none in bolt.
    app = App(
        client=WebClient(token=TOKEN, base_url=api_url),
        signing_secret=SECRET,
        request_verification_enabled=False,
        process_before_response=True,
        token_verification_enabled=False,
    )

    def only_ack(ack: Ack) -> None:
        ack(text="ok")

    app.command("/boundary")(only_ack)
    settings = Settings(_env_file=None, DATABASE_URL="sqlite://", SLACK_SIGNING_SECRET=SECRET)
    return asgi_for(app, Runtime.build(settings))


def _serve(kind: str, port: int, api_url: str) -> None:
    import uvicorn

    target = raw_app if kind == "raw" else bare_bolt_app(api_url)
    uvicorn.run(target, host="127.0.0.1", port=port, log_level="warning", access_log=False)


# ---- the load -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Result:
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int
    seconds: float
    name: str = ""
    slowest_ms: float = 0.0
    over_limit: int = 0

    @classmethod
    def of(cls, latencies: list[float], errors: int, seconds: float) -> Result:
        ordered = sorted(latencies) or [0.0]
        p99 = ordered[min(int(len(ordered) * 0.99), len(ordered) - 1)]
        return cls(
            statistics.median(ordered) * 1000,
            p99 * 1000,
            len(latencies),
            errors,
            seconds,
            slowest_ms=ordered[-1] * 1000,
            over_limit=sum(1 for latency in ordered if latency > SLACK_LIMIT_SECONDS),
        )

    @classmethod
    def summary(cls, p50: float, p99: float, total: int, errors: int, seconds: float) -> Result:
        return cls(p50, p99, total, errors, seconds)

    def row(self) -> str:
        rate = self.requests / self.seconds if self.seconds else 0
        return (
            f"| {self.name:<34} | {self.p50_ms:8.1f} | {self.p99_ms:8.1f} | {rate:9.0f}"
            f" | {self.requests:8d} | {self.errors:6d} |"
        )


HEADER = (
    "| server                             | p50 (ms) | p99 (ms) | req/s     | requests | errors |\n"
    "|------------------------------------|----------|----------|-----------|----------|--------|"
)


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
    port: int, queries: list[str], requests: int, concurrency: int, offset: int = 0
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
                body = _body("who " + queries[n % len(queries)], n + offset)
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


_WRK_SCRIPT = """
local data = dofile("%(data)s")
local prepared = {}
local n = 0
function init(args)
  for k, r in ipairs(data) do
    prepared[k] = wrk.format("POST", "/slack/events", {
      ["Content-Type"] = "application/x-www-form-urlencoded",
      ["X-Slack-Request-Timestamp"] = r[1],
      ["X-Slack-Signature"] = r[2],
    }, r[3])
  end
end
function request()
  n = n + 1
  return prepared[(n %% #prepared) + 1]
end
"""


def _lua_string(text: str) -> str:
    return "[==[" + text + "]==]"


def _wrk(port: int, queries: list[str], args: argparse.Namespace, workdir: str) -> Result:
    """wrk at `--concurrency` connections for `--seconds`, replaying signed requests."""
    verifier = SignatureVerifier(SECRET)
    stamp = str(int(time.time()))
    rows = []
    for n in range(args.requests):
        body = _body("who " + queries[n % len(queries)], n)
        signature = verifier.generate_signature(timestamp=stamp, body=body) or ""
        rows.append("{" + ", ".join(_lua_string(v) for v in (stamp, signature, body)) + "}")
    data = Path(workdir) / f"requests-{port}.lua"
    data.write_text("return {\n" + ",\n".join(rows) + "\n}\n", encoding="utf-8")
    script = Path(workdir) / f"wrk-{port}.lua"
    script.write_text(_WRK_SCRIPT % {"data": data}, encoding="utf-8")
    threads = str(min(2, args.concurrency))
    command = ["wrk", "-t", threads, "-c", str(args.concurrency), "-d", f"{args.seconds}s"]
    command += ["--latency", "-s", str(script), f"http://127.0.0.1:{port}/slack/events"]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return _parse_wrk(output)


def _milliseconds(text: str) -> float:
    units = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}
    for unit in ("us", "ms", "s", "m"):
        if text.endswith(unit):
            return float(text[: -len(unit)]) * units[unit]
    return float(text)


def _parse_wrk(output: str) -> Result:
    percentiles: dict[str, float] = {}
    total, seconds, errors = 0, 0.0, 0
    for line in output.splitlines():
        words = line.split()
        if len(words) == 2 and words[0] in ("50%", "99%"):
            percentiles[words[0]] = _milliseconds(words[1])
        elif "requests in" in line:
            total = int(words[0])
            seconds = _milliseconds(words[3].rstrip(",")) / 1000
        elif line.strip().startswith("Non-2xx or 3xx responses:"):
            errors += int(words[-1])
        elif line.strip().startswith("Socket errors:"):
            errors += sum(int(part.split()[-1]) for part in line.split(":", 1)[1].split(","))
    return Result.summary(
        percentiles.get("50%", 0.0), percentiles.get("99%", 0.0), total, errors, seconds
    )


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
    bursts: list[Result] | None = None,
) -> Result:
    """One server under the load; with `bursts`, then a burst of `--burst` simultaneous
    commands (each on its own connection, all sent at once) appended to it."""
    process = subprocess.Popen(command, env=env, cwd=workdir)
    try:
        _wait(port, process, path)
        asyncio.run(_load(port, queries, min(200, args.requests), args.concurrency))  # warm-up
        if args.client == "wrk":
            result = replace(_wrk(port, queries, args, workdir), name=name)
        else:
            latencies, errors, seconds = asyncio.run(
                _load(port, queries, args.requests, args.concurrency)
            )
            result = replace(Result.of(latencies, errors, seconds), name=name)
        if bursts is not None and args.burst:
            time.sleep(1)  # let the last of the load drain
            latencies, errors, seconds = asyncio.run(
                _load(port, queries, args.burst, args.burst, offset=10_000_000)
            )
            bursts.append(replace(Result.of(latencies, errors, seconds), name=name))
        return result
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            # A scheduler job still running (the first nudge tick asks Slack about every
            # owner) keeps the process past SIGTERM; the measurement is over, so kill it.
            print(f"{name}: still running 15 s after SIGTERM, killed", file=sys.stderr)
            process.kill()
            process.wait(timeout=15)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--identities", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--seconds", type=int, default=10, help="wrk: how long each run lasts")
    parser.add_argument(
        "--client",
        choices=["wrk", "httpx"],
        default="wrk" if shutil.which("wrk") else "httpx",
        help="the load generator (default: wrk when installed)",
    )
    parser.add_argument(
        "--backend",
        choices=("sqlite", "postgres"),
        default="sqlite",
        help="the bot's database (postgres: a scratch database on --postgres)",
    )
    parser.add_argument(
        "--postgres",
        default=os.environ.get("BOUNDARY_TEST_POSTGRES_URL"),
        help="admin URL of a PostgreSQL server (default: BOUNDARY_TEST_POSTGRES_URL)",
    )
    parser.add_argument(
        "--workers",
        default="1",
        help="comma-separated BOUNDARY_HTTP_WORKERS values to run the bot with, e.g. 1,2",
    )
    parser.add_argument(
        "--burst",
        type=int,
        default=200,
        help="after each bot run, this many simultaneous commands at once (0: none)",
    )
    parser.add_argument(
        "--mix",
        default="email,integration,owner",
        help="which lookups the requests make, comma-separated (default: all three in turn)",
    )
    parser.add_argument("--serve", choices=["raw", "bolt"], help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--api-url", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        _serve(args.serve, args.port, args.api_url)
        return

    if args.backend == "postgres" and not args.postgres:
        parser.error("--backend postgres needs --postgres URL or BOUNDARY_TEST_POSTGRES_URL")
    workdir = tempfile.mkdtemp(prefix="bench-slack-")
    with database(args.backend, args.postgres, "slack_http") as url:
        assert url is not None
        _bench(args, workdir, url)


def _bench(args: argparse.Namespace, workdir: str, url: str) -> None:
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
        one = {
            "email": identity_email(n * 31, args.identities),
            "integration": integration_name(n % integrations),
            "owner": f"<@{owner_id(n % 50)}|owner>",
        }
        queries += [one[kind] for kind in args.mix.split(",") if kind in one]

    base_env = {"PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", workdir)}
    results: list[Result] = []
    bursts: list[Result] = []
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
        executable = str(Path(sys.executable).parent / "boundary-bot")
        for workers in [int(count) for count in args.workers.split(",") if count]:
            port = _free_port()
            env = {
                **base_env,
                "SLACK_API_URL": standin.api_url,
                "SLACK_BOT_TOKEN": TOKEN,
                "SLACK_SIGNING_SECRET": SECRET,
                "DATABASE_URL": url,
                "PORT": str(port),
                "LOG_LEVEL": "WARNING",
                "BOUNDARY_HTTP_WORKERS": str(workers),
            }
            name = "boundary-bot run (who)" + ("" if workers == 1 else f", {workers} workers")
            command = [executable, "run"]
            results.append(
                _run(name, command, env, port, "/healthz", queries, args, workdir, bursts)
            )

    load = (
        f"wrk, {args.seconds} s per server, {args.requests} distinct signed requests replayed"
        if args.client == "wrk"
        else f"httpx, {args.requests} requests (a Python client: it measures itself too)"
    )
    print(
        f"\nsigned `/boundary who ...` ({args.mix}) at {args.concurrency} in flight,"
        f" {args.identities} identities, {args.backend}; {load};"
        f" load average {os.getloadavg()[0]:.2f}\n"
    )
    print(HEADER)
    for result in results:
        print(result.row())
    if bursts:
        print(
            f"\na burst of {args.burst} signed `/boundary who` at once, each on its own"
            " connection, from this process (httpx; Slack's limit is 3,000 ms per"
            " acknowledgement)\n"
        )
        print(HEADER)
        for burst in bursts:
            print(burst.row())
        for burst in bursts:
            print(
                f"{burst.name}: slowest {burst.slowest_ms:.0f} ms,"
                f" {burst.over_limit} over 3,000 ms, {burst.errors} errors"
            )


if __name__ == "__main__":
    main()
