"""Reading an identity CSV: every row validated, or every problem reported with its line."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

from bot import validation
from bot.errors import DomainError, InvalidInput
from bot.text import plural
from storage.vocabulary import IdentityKind, IdentityStatus

COLUMNS = ("external_id", "email", "display_name", "kind", "role", "status", "last_used_at")
MAX_REPORTED_PROBLEMS = 50
MAX_BYTES = 200 * 1024 * 1024
_E = TypeVar("_E", IdentityKind, IdentityStatus)
_MEMBERS: dict[str, IdentityKind | IdentityStatus] = {
    member.value: member for enum in (IdentityKind, IdentityStatus) for member in enum
}


@dataclass(frozen=True)
class IdentityRow:
    line: int
    external_id: str
    email: str | None
    display_name: str
    kind: IdentityKind
    role: str | None
    status: IdentityStatus
    last_used_at: datetime | None
    # The optional columns the file had; only these overwrite an existing identity.
    columns: frozenset[str] = frozenset(COLUMNS)


@dataclass
class CsvRejected(DomainError):
    """The file was not imported; `problems` lists each bad line."""

    problems: list[str] = field(default_factory=list)
    total: int = 0

    def __str__(self) -> str:
        shown = "\n".join(self.problems)
        more = self.total - len(self.problems)
        tail = f"\n… and {more} more" if more > 0 else ""
        return f"Nothing was imported; {plural(self.total, 'problem')}:\n{shown}{tail}"


def parse_csv(data: bytes) -> list[IdentityRow]:
    """Parse and validate every row, or raise CsvRejected with all problems found."""
    problems: list[str] = []
    total = 0

    def problem(message: str) -> None:
        nonlocal total
        total += 1
        if len(problems) < MAX_REPORTED_PROBLEMS:
            problems.append(message)

    text = _text(data)
    reader = csv.reader(io.StringIO(text, newline=""))
    header = _header(reader)

    rows: list[IdentityRow] = []
    first_seen: dict[str, int] = {}
    present = frozenset(header)
    may_hold_nul = "\x00" in text
    for line, values in _records(reader, problem):
        stripped = [value.strip() for value in values]
        if not any(stripped):
            continue
        if len(values) != len(header):
            problem(f"line {line}: {plural(len(values), 'field')}, the header has {len(header)}")
            continue
        record = dict(zip(header, stripped, strict=True))
        try:
            if may_hold_nul and any("\x00" in value for value in stripped):
                # PostgreSQL cannot store NUL in text; refuse it here, with the line.
                raise InvalidInput("a field contains a NUL character")
            row = _row(line, record, present)
        except InvalidInput as error:
            problem(f"line {line}: {error}")
            continue
        if row.external_id in first_seen:
            problem(
                f"line {line}: external_id `{validation.clip(row.external_id)}` repeats"
                f" line {first_seen[row.external_id]}"
            )
            continue
        first_seen[row.external_id] = line
        rows.append(row)
    if total:
        raise CsvRejected(problems=problems, total=total)
    if not rows:
        raise CsvRejected(problems=["the file has a header but no rows"], total=1)
    return rows


def _text(data: bytes) -> str:
    if len(data) > MAX_BYTES:
        raise CsvRejected(problems=[f"the file is over {MAX_BYTES // 2**20} MiB"], total=1)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise CsvRejected(problems=[f"line {line}: not UTF-8 text"], total=1) from None
    if not text.strip():
        raise CsvRejected(problems=["the file is empty"], total=1)
    return text


def _header(reader: Any) -> list[str]:
    try:
        header = [name.strip().lower() for name in next(reader)]
    except csv.Error as error:
        raise CsvRejected(problems=[f"line 1: not readable as CSV: {error}"], total=1) from None
    unknown = [name for name in header if name not in COLUMNS]
    duplicated = {name for name in header if header.count(name) > 1}
    if "external_id" in header and not unknown and not duplicated:
        return header
    detail = []
    if "external_id" not in header:
        detail.append("the required column external_id is missing")
    if unknown:
        names = ", ".join(validation.clip(u) for u in unknown)
        detail.append(f"{plural(len(unknown), 'unknown column')} ({names})")
    if duplicated:
        names = ", ".join(sorted(duplicated))
        detail.append(f"{plural(len(duplicated), 'repeated column')} ({names})")
    raise CsvRejected(
        problems=[f"line 1: bad header: {'; '.join(detail)} (columns: {', '.join(COLUMNS)})"],
        total=1,
    )


def _records(reader: Any, problem: Callable[[str], None]) -> Iterable[tuple[int, list[str]]]:
    """Each record with its line number; a line the csv module cannot read is a problem."""
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as error:  # a NUL byte, a field over the size limit
            problem(f"line {reader.line_num}: not readable as CSV: {error}")
            continue
        yield reader.line_num, values


def _row(line: int, record: dict[str, str], present: frozenset[str]) -> IdentityRow:
    if not record.get("external_id"):
        raise InvalidInput("external_id is empty")
    external_id = validation.external_id(record["external_id"])
    email = validation.email(record["email"]) if record.get("email") else None
    kind = _enum(IdentityKind, record.get("kind") or IdentityKind.HUMAN.value, "kind")
    status = _enum(IdentityStatus, record.get("status") or IdentityStatus.ACTIVE.value, "status")
    display_name = record.get("display_name") or email or external_id
    if len(display_name) > 255:
        raise InvalidInput("display_name is over 255 characters")
    role = record.get("role") or None
    if role is not None and len(role) > 128:
        raise InvalidInput("role is over 128 characters")
    return IdentityRow(
        line=line,
        external_id=external_id,
        email=email,
        display_name=display_name,
        kind=kind,
        role=role,
        status=status,
        last_used_at=_timestamp(record.get("last_used_at")),
        columns=present,
    )


def _enum(enum: type[_E], value: str, name: str) -> _E:
    member = _MEMBERS.get(value)  # the common case, a value already in canonical form
    if isinstance(member, enum):
        return member
    try:
        return enum(value.strip().lower())
    except ValueError:
        allowed = ", ".join(member.value for member in enum)
        raise InvalidInput(f"{name} `{validation.clip(value)}` is not one of {allowed}") from None


def _timestamp(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidInput(
            f"last_used_at `{validation.clip(value)}` is not an ISO 8601 date or time"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
