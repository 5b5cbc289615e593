"""Campaigns and evidence at scale: launch, export and verify against their bare baselines.

    .venv/bin/python -m bench evidence [--identities 100000] [--database sqlite|postgres|both]

Seeds N identities in N/100 integrations (80% declared, one declaration each; bench/seed.py),
launches a campaign over all of them, keeps the lane of the items of --decided (share) of the
integrations, then measures:

- launch: `start_campaign` (freeze the population, hash its root, chain the launch);
- export: `export_package` to a directory, against a bare `SELECT` of the same rows of every
  table written with csv.writer (no content, no hashing); its peak Python memory is measured in
  a second export under tracemalloc;
- verify: the package's verify.py run with `python -I -S`, against the least any verifier does
  with hashlib alone: csv.reader over chain.csv, sha256 of each `prev_hash + "\\n" + content`,
  and sha256 of every file.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import os
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy.engine import Engine

from bench.foundation import database
from bench.seed import migrated_engine, seed
from bot.authorization import Actor
from bot.campaigns.launch import start_campaign
from bot.campaigns.review import decide_remaining
from bot.evidence.package import export_package
from storage.engine import read_only_engine, session_factory, session_scope

NOW = datetime(2026, 12, 8, 9, 0, tzinfo=UTC)
ADMIN = Actor("U0ADMIN01", is_admin=True)
CAMPAIGN = "bench-review"
BARE = {
    "population.csv": "SELECT position, identity_id, integration_id, integration, external_id,"
    " display_name, email, kind, owned_by, owner, lane FROM campaign_item WHERE campaign_id = 1"
    " ORDER BY position",
    "decisions.csv": "SELECT d.seq, i.position, i.identity_id, i.external_id, i.integration,"
    " d.decision, d.previous, d.lane, d.reason, d.decided_by, d.decided_at FROM"
    " campaign_decision d JOIN campaign_item i ON i.id = d.item_id WHERE d.campaign_id = 1"
    " ORDER BY d.seq",
    "coverage.csv": "SELECT id, name, layer, sso, sso_source, scim, scim_source FROM integration"
    " ORDER BY name",
    "claims.csv": "SELECT * FROM coverage_claim ORDER BY id",
    "sync_runs.csv": "SELECT * FROM sync_run ORDER BY id",
    "chain.csv": "SELECT seq, 'declaration', prev_hash, hash, identity_id, integration_id,"
    " answer, previous, declared_by, declared_at, note, rule_id, NULL, NULL, NULL FROM"
    " declaration UNION ALL SELECT seq, 'audit_event', prev_hash, hash, NULL, integration_id,"
    " NULL, NULL, NULL, at, NULL, NULL, actor, action, detail FROM audit_event ORDER BY 1",
}
Row = tuple[str, ...]


def launch_and_decide(engine: Engine, share: float) -> tuple[float, int]:
    sessions = session_factory(engine)
    started = time.perf_counter()
    with session_scope(sessions) as session:
        launched = start_campaign(
            session,
            actor=ADMIN,
            name=CAMPAIGN,
            due_on=date(2026, 12, 31),
            now=NOW,
            max_sync_age=timedelta(hours=24),
        )
    seconds = time.perf_counter() - started
    names = [f"int-{n:06d}" for n in range(1, len(launched.scope) + 1)]
    with session_scope(sessions) as session:
        for name in names[: int(len(names) * share)]:
            decide_remaining(
                session, actor=ADMIN, campaign_name=CAMPAIGN, integration_name=name, now=NOW
            )
    return seconds, launched.population


def export(engine: Engine, output: Path, *, traced: bool = False) -> tuple[float, float]:
    """Seconds, and (traced) peak MiB of Python allocations during the export."""
    sessions = session_factory(read_only_engine(engine))
    if traced:
        tracemalloc.start()
    started = time.perf_counter()
    with session_scope(sessions) as session:
        export_package(session, campaign=CAMPAIGN, output=output, now=NOW)
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] / 2**20 if traced else 0.0
    tracemalloc.stop()
    return seconds, peak


def bare_export(engine: Engine, output: Path) -> float:
    output.mkdir()
    started = time.perf_counter()
    with engine.connect() as connection:
        streaming = connection.execution_options(yield_per=5000)
        for name, sql in BARE.items():
            with (output / name).open("w", newline="", encoding="utf-8") as text:
                csv.writer(text).writerows(streaming.exec_driver_sql(sql))
    return time.perf_counter() - started


def verify_py(package: Path) -> float:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-I", "-S", str(package / "verify.py")],
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    assert done.returncode == 0, done.stdout
    return seconds


def bare_hashlib(package: Path) -> tuple[float, float]:
    """Seconds for the chain's hashes plus every file's sha256, and for the files' alone."""
    started = time.perf_counter()
    with (package / "chain.csv").open(newline="", encoding="utf-8") as text:
        rows = csv.reader(text)
        next(rows)
        for row in rows:
            hashlib.sha256(f"{row[2]}\n{row[4]}".encode()).hexdigest()
    chained = time.perf_counter()
    for path in sorted(package.iterdir()):
        with path.open("rb") as raw:
            hashlib.file_digest(raw, "sha256").hexdigest()
    ended = time.perf_counter()
    return ended - started, ended - chained


