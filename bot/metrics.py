"""What the bot counts for Prometheus: every metric and label value defined once, in a registry
of its own per Runtime (never the process-wide default), exposed at `GET /metrics`.

The use cases call the small methods of `Metrics` (a sync finished, a digest was tried, the open
gaps were counted); the HTTP edge of the composition root counts Slack requests. Each replica is
its own process with its own registry: Prometheus scrapes every replica and adds them up, so no
label names the replica here (docs/observability.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from enum import StrEnum

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    GCCollector,
    Histogram,
    PlatformCollector,
    ProcessCollector,
)
from prometheus_client.exposition import choose_encoder

from storage.vocabulary import GapKind


class RequestKind(StrEnum):
    """What a Slack request was; `unknown` when it was refused before its body was trusted."""

    COMMAND = "command"
    ACTION = "action"
    VIEW = "view"
    EVENT = "event"
    OTHER = "other"
    UNKNOWN = "unknown"


class RequestOutcome(StrEnum):
    OK = "ok"
    REFUSED = "refused"  # at the edge: unsigned, stale, too large, too slow, does not parse
    MALFORMED = "malformed"  # signed, but no surface of ours could have produced it
    REJECTED = "rejected"  # a domain error answered to the user (bad input, not allowed)
    ERROR = "error"  # unexpected: logged with an error id that the user sees
    RETRY = "retry"  # Slack's re-delivery, acknowledged and not acted on
    REPLAYED = "replayed"  # an interaction that already acted once
    FOREIGN = "foreign"  # from a workspace this deployment does not serve
    UNHANDLED = "unhandled"  # no listener matched (404)


# Slack gives up on an acknowledgement after 3 s; the buckets are dense below that.
ACK_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0)
SYNC_BUCKETS = (0.1, 0.5, 1.0, 5.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0, 3600.0)
NUDGE_OUTCOMES = ("sent", "failed", "owner-gone", "auth-failed")


class Metrics:
    """One registry and the metrics in it; thread-safe (prometheus_client locks each value)."""

    def __init__(self) -> None:
        self.registry = registry = CollectorRegistry()
        # The standard process_*, python_* and python_gc_* series, as the default registry has.
        ProcessCollector(registry=registry)
        PlatformCollector(registry=registry)
        GCCollector(registry=registry)
        self.slack_requests = Counter(
            "boundary_slack_requests",
            "Slack requests received over HTTP, by kind and outcome.",
            ["kind", "outcome"],
            registry=registry,
        )
        self.slack_ack_seconds = Histogram(
            "boundary_slack_ack_seconds",
            "Time from receiving a Slack request to its HTTP response (the acknowledgement).",
            ["kind"],
            buckets=ACK_BUCKETS,
            registry=registry,
        )
        self.nudges = Counter(
            "boundary_nudges",
            "Nudge digests this process tried to send, by outcome.",
            ["outcome"],
            registry=registry,
        )
        self.nudge_retries = Counter(
            "boundary_nudge_retries",
            "Digest sends that retried a cycle's digest (an earlier attempt failed or died).",
            registry=registry,
        )
        self.sync_runs = Counter(
            "boundary_sync_runs",
            "Connector sync runs, by connector kind and outcome.",
            ["connector", "outcome"],
            registry=registry,
        )
        self.sync_seconds = Histogram(
            "boundary_sync_duration_seconds",
            "How long a connector sync took, by connector kind and outcome.",
            ["connector", "outcome"],
            buckets=SYNC_BUCKETS,
            registry=registry,
        )
        self.open_gaps = Gauge(
            "boundary_open_gaps",
            "Open gaps by kind, as of the last count (see the _counted_timestamp_seconds gauge).",
            ["kind"],
            registry=registry,
        )
        self.gaps_counted = Gauge(
            "boundary_open_gaps_counted_timestamp_seconds",
            "When this process last counted the open gaps (Unix time; 0 before the first).",
            registry=registry,
        )
        for outcome in NUDGE_OUTCOMES:
            self.nudges.labels(outcome=outcome)

    def slack_request(self, kind: str, outcome: str, *, seconds: float) -> None:
        self.slack_requests.labels(kind=kind, outcome=outcome).inc()
        self.slack_ack_seconds.labels(kind=kind).observe(seconds)

    def nudge_tried(self, outcome: str, *, retry: bool) -> None:
        self.nudges.labels(outcome=outcome).inc()
        if retry:
            self.nudge_retries.inc()

    def sync_finished(self, connector: str, *, ok: bool, seconds: float) -> None:
        outcome = "ok" if ok else "failed"
        self.sync_runs.labels(connector=connector, outcome=outcome).inc()
        self.sync_seconds.labels(connector=connector, outcome=outcome).observe(seconds)

    def gaps_open(self, counts: Mapping[str, int], *, at: datetime) -> None:
        """Every kind gets a value, 0 included, so a kind that closes does not just vanish."""
        for kind in GapKind:
            self.open_gaps.labels(kind=kind.value).set(counts.get(kind.value, 0))
        self.gaps_counted.set(at.timestamp())

    def exposition(self, accept: str = "") -> tuple[bytes, str]:
        """The registry and its content type for `GET /metrics`: Prometheus' text format, or
        what the scraper's Accept header asks for (OpenMetrics), as prometheus_client decides."""
        encode, content_type = choose_encoder(accept)
        return encode(self.registry), content_type


def outcome_of(status: int) -> RequestOutcome:
    """A request's outcome from its HTTP status, when nothing on the way said otherwise."""
    if status < 400:
        return RequestOutcome.OK
    if status == 404:
        return RequestOutcome.UNHANDLED
    return RequestOutcome.ERROR if status >= 500 else RequestOutcome.REFUSED
