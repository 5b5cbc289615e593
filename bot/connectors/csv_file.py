"""CSV as a connector: the foundation's parser and rules, read from a file on each sync."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from bot.connectors.base import ConnectorError, Coverage, Organisation, SourceIdentity
from bot.csv_import import parse_csv
from bot.errors import DomainError
from storage.vocabulary import Source

PAGE_SIZE = 1000


class CsvConnector:
    source = Source.CSV

    def __init__(self, path: Path) -> None:
        self.path = path

    def identity_pages(self) -> Iterator[list[SourceIdentity]]:
        try:
            data = self.path.read_bytes()
        except OSError as error:
            raise ConnectorError(f"cannot read {self.path.name}: {error.strerror}") from None
        try:
            rows = parse_csv(data)
        except DomainError as error:
            first = str(error).splitlines()[:3]
            raise ConnectorError(" ".join(first)) from None
        for start in range(0, len(rows), PAGE_SIZE):
            yield [
                SourceIdentity(
                    external_id=row.external_id,
                    display_name=row.display_name,
                    email=row.email,
                    kind=row.kind,
                    role=row.role,
                    status=row.status,
                    last_used_at=row.last_used_at,
                )
                for row in rows[start : start + PAGE_SIZE]
            ]

    def coverage(self) -> Coverage:
        return Coverage()  # a file says nothing about SSO or SCIM

    def organisations(self) -> Iterator[Organisation]:
        return iter(())