def run(backend: str, url: str, identities: int, share: float) -> list[Row]:
    engine = migrated_engine(url)
    summary = seed(
        engine,
        integrations=max(identities // 100, 1),
        identities=identities,
        declarations=int(identities * 0.8),
    )
    print(f"{backend}: seeded in {summary.seconds:.1f} s", file=sys.stderr)
    launch, population = launch_and_decide(engine, share)
    with tempfile.TemporaryDirectory(prefix="bench-evidence-") as work:
        ours, _ = export(engine, Path(work) / "package")
        _, peak = export(engine, Path(work) / "traced", traced=True)
        bare = bare_export(engine, Path(work) / "bare")
        verify = verify_py(Path(work) / "package")
        hashed, files_only = bare_hashlib(Path(work) / "package")
        size = sum(p.stat().st_size for p in (Path(work) / "package").iterdir()) / 2**20
    engine.dispose()
    label = f"{backend} {identities:,} ({population:,} items, {size:.0f} MiB)"
    return [
        (label, "launch", f"{launch:.2f} s", "", ""),
        (label, "export", f"{ours:.2f} s", f"bare SELECT+csv {bare:.2f} s", f"{ours / bare:.2f}x"),
        (label, "export peak", f"{peak:.1f} MiB", "", ""),
        (
            label,
            "verify.py",
            f"{verify:.2f} s",
            f"hashlib {hashed:.2f} s (files only {files_only:.2f} s)",
            f"{verify / hashed:.2f}x",
        ),
    ]


def table(rows: list[Row]) -> str:
    header: Row = ("database, identities", "what", "ours", "baseline", "ratio")
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = [" | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in rows]
    rule = "-+-".join("-" * w for w in widths)
    return "\n".join(
        [" | ".join(c.ljust(w) for c, w in zip(header, widths, strict=True)), rule, *lines]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--identities", type=int, default=100_000)
    parser.add_argument("--decided", type=float, default=0.5, help="Share of integrations kept.")
    parser.add_argument("--database", choices=("sqlite", "postgres", "both"), default="sqlite")
    parser.add_argument("--postgres", default=os.environ.get("BOUNDARY_TEST_POSTGRES_URL"))
    args = parser.parse_args()
    backends = ["sqlite", "postgres"] if args.database == "both" else [args.database]
    if "postgres" in backends and not args.postgres:
        parser.error("postgres needs --postgres URL or BOUNDARY_TEST_POSTGRES_URL")
    rows: list[Row] = []
    for backend in backends:
        with database(backend, args.postgres, "evidence") as url:
            assert url is not None
            rows += run(backend, url, args.identities, args.decided)
    print(table(rows))
    print(f"load average at end: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")


if __name__ == "__main__":
    main()
