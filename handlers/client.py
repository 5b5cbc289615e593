"""The one place a Slack Web API client is built: base URL from settings, retries on faults."""

from __future__ import annotations

from typing import Any
from urllib.request import Request

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from bot.settings import Settings

# 429s wait for Slack's Retry-After; 5xx and dropped connections back off exponentially.
RATE_LIMIT_RETRIES = 3
SERVER_ERROR_RETRIES = 2
CONNECTION_RETRIES = 2


class ProxySafeWebClient(WebClient):
    """slack_sdk's WebClient, sending each attempt of a call as a request of its own.

    slack_sdk retries a call with the same urllib Request, and urllib rewrites a Request it
    sends through a proxy (HTTPS_PROXY, HTTP_PROXY): the second attempt still tunnels to port
    443, but the third opens the tunnel to port 80 and sends the call, bot token included,
    unencrypted (slack_sdk 3.48; tests/cli/test_outbound_proxy.py). A fresh Request each time
    keeps every attempt on TLS."""

    def _perform_urllib_http_request_internal(self, url: str, req: Request) -> dict[str, Any]:
        # The URL is the one slack_sdk built and opens only if it is http(s).
        fresh = Request(  # noqa: S310
            req.full_url, data=req.data, headers=req.headers, method=req.get_method()
        )
        return super()._perform_urllib_http_request_internal(url, fresh)


def make_client(settings: Settings, *, timeout: int = 10) -> WebClient:
    """The Web API client. It takes an outbound proxy from HTTPS_PROXY (else HTTP_PROXY) for
    every call, and NO_PROXY's exemptions, as slack_sdk and urllib read them."""
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    return ProxySafeWebClient(
        token=token,
        base_url=settings.slack_api_url,
        timeout=timeout,
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=CONNECTION_RETRIES),
            RateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES),
            ServerErrorRetryHandler(max_retry_count=SERVER_ERROR_RETRIES),
        ],
    )
