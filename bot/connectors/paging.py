"""Guards against a runaway source: a paged read stops, with a ConnectorError, at a page limit,
on a cursor the source already gave, and on a page that adds nothing; the sync then fails and
its one unit of work rolls back, so nobody is marked inactive by a read that never finished."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field

from bot.connectors.base import ConnectorError

# Enough for a million identities at 100 a page; a source that says "more" past it is looping.
DEFAULT_MAX_PAGES = 20_000
# One response larger than this is refused before it is read whole (a 100,000-user SCIM page is
# about 17 MB and took 700 MiB to parse): lower the page size instead.
DEFAULT_MAX_RESPONSE_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True)
class SourceLimits:
    max_pages: int = DEFAULT_MAX_PAGES
    max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES


@dataclass
class PageGuard:
    """One paged read of `what`; call `more` each time the source says there is another page."""

    what: str
    limit: int
    pages: int = 0
    _cursors: set[Hashable] = field(default_factory=set)
    _previous: tuple[Hashable, ...] | None = None

    def more(self, ids: Sequence[Hashable], cursor: Hashable | None = None) -> None:
        """The page just read had `ids`; the source asks for another with `cursor`."""
        self.pages += 1
        if self.pages >= self.limit:
            raise ConnectorError(
                f"stopped reading {self.what} after {self.pages} pages: the source still says"
                " there is more (the limit is BOUNDARY_SYNC_MAX_PAGES)"
            )
        page = tuple(ids)
        if not page or page == self._previous:
            raise ConnectorError(
                f"stopped reading {self.what}: the source sent a page that adds nothing"
                f" (page {self.pages}) and still says there is more"
            )
        if cursor is not None:
            if cursor in self._cursors:
                raise ConnectorError(
                    f"stopped reading {self.what}: the source repeated a cursor (page {self.pages})"
                )
            self._cursors.add(cursor)
        self._previous = page
