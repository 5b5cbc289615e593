"""One HTTP client for every connector: explicit timeouts, bounded retries, short errors."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from bot.connectors.base import ConnectorError
from bot.connectors.paging import PageGuard, SourceLimits

logger = logging.getLogger(__name__)

TIMEOUT = httpx.Timeout(30.0, connect=10.0)


@dataclass(frozen=True)
class RetryPolicy:
    """How long to keep trying a source that rate-limits (429) or fails (5xx)."""

    attempts: int = 4
    backoff: float = 1.0  # first wait after a 5xx; doubles each time
    max_wait: float = 60.0  # no single wait is longer, whatever Retry-After asks
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False)
    # Seconds since the epoch, to turn a Retry-After date into a wait: the real clock by
    # default (the wait is real), injected by tests.
    clock: Callable[[], float] = field(default=time.time, repr=False)


class SourceClient:
    """GETs JSON from one source; every failure becomes a ConnectorError naming no secret."""

    def __init__(
        self,
        *,
        base_url: str,
        headers: dict[str, str],
        secret_name: str,
        retry: RetryPolicy | None = None,
        timeout: httpx.Timeout = TIMEOUT,
        limits: SourceLimits | None = None,
    ) -> None:
        self.secret_name = secret_name
        self.retry = retry or RetryPolicy()
        self.limits = limits or SourceLimits()
        self._client = httpx.Client(
            base_url=base_url, headers=headers, timeout=timeout, follow_redirects=False
        )

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> SourceClient:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def same_origin(self, url: str) -> bool:
        """A next-page link must point at the configured source, never carry the secret away."""
        target, base = httpx.URL(url), self._client.base_url
        return (target.scheme, target.host, target.port) == (base.scheme, base.host, base.port)

    def pages(self, what: str) -> PageGuard:
        """A guard for one paged read (see bot/connectors/paging.py)."""
        return PageGuard(what, self.limits.max_pages)

    def where(self, url: str) -> str:
        """The full address a message names (never the query, which may carry filters, nor
        any user:password part)."""
        full = self._client.base_url.join(url)
        return str(full.copy_with(query=None, fragment=None, userinfo=b""))

    def get(
        self, url: str, params: dict[str, Any] | None = None, *, missing_ok: bool = False
    ) -> httpx.Response | None:
        """GET with retries on 429 (honouring Retry-After) and 5xx (exponential backoff);
        with `missing_ok`, a 404 or 400 answer is None (Okta answers so for absent features)."""
        where = self.where(url)
        backoff = self.retry.backoff
        for attempt in range(1, self.retry.attempts + 1):
            try:
                response = self._capped_get(url, params, where)
            except httpx.TimeoutException:
                raise ConnectorError(f"the source timed out at {where}") from None
            except httpx.HTTPError as error:
                raise ConnectorError(
                    f"could not reach the source at {where} ({type(error).__name__})"
                ) from None
            status = response.status_code
            if status in (401, 403):
                raise ConnectorError(
                    f"the source refused the credentials (HTTP {status} at {where});"
                    f" check the secret in {self.secret_name}"
                )
            if missing_ok and status in (400, 404):
                return None
            if status != 429 and status < 500:
                if status >= 400:
                    raise ConnectorError(f"the source answered HTTP {status} at {where}")
                return response
            if attempt == self.retry.attempts:
                what = "rate limited" if status == 429 else f"failing (HTTP {status})"
                raise ConnectorError(
                    f"the source is still {what} at {where} after {attempt} attempts"
                )
            if status == 429:
                wait = _retry_after(response, now=self.retry.clock()) or backoff
            else:
                wait, backoff = backoff, backoff * 2
            wait = min(wait, self.retry.max_wait)
            logger.info("source answered %s at %s; retrying in %.1fs", status, where, wait)
            self.retry.sleep(wait)
        raise AssertionError("unreachable")  # pragma: no cover

    def _capped_get(self, url: str, params: dict[str, Any] | None, where: str) -> httpx.Response:
        """The response, read whole only while it stays under the size limit."""
        cap = self.limits.max_response_bytes
        with self._client.stream("GET", url, params=params) as response:
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > cap:
                raise ConnectorError(_too_large(where, cap))
            chunks, size = [], 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > cap:
                    raise ConnectorError(_too_large(where, cap))
                chunks.append(chunk)
        # Decoded already (iter_bytes undoes any content encoding): the copy says so.
        headers = [
            (key, value)
            for key, value in response.headers.multi_items()
            if key.lower() not in ("content-encoding", "content-length", "transfer-encoding")
        ]
        return httpx.Response(
            response.status_code,
            headers=headers,
            content=b"".join(chunks),
            request=response.request,
        )

    def get_json(
        self, url: str, params: dict[str, Any] | None = None, *, missing_ok: bool = False
    ) -> Any:
        response = self.get(url, params=params, missing_ok=missing_ok)
        if response is None:
            return None
        return parse_json(response, url)

    def get_page(self, url: str, params: dict[str, Any] | None = None) -> httpx.Response:
        response = self.get(url, params=params)
        assert response is not None
        return response


def _too_large(where: str, cap: int) -> str:
    return (
        f"the source sent a response over {cap // 2**20} MiB at {where}; lower the page size"
        " (BOUNDARY_SYNC_MAX_RESPONSE_MB raises the limit)"
    )


def parse_json(response: httpx.Response, url: str) -> Any:
    try:
        return response.json()
    except ValueError:
        try:
            where = str(response.request.url.copy_with(query=None, userinfo=b""))
        except RuntimeError:  # a response built by hand has no request
            where = url
        raise ConnectorError(f"the source answered malformed JSON at {where}") from None


def _retry_after(response: httpx.Response, *, now: float) -> float | None:
    value = response.headers.get("Retry-After", "").strip()
    if not value:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(moment.timestamp() - now, 0.0)


def expect(condition: bool, where: str) -> None:
    """Turn an unexpected response shape into a ConnectorError instead of a KeyError."""
    if not condition:
        raise ConnectorError(f"the source answered an unexpected shape at {where}")
