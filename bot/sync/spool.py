"""A source read whole before anything is written: a connector's pages go to a temporary file,
then the sync's one unit of work replays them. So the write transaction (on SQLite, the
database's write lock) lasts as long as the writing, not as long as a slow source takes to
answer, and a click on another integration during a sync is answered at once."""

from __future__ import annotations

import pickle
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from bot.connectors.base import Connector, Coverage, Organisation, SourceIdentity
from storage.vocabulary import Layer, Source


@dataclass
class _Organisation:
    external_ref: str
    name: str
    coverage: Coverage
    layer: Layer
    pages: list[int] = field(default_factory=list)  # offsets in the spool file


class SpooledSource:
    """The same interface as a Connector, replayed from the file `read` wrote."""

    def __init__(self, source: Source, spool: IO[bytes]) -> None:
        self.source = source
        self._spool = spool
        self._pages: list[int] = []
        self._organisations: list[_Organisation] = []
        self._coverage = Coverage()

    @classmethod
    def read(cls, connector: Connector) -> SpooledSource:
        """Read everything the connector has, in the order a sync asks for it."""
        # Closed by the caller's `with` (or below, when the read fails).
        spooled = cls(Source(connector.source), tempfile.TemporaryFile())  # noqa: SIM115
        try:
            for page in connector.identity_pages():
                spooled._pages.append(spooled._write(page))
            for organisation in connector.organisations():
                kept = _Organisation(
                    organisation.external_ref,
                    organisation.name,
                    organisation.coverage,
                    organisation.layer,
                )
                kept.pages = [spooled._write(page) for page in organisation.identities()]
                spooled._organisations.append(kept)
            spooled._coverage = connector.coverage()
        except BaseException:
            spooled.close()
            raise
        return spooled

    def _write(self, page: list[SourceIdentity]) -> int:
        offset = self._spool.seek(0, 2)
        pickle.dump(page, self._spool, protocol=pickle.HIGHEST_PROTOCOL)
        return offset

    def _page(self, offset: int) -> list[SourceIdentity]:
        self._spool.seek(offset)
        # Our own temporary file, written above by this process: nothing else can reach it.
        page: list[SourceIdentity] = pickle.load(self._spool)  # noqa: S301
        return page

    def identity_pages(self) -> Iterator[list[SourceIdentity]]:
        for offset in self._pages:
            yield self._page(offset)

    def organisations(self) -> Iterator[Organisation]:
        for kept in self._organisations:

            def pages(offsets: list[int] = kept.pages) -> Iterator[list[SourceIdentity]]:
                return (self._page(offset) for offset in offsets)

            yield Organisation(kept.external_ref, kept.name, kept.coverage, pages, kept.layer)

    def coverage(self) -> Coverage:
        return self._coverage

    def close(self) -> None:
        self._spool.close()

    def __enter__(self) -> SpooledSource:
        return self

    def __exit__(self, *_: Any) -> None:
        self.close()
