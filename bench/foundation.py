"""Foundation benchmark: `who` lookups, CSV import and gap computation, on SQLite and PostgreSQL.

    .venv/bin/python -m bench.foundation [--postgres URL] [--backend sqlite|postgres|both]
        [--sizes 10000,100000,1000000] [--gaps-only | --no-gaps] [--import-rows 100000]

Each measurement is printed next to its baseline from the same run: the raw indexed SQL for a
lookup, a bare Core bulk insert for the import, a bare ordered SELECT of the chain for `audit
verify`, a bare streaming read of the same rows for gaps. Gap computation runs in a fresh
subprocess per size, so its peak memory (the child's VmHWM) is its own.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url

from bench.seed import (
    SEED_NOW,
    identity_csv,
    identity_email,
    integration_name,
    migrated_engine,
    owner_id,
    seed,
    table_of,
)
from bot.authorization import Actor
from bot.csv_import import import_csv, parse_csv
from bot.gaps import compute_gaps
from bot.gaps.counts import counted_scope, gap_counts, total_by_kind
from bot.gaps.predicates import Moments
from bot.gaps.slices import first_gaps
from bot.integrations import register_integration
from bot.who import who
from storage.chain_check import verify_chain
from storage.engine import make_engine, session_factory, session_scope
from storage.models import Identity
from storage.vocabulary import Layer

LOOKUPS = 400
REVIEW_DAYS = 90
Row = tuple[str, ...]


@contextmanager
def database(backend: str, postgres: str | None, label: str) -> Iterator[str | None]:
    """A fresh database URL for one backend, removed afterwards; None when unavailable."""
    if backend == "sqlite":
        with tempfile.TemporaryDirectory(prefix="bench-") as directory:
            yield f"sqlite:///{Path(directory) / (label + '.db')}"
        return
    if postgres is None:
        yield None
        return
    admin = make_url(postgres).set(drivername="postgresql")
    name = f"boundary_bench_{label}_{os.getpid()}"
    with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield admin.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as c:
            c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return statistics.median(ordered) * 1000, p99 * 1000


def timed(calls: list[Callable[[], Any]]) -> list[float]:
    samples = []
    for call in calls:
        started = time.perf_counter()
        call()
        samples.append(time.perf_counter() - started)
    return samples


COLUMNS = "name, layer, owner, backup_owner, channel, sso, scim, owner_active"
RAW_INTEGRATION = f"SELECT {COLUMNS} FROM integration WHERE name = :q"
RAW_USER = (
    f"SELECT {COLUMNS} FROM integration WHERE owner = :q UNION SELECT {COLUMNS}"
    " FROM integration WHERE backup_owner = :q ORDER BY name"
)
RAW_EMAIL = (
    "SELECT i.*, g.name, g.layer, g.owner, g.backup_owner, d.answer, d.declared_by,"
    " d.declared_at, d.note, d.rule_id FROM identity i JOIN integration g"
    " ON g.id = i.integration_id LEFT JOIN declaration d ON d.id = i.current_declaration_id"
    " WHERE i.email = :q ORDER BY g.name LIMIT 25"
)


def bench_lookups(engine: Engine, summary: Any, backend: str) -> list[Row]:
    rng = random.Random(7)
    kinds = {
        "integration": (
            RAW_INTEGRATION,
            [integration_name(rng.randint(1, summary.integrations)) for _ in range(LOOKUPS)],
        ),
        "email": (
            RAW_EMAIL,
            [
                identity_email(rng.randrange(0, summary.identities, 8), summary.identities)
                for _ in range(LOOKUPS)
            ],
        ),
        "slack user": (
            RAW_USER,
            [owner_id(rng.randrange(summary.owners)) for _ in range(LOOKUPS)],
        ),
    }
    rows: list[Row] = []
    sessions = session_factory(engine)
    for kind, (raw, queries) in kinds.items():
        with session_scope(sessions) as session:
            for query in queries[:20]:  # warm caches and statement compilation
                who(session, query=query)
            ours = timed([lambda q=q: who(session, query=q) for q in queries])  # type: ignore[misc]
            found = sum(who(session, query=q).found for q in queries[:50])
        with engine.connect() as connection:
            statement = sa.text(raw)
            for query in queries[:20]:
                connection.execute(statement, {"q": query}).all()
            base = timed(
                [
                    lambda q=q, s=statement: connection.execute(s, {"q": q}).all()  # type: ignore[misc]
                    for q in queries
                ]
            )
        (p50, p99), (b50, b99) = percentiles(ours), percentiles(base)
        rows.append(
            (
                backend,
                f"who by {kind} ({found}/50 found)",
                f"{p50:.3f} / {p99:.3f} ms",
                f"{b50:.3f} / {b99:.3f} ms",
                f"{p99 / b99:.2f}x p99",
            )
        )
    return rows


def bench_import(engine: Engine, backend: str, rows: int) -> list[Row]:
    data = identity_csv(rows)
    now = datetime.now(UTC)
    sessions = session_factory(engine)
    admin = Actor("U0BENCH", is_admin=True)
    with session_scope(sessions) as session:
        for name in ("bench-import", "bench-bulk"):
            register_integration(session, actor=admin, name=name, layer=Layer.APPLICATION, now=now)
    started = time.perf_counter()
    with session_scope(sessions) as session:
        result = import_csv(
            session, actor=admin, integration_name="bench-import", data=data, now=now
        )
    ours = time.perf_counter() - started
    started = time.perf_counter()
    with session_scope(sessions) as session:
        again = import_csv(
            session, actor=admin, integration_name="bench-import", data=data, now=now
        )
    reimport = time.perf_counter() - started
    assert (result.created, again.unchanged) == (rows, rows)

    # The baseline: the same rows, already parsed, straight into the table.
    with engine.connect() as connection:
        bulk_id = connection.execute(
            sa.text("SELECT id FROM integration WHERE name = 'bench-bulk'")
        ).scalar_one()
    parsed = parse_csv(data)
    now = datetime.now(UTC)
    values = [
        {
            "integration_id": bulk_id,
            "external_id": r.external_id,
            "display_name": r.display_name,
            "email": r.email,
            "kind": r.kind,
            "role": r.role,
            "status": r.status,
            "last_used_at": r.last_used_at,
            "source": "csv",
            "first_seen_at": now,
            "last_seen_at": now,
        }
        for r in parsed
    ]
    table = table_of(Identity)
    started = time.perf_counter()
    with engine.begin() as connection:
        connection.execute(table.insert(), values)
    bulk = time.perf_counter() - started
    return [
        (
            backend,
            f"CSV import, {rows:,} new rows",
            f"{ours:.2f} s",
            f"{bulk:.2f} s",
            f"{ours / bulk:.2f}x",
        ),
        (backend, f"CSV re-import, {rows:,} unchanged", f"{reimport:.2f} s", "", ""),
    ]


def bench_verify(engine: Engine, backend: str) -> list[Row]:
    """`audit verify` over the seeded chain, against a bare ordered read of the same rows."""
    with engine.connect() as connection:
        started = time.perf_counter()
        result = connection.execute(
            sa.text(
                "SELECT seq, identity_id, integration_id, answer, previous, declared_by,"
                " declared_at, note, rule_id, prev_hash, hash FROM declaration ORDER BY seq"
            ).execution_options(yield_per=5000)
        )
        rows = sum(1 for _ in result)
        bare = time.perf_counter() - started
    with session_scope(session_factory(engine)) as session:
        started = time.perf_counter()
        check = verify_chain(session)
        ours = time.perf_counter() - started
    assert check.ok, check
    assert check.count == rows, check
    return [
        (
            backend,
            f"audit verify, {rows:,} declarations",
            f"{ours:.2f} s",
            f"{bare:.2f} s (bare SELECT)",
            f"{ours / bare:.2f}x",
        )
    ]


def peak_rss_mb() -> float:
    """This process's own peak RSS. VmHWM belongs to the address space, so unlike ru_maxrss
    (which Linux carries across exec) it does not report the parent's peak."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# What each gap run measures, in a process of its own (its peak memory is its own):
