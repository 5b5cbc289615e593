"""Moments as sources write them (Unix seconds, RFC 3339 strings), read so that a value of the
wrong shape becomes None: one odd field never costs the page it came in."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Any


def unix_moment(value: Any) -> datetime | None:
    """Unix seconds (an integer, or a float) as an aware UTC datetime; anything else, or a
    number no datetime can hold, is None."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    try:
        return datetime.fromtimestamp(value, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None


def rfc3339_moment(value: Any) -> datetime | None:
    """An RFC 3339 date-time (`2024-10-30T23:58:27.427722Z`) in UTC; a date alone, a time
    without its offset, or any other text is None."""
    if not isinstance(value, str) or "T" not in value.upper() or len(value) > 64:
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    if moment.tzinfo is None:
        return None  # no offset: which zone it meant is a guess
    return moment.astimezone(UTC)
