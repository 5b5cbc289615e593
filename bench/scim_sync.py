"""Benchmark: sync N SCIM users from a loopback scim2-server, against bare httpx paging of the
same responses, with the sync's peak Python memory at two sizes to show it is bounded by page.

    .venv/bin/python -m bench.scim_sync [--users 50000] [--page-size 1000]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime
from typing import Any

import httpx

TOKEN = "bench-token"
VARIABLE = "BOUNDARY_BENCH_SCIM_TOKEN"


def _serve(users: int, ready: Any) -> None:
    """The SCIM server runs in its own process so that it neither shares the GIL nor the
    memory measurement with the client."""
    from wsgiref.simple_server import WSGIRequestHandler, make_server

    from scim2_models import Email, Meta, User
    from scim2_server.memory import InMemoryStorage
    from scim2_server.service import ScimService
    from scim2_server.testserver.application import BearerTokenApplication
    from scim2_server.testserver.cli import ThreadingWSGIServer
    from scim2_server.utils import load_default_provider

    class Quiet(WSGIRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

    provider = load_default_provider()
    storage = InMemoryStorage()
    storage.resources = [
        User(
            id=f"u{n:07d}",
            user_name=f"user{n}",
            display_name=f"User {n}",
            active=n % 10 != 0,
            emails=[Email(value=f"user{n}@acme.com", primary=True)],
            meta=Meta(resource_type="User", version=f'W/"{n}"'),
        )
        for n in range(users)
    ]
    app = BearerTokenApplication(
        storage, provider, service=ScimService(provider, secret="bench"), bearer_tokens=[TOKEN]
    )
    server = make_server("127.0.0.1", 0, app, server_class=ThreadingWSGIServer, handler_class=Quiet)
    ready.put(server.server_port)
    server.serve_forever()


def _bare(base_url: str, page_size: int) -> int:
    seen, start = 0, 1
    with httpx.Client(
        base_url=base_url, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=60
    ) as client:
        while True:
            page = client.get("Users", params={"startIndex": start, "count": page_size}).json()
            resources = page.get("Resources") or []
            if not resources:
                return seen
            seen += len(resources)
            start += len(resources)
            if start > page["totalResults"]:
                return seen


def _sync(base_url: str, page_size: int, directory: str, *, traced: bool) -> tuple[int, float, int]:
    from bot.authorization import Actor
    from bot.connectors import ConnectorKind
    from bot.integrations import register_integration
    from bot.runtime import Runtime
    from bot.settings import Settings
    from bot.sync import connect_integration, sync_integration
    from storage import migrate
    from storage.vocabulary import Layer

    url = f"sqlite:///{directory}/bench-{time.monotonic_ns()}.db"
    runtime = Runtime.build(Settings(_env_file=None, DATABASE_URL=url))
    migrate.upgrade(runtime.engine)
    actor = Actor("UBENCH0001", is_admin=True)
    with runtime.unit_of_work() as session:
        now = datetime.now(UTC)
        register_integration(session, actor=actor, name="bench", layer=Layer.APPLICATION, now=now)
        connect_integration(
            session,
            actor=actor,
            integration_name="bench",
            kind=ConnectorKind.SCIM,
            settings={"url": base_url, "secret_env": VARIABLE, "page_size": page_size},
            now=now,
        )
    if traced:  # tracing slows Python down a lot: the timed run is a separate, untraced one
        tracemalloc.start()
    started = time.perf_counter()
    outcome = sync_integration(runtime, actor=actor, integration_name="bench")
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] if traced else 0
    tracemalloc.stop()
    runtime.engine.dispose()
    if not outcome.ok:
        raise SystemExit(f"sync failed: {outcome.error}")
    return outcome.seen, elapsed, peak


def _server(users: int) -> tuple[multiprocessing.Process, str]:
    ready: Any = multiprocessing.Queue()
    process = multiprocessing.Process(target=_serve, args=(users, ready), daemon=True)
    process.start()
    port = ready.get(timeout=600)
    return process, f"http://127.0.0.1:{port}/v2/"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=50_000)
    parser.add_argument("--page-size", type=int, default=1000)
    args = parser.parse_args()
    os.environ[VARIABLE] = TOKEN  # the benchmark is the process edge: it sets its own secret
    rows = []
    with tempfile.TemporaryDirectory() as directory:
        for users in sorted({max(args.users // 5, 1), args.users}):
            process, base_url = _server(users)
            try:
                started = time.perf_counter()
                bare_seen = _bare(base_url, args.page_size)
                bare = time.perf_counter() - started
                seen, synced, _ = _sync(base_url, args.page_size, directory, traced=False)
                _, _, peak = _sync(base_url, args.page_size, directory, traced=True)
            finally:
                process.terminate()
                process.join()
            assert seen == bare_seen == users, (seen, bare_seen, users)
            rows.append((users, bare, synced, peak))
    print(f"SCIM sync benchmark, page size {args.page_size}, SQLite, loopback scim2-server")
    print(
        f"{'users':>8} {'bare s':>8} {'bare/s':>9} {'sync s':>8} {'sync/s':>9} "
        f"{'ratio':>6} {'peak MiB':>9}"
    )
    for users, bare, synced, peak in rows:
        print(
            f"{users:>8} {bare:>8.2f} {users / bare:>9.0f} {synced:>8.2f} {users / synced:>9.0f}"
            f" {bare / synced:>6.2f} {peak / 2**20:>9.1f}"
        )


if __name__ == "__main__":
    main()