# `counts`, what the metrics gauge and `who <integration>` do (every gap counted in SQL);
# `answer`, what `/boundary gaps` does for every integration (the counts, the first 15 by
# name); `list`, every gap built and sorted (`compute_gaps`: the CLI's whole list).
GAP_MODES = ("counts", "answer", "list")


def _measure(session: Any, mode: str) -> int:
    moments = Moments(SEED_NOW, REVIEW_DAYS, 90, 30)
    if mode == "counts":
        return sum(total_by_kind(gap_counts(session, moments)).values())
    if mode == "answer":
        counted = counted_scope(session, moments)
        first_gaps(session, moments, counted, 15)
        return sum(sum(found.kinds.values()) for found in counted.values())
    return len(compute_gaps(session, review_days=REVIEW_DAYS, now=SEED_NOW))


def gaps_child(url: str, mode: str) -> None:
    """Run in a fresh process: time the raw read and one gap `mode`, report peak memory."""
    engine = make_engine(url)
    sessions = session_factory(engine)
    before = peak_rss_mb()
    with engine.connect() as connection:
        started = time.perf_counter()
        result = connection.execute(
            sa.text(
                # Every column a gap rule reads (the key rules too), in one pass.
                "SELECT i.id, i.integration_id, i.external_id, i.email, i.kind, i.status,"
                " i.role, i.source, i.owned_by, i.last_used_at, i.first_seen_at,"
                " d.answer, d.declared_at, d.note FROM identity i"
                " LEFT JOIN declaration d ON d.id = i.current_declaration_id"
            ).execution_options(yield_per=10_000)
        )
        raw_rows = sum(1 for _ in result)
        raw = time.perf_counter() - started
    with session_scope(sessions) as session:
        started = time.perf_counter()
        found = _measure(session, mode)
        ours = time.perf_counter() - started
    peak = peak_rss_mb()
    print(
        json.dumps(
            {
                "raw": raw,
                "rows": raw_rows,
                "ours": ours,
                "gaps": found,
                "peak_mb": peak,
                "before_mb": before,
            }
        )
    )


