"""Fuzzy `who` benchmark: prefix, did-you-mean and domain lookups vs the raw exact lookup.

On SQLite and PostgreSQL, on N seeded identities:

    .venv/bin/python -m bench who_lookup [--identities 1000000] [--database sqlite|postgres|both]
        [--postgres URL] [--lookups 1000]

The baseline, measured in the same run on the same data, is the raw SQL of an exact lookup by
email through its index (bench/foundation.py's RAW_EMAIL). Then `who` itself: an exact email
(as before, plus the keys its person owns), a prefix (the start of an email, `user00123`), a
miss that ends in did-you-mean (an email with two letters swapped), an email domain, and an
integration's answer (its identities by lane and its open gaps, as Slack shows them). The
table gives p50 / p99, each p99 over the exact baseline's p99 (the issue's target: within 2x),
and over the p99 of one hand-written query of the same shape where there is one (an email
range, a domain's first 25 rows, the integration's row: `who` returns 25 rows where the exact
lookup returns 2, and counts an integration's lanes and gaps where the raw query reads one row).
Before timing, stderr gets, for one query of each kind, the statements `who` ran, the indexes
their plans name, and any full scan of identity or integration (there should be none).
"""

from __future__ import annotations

import argparse
import os
import random
import re
import sys
from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bench.foundation import RAW_EMAIL, RAW_INTEGRATION, database, percentiles, timed
from bench.seed import (
    SEED_NOW,
    SeedSummary,
    identity_email,
    integration_name,
    migrated_engine,
    seed,
)
from bot.lookup_views import GapCheck
from bot.who import who
from storage.engine import read_only_engine, session_factory, session_scope

WARM = 50
HUMAN_STEP = 8
VIEW = (
    "SELECT i.*, g.name, g.layer, g.owner, g.backup_owner, d.answer, d.declared_by,"
    " d.declared_at, d.note, d.rule_id FROM identity i JOIN integration g"
    " ON g.id = i.integration_id LEFT JOIN declaration d ON d.id = i.current_declaration_id"
)


def _same_shape(backend: str) -> dict[str, str]:
    """Raw SQL that returns what `who` shows for a prefix and a domain, in one statement each:
    one email range, one domain's first 25 (the baselines a single hand-written query sets)."""
    key = 'lower(i.email COLLATE "C")' if backend == "postgresql" else "lower(i.email)"
    at = "strpos(i.email, '@')" if backend == "postgresql" else "instr(i.email, '@')"
    return {
        "prefix": f"{VIEW} WHERE {key} >= :q AND {key} < :high ORDER BY {key} LIMIT 25",
        "email domain": f"{VIEW} WHERE substr(i.email, {at} + 1) = :q ORDER BY i.email LIMIT 25",
    }


def _emails(rng: random.Random, summary: SeedSummary, count: int) -> list[str]:
    # bench.seed.KINDS: identity n is a person (with an email) when n % 8 is 0 to 3.
    top = summary.identities // HUMAN_STEP
    numbers = [rng.randrange(1, top) * HUMAN_STEP + 1 for _ in range(count)]
    return [identity_email(n, summary.identities) for n in numbers]


def _prefixes(rng: random.Random, summary: SeedSummary, count: int) -> list[str]:
    """Starts of emails as the seed stores them (`user00123`: a hundred or so match), so that
    one hand-written email range is the same-shape baseline."""
    return [email[:9] for email in _emails(rng, summary, count)]


def _typos(rng: random.Random, summary: SeedSummary, count: int) -> list[str]:
    """Emails with two letters of the domain swapped: no exact match, no prefix, a suggestion."""
    return [email.replace(".example", ".exmaple") for email in _emails(rng, summary, count)]


def _domains(rng: random.Random, count: int) -> list[str]:
    return [f"corp{rng.randrange(7)}.example" for _ in range(count)]


def _measure(calls: Sequence[Callable[[], Any]]) -> tuple[float, float]:
    for call in calls[:WARM]:
        call()
    return percentiles(timed(list(calls)))


