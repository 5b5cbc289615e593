"""Exporting an evidence package: a campaign (or the current state) as one CSV per table, the
chain from seq 1 to the head with the exact content each hash covers, a manifest, and verify.py.
Every table streams from the database to its file; nothing holds all of its rows."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Any

from sqlmodel import Session

from bot.campaigns import events
from bot.evidence.files import Sink, package_sink, usable
from bot.evidence.verify_package import FORMAT, HEADERS, ITEM_FIELDS
from bot.version import VERSION
from storage import evidence as rows
from storage.chain import _timestamp
from storage.models import Campaign

SCRIPT = "verify.py"


@dataclass(frozen=True)
class PackageSummary:
    """What was written: where, its files, each CSV's row count, the chain head it ends at and
    the campaign's population root (None for the current state)."""

    path: Path
    files: tuple[str, ...]
    rows: dict[str, int]
    head: str
    root: str | None


@dataclass
class _TimeRange:
    first: str = ""
    last: str = ""
    seen: list[str] = field(default_factory=list)


def export_package(
    session: Session, *, campaign: str | None, output: Path, now: datetime
) -> PackageSummary:
    """Write the package of `campaign` (None: the current state, every integration, no
    population) to `output`, a new or empty directory or a new `.zip`.

    Give it a session that has not read anything yet: on PostgreSQL it reads in one REPEATABLE
    READ snapshot, so the tables and the chain agree (SQLite's read transaction is one already).
    """
    usable(output)
    _one_snapshot(session)
    found = events.get_campaign(session, campaign) if campaign is not None else None
    head_seq, head_hash = rows.head(session)
    with package_sink(output) as sink:
        span = _write_tables(session, sink, found, head_seq)
        sink.file(
            SCRIPT, resources.files("bot.evidence").joinpath("verify_package.py").read_bytes()
        )
        manifest = {
            "format": FORMAT,
            "generator": {"name": "boundary-bot", "version": VERSION},
            "generated_at": _timestamp(now),
            "campaign": None if found is None else _campaign(session, found),
            "chain": {"seq": head_seq, "hash": head_hash},
            "population": _population(found),
            "time_range": {"first": span.first, "last": span.last},
            "files": dict(sink.listed),
        }
        text = json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        sink.file("manifest.json", text.encode(), listed=False)
    counts = {name: entry["rows"] for name, entry in sink.listed.items() if "rows" in entry}
    return PackageSummary(
        path=output,
        files=(*sink.listed, "manifest.json"),
        rows=counts,
        head=head_hash,
        root=None if found is None else found.population_root,
    )


def _one_snapshot(session: Session) -> None:
    if session.get_bind().dialect.name == "postgresql" and not session.in_transaction():
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})


def _write_tables(
    session: Session, sink: Sink, campaign: Campaign | None, head_seq: int
) -> _TimeRange:
    campaign_id = None if campaign is None else campaign.id or 0
    ids = None if campaign is None else rows.scope_ids(session, names=_scope(session, campaign))
    if campaign_id is None:
        for name in ("population.csv", "decisions.csv", "delegations.csv", "signoffs.csv"):
            sink.csv(name, HEADERS[name], ())
    else:
        population = rows.population(session, campaign_id=campaign_id, fields=ITEM_FIELDS)
        sink.csv("population.csv", ITEM_FIELDS, population)
        for name, query in (
            ("decisions.csv", rows.decisions),
            ("delegations.csv", rows.delegations),
            ("signoffs.csv", rows.signoffs),
        ):
            sink.csv(name, HEADERS[name], query(session, campaign_id=campaign_id, upto=head_seq))
    sink.csv("coverage.csv", HEADERS["coverage.csv"], rows.coverage(session, ids=ids))
    sink.csv("claims.csv", HEADERS["claims.csv"], rows.claims(session, ids=ids))
    sink.csv("sync_runs.csv", HEADERS["sync_runs.csv"], rows.sync_runs(session, ids=ids))
    span = _TimeRange()
    sink.csv("chain.csv", HEADERS["chain.csv"], _chain(session, head_seq, span))
    return span


def _chain(session: Session, head_seq: int, span: _TimeRange) -> Iterator[tuple[Any, ...]]:
    """The chain's rows, noting the first and last entry's time on the way."""
    for seq, entry, prev_hash, digest, content, moment in rows.chain_entries(
        session, upto=head_seq
    ):
        span.first = span.first or moment
        span.last = moment
        yield seq, entry, prev_hash, digest, content


def _scope(session: Session, campaign: Campaign) -> list[str]:
    """The integrations the campaign's launch named (its `campaign.started` entry)."""
    if campaign.started_seq is None:
        return []
    scope: list[str] = rows.event_detail(session, seq=campaign.started_seq).get("scope", [])
    return scope


def _campaign(session: Session, campaign: Campaign) -> dict[str, Any]:
    closed = campaign.closed_at
    return {
        "name": campaign.name,
        "due": campaign.due_on.isoformat(),
        "scope": _scope(session, campaign),
        "started_at": _timestamp(campaign.started_at),
        "started_by": campaign.started_by,
        "started_seq": campaign.started_seq,
        "closed_at": None if closed is None else _timestamp(closed),
        "closed_by": campaign.closed_by,
        "closed_seq": campaign.closed_seq,
        "close_rule": None if campaign.close_rule is None else str(campaign.close_rule),
    }


def _population(campaign: Campaign | None) -> dict[str, Any] | None:
    if campaign is None:
        return None
    return {"root": campaign.population_root, "count": campaign.population_count}