def bench_gaps(
    backend: str,
    postgres: str | None,
    size: int,
    non_human: float | None = None,
    modes: tuple[str, ...] = GAP_MODES,
) -> list[Row]:
    rows: list[Row] = []
    with database(backend, postgres, f"gaps{size}") as url:
        if url is None:
            return []
        engine = migrated_engine(url)
        summary = seed(
            engine,
            integrations=max(size // 10, 1),
            identities=size,
            declarations=size * 3 if size <= 100_000 else size,
            non_human_share=non_human,
        )
        engine.dispose()
        for mode in modes:
            child = subprocess.run(
                [sys.executable, "-m", "bench.foundation", "--gaps-child", url, "--mode", mode],
                check=True,
                capture_output=True,
                text=True,
            )
            measured = json.loads(child.stdout.strip().splitlines()[-1])
            mix = "" if non_human is None else f", {non_human:.0%} non-human"
            rows.append(
                (
                    backend,
                    f"gaps {mode}, {size:,} identities{mix} ({measured['gaps']:,} gaps;"
                    f" seeded in {summary.seconds:.0f} s)",
                    f"{measured['ours']:.2f} s, peak {measured['peak_mb']:.0f} MB",
                    f"{measured['raw']:.2f} s read",
                    f"{measured['ours'] / measured['raw']:.1f}x;"
                    f" {measured['ours'] / size * 1e6:.1f} us/identity",
                )
            )
            print(table(rows), file=sys.stderr)
    return rows


def table(rows: list[Row]) -> str:
    header: Row = ("backend", "what", "ours (p50 / p99)", "baseline", "ratio")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = [" | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in [header]]
    lines.append("-+-".join("-" * w for w in widths))
    lines += [" | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--postgres",
        default=os.environ.get("BOUNDARY_TEST_POSTGRES_URL"),
        help="Admin URL of a PostgreSQL server; a scratch database is created and dropped.",
    )
    parser.add_argument(
        "--backend",
        choices=("sqlite", "postgres", "both"),
        default="both",
        help="Which backends to run (both: PostgreSQL only when a URL is given).",
    )
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--import-rows", type=int, default=100_000)
    parser.add_argument("--gaps-only", action="store_true", help="Only the gap scaling runs.")
    parser.add_argument("--no-gaps", action="store_true", help="Skip the gap scaling runs.")
    parser.add_argument(
        "--non-human",
        type=float,
        metavar="SHARE",
        help="In the gap runs, this share (0-1) of identities are OpenAI keys, service accounts"
        " and bots with owners and last use (issue 13 measured 0.6); default: the CSV mix.",
    )
    parser.add_argument(
        "--gap-modes",
        default=",".join(GAP_MODES),
        help="Which gap runs (counts: every gap counted; answer: /boundary gaps for every"
        " integration; list: every gap built and sorted, the CLI's whole list).",
    )
    parser.add_argument("--gaps-child", help=argparse.SUPPRESS)
    parser.add_argument("--mode", default="list", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.gaps_child:
        gaps_child(args.gaps_child, args.mode)
        return
    if args.backend == "postgres" and not args.postgres:
        parser.error("--backend postgres needs --postgres URL or BOUNDARY_TEST_POSTGRES_URL")
    sizes = [] if args.no_gaps else [int(s) for s in args.sizes.split(",") if s]
    backends = {
        "sqlite": ["sqlite"],
        "postgres": ["postgres"],
        "both": ["sqlite"] + (["postgres"] if args.postgres else []),
    }[args.backend]
    print(f"load average at start: {_load()}", file=sys.stderr)
    rows: list[Row] = []
    for backend in backends:
        if not args.gaps_only:
            with database(backend, args.postgres, "main") as url:
                assert url is not None
                engine = migrated_engine(url)
                summary = seed(engine)
                print(f"{backend}: seeded {summary} ", file=sys.stderr)
                rows += bench_lookups(engine, summary, backend)
                rows += bench_verify(engine, backend)
                rows += bench_import(engine, backend, args.import_rows)
                engine.dispose()
            print(table(rows), file=sys.stderr)
        for size in sizes:
            modes = tuple(mode for mode in args.gap_modes.split(",") if mode)
            rows += bench_gaps(backend, args.postgres, size, args.non_human, modes)
            print(table(rows), file=sys.stderr)
    print(table(rows))
    print(f"load average at end: {_load()}")


def _load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


if __name__ == "__main__":
    main()