def bench_backend(engine: Engine, summary: SeedSummary, lookups: int) -> list[tuple[str, ...]]:
    rng = random.Random(13)
    backend = engine.dialect.name
    sets = {
        "exact email": _emails(rng, summary, lookups),
        "prefix": _prefixes(rng, summary, lookups),
        "did-you-mean miss": _typos(rng, summary, lookups),
        "email domain": _domains(rng, lookups),
        "integration, lanes and open gaps": [
            integration_name(rng.randint(1, summary.integrations)) for _ in range(lookups)
        ],
    }
    for name, queries in sets.items():
        print(f"{backend}, {name} `{queries[0]}`: {explain(engine, queries[0])}", file=sys.stderr)
    rows: list[tuple[str, ...]] = []
    raw = {
        "exact email": RAW_EMAIL,
        **_same_shape(backend),
        "integration, lanes and open gaps": RAW_INTEGRATION,
    }
    baselines: dict[str, tuple[float, float]] = {}
    with engine.connect() as connection:
        for name, sql in raw.items():
            statement = sa.text(sql)
            baselines[name] = _measure(
                [
                    lambda q=q, s=statement: connection.execute(  # type: ignore[misc]
                        s, {"q": q, "high": q[:-1] + chr(ord(q[-1]) + 1)}
                    ).all()
                    for q in sets[name]
                ]
            )
    base = baselines["exact email"]
    for name, measured in baselines.items():
        rows.append(
            (backend, f"raw SQL, {name}", *_cells(measured, base), *_cells(measured, measured)[1:])
        )
    sessions = session_factory(read_only_engine(engine))
    # As `/boundary who <integration>` counts them: the seed's moment, the default interval.
    gaps = GapCheck(now=SEED_NOW, review_days=90)
    for name, queries in sets.items():
        with session_scope(sessions) as session:
            answers = [who(session, query=q) for q in queries[:50]]
            found = sum(bool(a.found or a.suggestions) for a in answers)
            ours = _measure(
                [lambda q=q: who(session, query=q, gaps=gaps) for q in queries]  # type: ignore[misc]
            )
        same = baselines.get(name, base)
        rows.append(
            (
                backend,
                f"who, {name} ({found}/50 answered)",
                *_cells(ours, base),
                _cells(ours, same)[1],
            )
        )
    return rows


_INDEX = re.compile(
    r"USING (?:COVERING )?INDEX (\w+)"
    r"|Index (?:Only )?Scan (?:Backward )?using (\w+)"
    r"|Bitmap Index Scan on (\w+)"
)
_FULL = re.compile(r"^\s*(SCAN (?:identity|integration)$|.*Seq Scan on (?:identity|integration))")


def explain(engine: Engine, query: str) -> str:
    """The indexes the plans of `who <query>` name, and any full scan of a big table."""
    statements: list[tuple[str, Any]] = []

    def grab(_c: object, _cur: object, statement: str, parameters: Any, *_rest: object) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append((statement, parameters))

    sa.event.listen(engine, "before_cursor_execute", grab)
    try:
        with session_scope(session_factory(read_only_engine(engine))) as session:
            who(session, query=query)
    finally:
        sa.event.remove(engine, "before_cursor_execute", grab)
    sqlite = engine.dialect.name == "sqlite"
    used: list[str] = []
    scans: list[str] = []
    with engine.connect() as connection:
        for statement, parameters in statements:
            explain = "EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN "
            for row in connection.exec_driver_sql(explain + statement, parameters):
                line = str(row[-1] if sqlite else row[0])
                used += [name for pair in _INDEX.findall(line) for name in pair if name]
                scans += [line.strip()] if _FULL.match(line) else []
    return f"{len(statements)} statements; indexes {sorted(set(used))}; full scans {scans}"


def _cells(ours: tuple[float, float], base: tuple[float, float]) -> tuple[str, str]:
    return f"{ours[0]:.3f} / {ours[1]:.3f} ms", f"{ours[1] / base[1]:.2f}x"


def table(rows: list[tuple[str, ...]]) -> str:
    header = ("backend", "lookup", "p50 / p99", "p99 / exact raw p99", "p99 / same-shape raw p99")
    widths = [max(len(r[i]) for r in (header, *rows)) for i in range(len(header))]
    lines = [
        " | ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True))
        for row in (header, *rows)
    ]
    lines.insert(1, "-+-".join("-" * w for w in widths))
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--identities", type=int, default=1_000_000)
    parser.add_argument("--database", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument(
        "--postgres",
        default=os.environ.get("BOUNDARY_TEST_POSTGRES_URL"),
        help="Admin URL of a PostgreSQL server; a scratch database is created and dropped.",
    )
    parser.add_argument("--lookups", type=int, default=1000, help="Lookups of each kind.")
    args = parser.parse_args(argv)
    if args.database in ("postgres", "both") and not args.postgres:
        parser.error("PostgreSQL needs --postgres URL or BOUNDARY_TEST_POSTGRES_URL")
    backends = ["sqlite", "postgres"] if args.database == "both" else [args.database]
    rows: list[tuple[str, ...]] = []
    for backend in backends:
        with database(backend, args.postgres, "who") as url:
            assert url is not None
            engine = migrated_engine(url)
            summary = seed(
                engine,
                integrations=max(args.identities // 100, 1),
                identities=args.identities,
                # The lookups read the current declaration; a fifth of the identities have one.
                declarations=max(args.identities // 5, 1),
                declared_share=0.2,
            )
            print(
                f"{backend}: seeded {summary.identities} in {summary.seconds:.1f} s",
                file=sys.stderr,
            )
            rows += bench_backend(engine, summary, args.lookups)
            engine.dispose()
        print(table(rows), file=sys.stderr)
    print(table(rows))
    print(f"load average at end: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")


if __name__ == "__main__":
    main(sys.argv[1:])
