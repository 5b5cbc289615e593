"""verify.py: checks a boundary-bot evidence package offline, with the standard library alone.

`python3 verify.py [DIR or ZIP]` (default: this file's directory) prints `PASS ...` and exits 0,
or `FAIL <file> row <n> column <c>: <what>` (rows counted from 1 after the header) and exits 1.
Each check is described in boundary-bot's docs/evidence.md, "The evidence package".
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import sys
import zipfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import IO, Any

FORMAT = 1
_COLUMNS = {
    "population.csv": "position identity_id integration_id integration external_id"
    " display_name email kind owned_by owner lane",
    "decisions.csv": "seq item identity_id external_id integration decision previous lane"
    " reason decided_by decided_at",
    "delegations.csv": "seq integration item external_id delegate delegated_by delegated_at",
    "signoffs.csv": "seq integration decided signed_by signed_at",
    "coverage.csv": "integration_id integration layer sso sso_source scim scim_source",
    "claims.csv": "claim_id integration_id integration kind value evidence claimed_by"
    " claimed_at expires_at",
    "sync_runs.csv": "run_id integration_id integration source started_at finished_at seen"
    " created updated deactivated state error",
    "chain.csv": "seq entry prev_hash hash content",
}
HEADERS = {name: tuple(columns.split()) for name, columns in _COLUMNS.items()}
ITEM_FIELDS, NULLABLE = HEADERS["population.csv"], {"email", "owned_by", "lane"}
# The records other files index, by action (campaign.* are those of the package's campaign).
KEPT = {"coverage.claimed": "claims", "sync.finished": "runs", "sync.failed": "runs"}
COVERAGE = {"coverage.claimed", "coverage.claim_expired", "coverage.synced"}
COVERAGE.add("integration.coverage_set")
ENCODE = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode
DECODE = json.JSONDecoder().decode


class Failure(Exception):
    """The first thing that breaks the package: which file, row and column, and what."""

    def __init__(self, file: str, row: int | None = None, column: str = "", what: str = ""):
        where = file + ("" if row is None else f" row {row}") + f" column {column}" * bool(column)
        super().__init__(f"FAIL {where}: {what}")


def cell(value: Any) -> str:
    """A value as the package writes it in a CSV cell: null is empty, lists/objects JSON."""
    return "" if value is None else ENCODE(value) if isinstance(value, list | dict) else str(value)


def number(name: str, row: int, cells: dict[str, str], column: str) -> int:
    if not cells[column].isdigit():
        raise Failure(name, row, column, f"{cells[column]!r} is not a number")
    return int(cells[column])


class Package:
    """The package's files, in a directory or a zip; counts each CSV's rows as it is read."""

    def __init__(self, path: Path) -> None:
        self.zip = zipfile.ZipFile(path) if path.is_file() else None
        self.path, self.rows = path, dict[str, int]()

    def open(self, name: str) -> IO[bytes]:
        try:
            if self.zip is not None:
                return self.zip.open(name)
            return (self.path / name).open("rb")
        except (KeyError, OSError):
            raise Failure(name, what="missing from the package") from None

    def read(self, name: str) -> Iterator[tuple[int, list[str]]]:
        with io.TextIOWrapper(self.open(name), encoding="utf-8", newline="") as text:
            rows, count, width = csv.reader(text), 0, len(HEADERS[name])
            if tuple(next(rows, ())) != HEADERS[name]:
                raise Failure(name, 0, what=f"the header is not {','.join(HEADERS[name])}")
            for count, row in enumerate(rows, 1):
                if len(row) != width:
                    raise Failure(name, count, what=f"has {len(row)} cells, not {width}")
                yield count, row
            self.rows[name] = count

    def records(self, name: str) -> Iterator[tuple[int, dict[str, str]]]:
        for count, row in self.read(name):
            yield count, dict(zip(HEADERS[name], row, strict=True))

    def sha256(self, name: str) -> str:
        with self.open(name) as raw:
            return hashlib.file_digest(raw, "sha256").hexdigest()  # type: ignore[arg-type]


class Chain:
    """What the walk keeps: the head, and the entries other files index."""

    def __init__(self, campaign: str | None) -> None:
        self.campaign, self.head_seq, self.head_hash = campaign, 0, "0" * 64
        self.first_at, self.last_at, self.layers = "", "", dict[Any, Any]()
        self.events, self.claims, self.runs = dict[Any, Any](), dict[Any, Any](), dict[Any, Any]()
        self.coverage = dict[tuple[Any, Any], tuple[Any, Any]]()

    def keep(self, body: dict[str, Any]) -> None:
        action, detail, integration = body["action"], body["detail"] or {}, body["integration_id"]
        if action.startswith("campaign.") and detail.get("campaign") == self.campaign:
            self.events[body["seq"]] = body
        elif action in KEPT:
            getattr(self, KEPT[action])[detail.get("claim_id", detail.get("run_id"))] = body
        elif action == "integration.registered":
            self.layers[integration] = detail.get("layer")
        if action in ("coverage.claimed", "coverage.claim_expired"):
            source = "manual" if action == "coverage.claimed" else None
            self.coverage[integration, detail.get("kind")] = (detail["value"][1], source)
        elif action in COVERAGE:
            source = "manual" if action == "integration.coverage_set" else body["actor"][5:]
            for kind in {"sso", "scim"} & detail.keys():
                self.coverage[integration, kind] = (detail[kind][1], source)


def walk_chain(package: Package, campaign: str | None) -> Chain:
    """Seq continuity, prev_hash links, canonical content and every hash, in one pass."""
    chain, expected, prev, sha = Chain(campaign), 1, "0" * 64, hashlib.sha256
    for row, (seq, entry, prev_hash, digest, content) in package.read("chain.csv"):
        if seq != str(expected):
            raise Failure("chain.csv", row, "seq", f"is {seq!r}, not {expected} (rows missing?)")
        if prev_hash != prev:
            raise Failure("chain.csv", row, "prev_hash", "is not the hash of the entry before")
        try:
            body = DECODE(content)
        except ValueError:
            body = None
        if type(body) is not dict or ENCODE(body) != content or body.get("seq") != expected:
            raise Failure("chain.csv", row, "content", "is not the canonical JSON of this entry")
        if sha(f"{prev_hash}\n{content}".encode()).hexdigest() != digest:
            raise Failure("chain.csv", row, "hash", "is not sha256(prev_hash, newline, content)")
        kind = "audit_event" if body.get("entry") == "audit_event" else "declaration"
        if entry != kind:
            raise Failure("chain.csv", row, "entry", f"is {entry!r}; its content is a {kind}")
        if kind == "audit_event":
            chain.keep(body)
        chain.last_at = body.get("at") or body.get("declared_at") or ""
        chain.first_at = chain.first_at or chain.last_at
        expected, prev = expected + 1, digest
    chain.head_seq, chain.head_hash = expected - 1, prev
    return chain


def expect(name: str, row: int, cells: dict[str, str], wanted: dict[str, Any]) -> None:
    """Each cell named in `wanted` holds the value the chain gives it (a time: the same moment)."""
    for column, value in wanted.items():
        if (found := cells[column]) == cell(value):
            continue
        try:
            moment = datetime.fromisoformat
            same = column.endswith("_at") and moment(found) == moment(value)
        except (TypeError, ValueError):
            same = False
        if not same:
            raise Failure(name, row, column, f"is {found!r}; the chain says {cell(value)!r}")


def population(package: Package, manifest: dict[str, Any], chain: Chain) -> dict[int, str]:
    """Positions 1..n, the root against the manifest and `campaign.started`; id -> name."""
    root, names, count = hashlib.sha256(), dict[int, str](), 0
    for count, cells in package.records("population.csv"):
        if cells["position"] != str(count):
            raise Failure("population.csv", count, "position", f"is not {count}")
        item: dict[str, Any] = {k: None if k in NULLABLE and not v else v for k, v in cells.items()}
        for column in ("position", "identity_id", "integration_id"):
            item[column] = number("population.csv", count, cells, column)
        names.setdefault(item["integration_id"], cells["integration"])
        root.update((ENCODE(item) + "\n").encode())
    campaign = manifest.get("campaign")
    if campaign is None:
        if count:
            raise Failure("population.csv", 1, what="a package without a campaign has none")
        return names
    started = chain.events.get(campaign.get("started_seq"), {})
    detail = started.get("detail") or {}
    if started.get("action") != "campaign.started":
        raise Failure("manifest.json", column="campaign", what="started_seq is not its start")
    for field, value in (("root", root.hexdigest()), ("population", count)):
        if detail.get(field) != value:
            raise Failure("population.csv", what=f"{field} {value} is not the chain's {field}")
    if (manifest.get("population") or {}) != {"root": root.hexdigest(), "count": count}:
        raise Failure("manifest.json", column="population", what="is not population.csv's")
    closed = [seq for seq, body in chain.events.items() if body["action"] == "campaign.closed"]
    wanted = {"name": detail["campaign"], "due": detail.get("due"), "started_at": started["at"]}
    wanted["closed_seq"] = closed[0] if closed else None
    if {key: campaign.get(key) for key in wanted} != wanted:
        raise Failure("manifest.json", column="campaign", what="does not match the chain's")
    return names


def coverage(package: Package, chain: Chain, frozen: dict[int, str]) -> dict[int, str]:
    """Each integration's layer and status against the chain's last word on it; id -> name."""
    names: dict[int, str] = {}
    for row, cells in package.records("coverage.csv"):
        integration = number("coverage.csv", row, cells, "integration_id")
        wanted = {"integration": frozen.get(integration, cells["integration"])}
        wanted["layer"] = chain.layers.get(integration, cells["layer"])
        for kind in ("sso", "scim"):
            found = cells[kind], cells[f"{kind}_source"] or None
            wanted[kind], wanted[f"{kind}_source"] = chain.coverage.get((integration, kind), found)
        expect("coverage.csv", row, cells, wanted)
        names[integration] = cells["integration"]
    return names


INDEXED = {  # file: (the column naming its entry, the entry's action, its actor and time columns)
    "decisions.csv": ("seq", "campaign.decided", "decided_by", "decided_at"),
    "delegations.csv": ("seq", "campaign.delegated", "delegated_by", "delegated_at"),
    "signoffs.csv": ("seq", "campaign.signed_off", "signed_by", "signed_at"),
    "claims.csv": ("claim_id", "coverage.claimed", "claimed_by", "claimed_at"),
    "sync_runs.csv": ("run_id", "sync.", "", "finished_at"),
}
SYNC = {"seen": 0, "created": 0, "updated": 0, "deactivated": 0, "error": None}


def indexed(package: Package, chain: Chain, names: dict[int, str]) -> None:
    """Each row against the entry it indexes (by seq, claim_id or run_id); for the campaign's
    records, each entry against its row too."""
    for name, (key, action, actor, at) in INDEXED.items():
        found, seen = {"seq": chain.events, "claim_id": chain.claims}.get(key, chain.runs), set()
        for row, cells in package.records(name):
            body = found.get(number(name, row, cells, key), {})
            if not body.get("action", "").startswith(action):
                raise Failure(name, row, key, f"names no {action} entry in the chain")
            integration, detail = body["integration_id"], body["detail"]
            d = detail | {"integration_id": integration, "integration": names.get(integration)}
            d |= {actor: body["actor"], at: body["at"]}
            if key == "claim_id":
                d["value"] = detail["value"][1]
            elif key == "run_id":
                state = "ok" if body["action"] == "sync.finished" else "failed"
                d = SYNC | d | {"source": detail["connector"], "state": state}
            expect(name, row, cells, {k: v for k, v in d.items() if k in cells})
            seen.add(body["seq"])
        for seq, body in chain.events.items() if key == "seq" else ():
            if body["action"] == action and seq not in seen:
                raise Failure(name, what=f"the chain's {action} at seq {seq} has no row")


def head(manifest: dict[str, Any], chain: Chain) -> None:
    """The manifest's head is chain.csv's last entry (or chain.csv lost its last rows)."""
    found, listed = {"seq": chain.head_seq, "hash": chain.head_hash}, manifest.get("chain") or {}
    if listed != found:
        seq, digest = listed.get("seq"), listed.get("hash")  # rows lost: a later, other head
        short = type(seq) is int and seq > chain.head_seq and digest != chain.head_hash
        file, column = ("chain.csv", "") if short else ("manifest.json", "chain")
        raise Failure(file, column=column, what=f"ends at {found}; the manifest's head is {listed}")
    if manifest.get("time_range") != {"first": chain.first_at, "last": chain.last_at}:
        raise Failure("manifest.json", column="time_range", what="is not chain.csv's")


def files(package: Package, manifest: dict[str, Any]) -> None:
    for name in [*HEADERS, "verify.py"]:  # each file's rows and sha256 against the manifest
        listed, rows = (manifest.get("files") or {}).get(name) or {}, package.rows.get(name)
        if name in HEADERS and listed.get("rows") != rows:
            raise Failure(name, what=f"has {rows} rows; the manifest says {listed.get('rows')}")
        if listed.get("sha256") != package.sha256(name):
            raise Failure(name, what="its sha256 is not the manifest's (the file was changed)")


def verify(path: Path) -> str:
    """The PASS line, or raises Failure at the first thing that breaks."""
    package = Package(path)
    with package.open("manifest.json") as raw:
        manifest = json.loads(raw.read().decode())
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise Failure("manifest.json", column="format", what=f"is not {FORMAT}")
    campaign = (manifest.get("campaign") or {}).get("name")
    chain = walk_chain(package, campaign)
    head(manifest, chain)
    frozen = population(package, manifest, chain)
    indexed(package, chain, coverage(package, chain, frozen) | frozen)
    files(package, manifest)
    root = f", population root {manifest['population']['root']}" if campaign else ""
    what = f"campaign {campaign}" if campaign else "the current state"
    return f"PASS {what}: {chain.head_seq} chain entries, head {chain.head_hash}{root}"


def main(argv: list[str]) -> int:
    path = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parent
    try:
        print(verify(path))
    except (Failure, LookupError, TypeError, ValueError, AttributeError, OSError) as error:
        print(error if isinstance(error, Failure) else f"FAIL {path.name}: unreadable ({error!r})")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
