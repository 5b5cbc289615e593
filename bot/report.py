"""The evidence an auditor asks for: every identity with its lane and who declared it, plus gaps."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col

from bot.gaps import Gap, compute_gaps
from bot.gaps.keys import REPORTS_EXPIRY
from bot.integrations import get_integration, list_integrations
from bot.lookup_views import IdentityView
from bot.runtime import Runtime
from bot.version import VERSION
from storage import identities as identity_repo
from storage.chain_check import verify_chain
from storage.models import Identity, Integration

IDENTITY_FIELDS = (
    "integration",
    "layer",
    "owner",
    "external_id",
    "display_name",
    "email",
    "kind",
    "role",
    "status",
    "source",
    # What the source reports of a key or service account (blank: it does not say).
    "owned_by",
    "created_at",
    "last_used_at",
    "expires_at",  # a time, `never` (the source reports expiry, and none), or blank
    "scopes",
    "container",
    "lane",
    "declared_by",
    "declared_at",
    "note",
    "rule",
    "open_gaps",
)


@dataclass(frozen=True)
class Report:
    generated_at: datetime
    integrations: list[str]
    chain_ok: bool
    chain_count: int
    chain_head: str
    gaps: list[Gap]
    scope: str | None = None  # one integration's name, or None for all

    def gaps_by_identity(self) -> dict[int, list[str]]:
        found: dict[int, list[str]] = {}
        for gap in self.gaps:
            if gap.identity_id is not None:
                found.setdefault(gap.identity_id, []).append(str(gap.kind))
        return found


def build_report(
    session: Session,
    *,
    review_days: int,
    integration: str | None = None,
    now: datetime,
    unused_days: int = 90,
    admin_review_days: int = 30,
) -> Report:
    names = (
        [get_integration(session, integration).name]
        if integration
        else [i.name for i in list_integrations(session)]
    )
    check = verify_chain(session)
    return Report(
        generated_at=now,
        integrations=names,
        chain_ok=check.ok,
        chain_count=check.declarations,
        chain_head=check.head_hash,
        gaps=compute_gaps(
            session,
            review_days=review_days,
            now=now,
            integration=names[0] if integration else None,
            unused_days=unused_days,
            admin_review_days=admin_review_days,
        ),
        scope=names[0] if integration else None,
    )


def identity_rows(session: Session, report: Report) -> Iterator[dict[str, Any]]:
    """Every identity in the report's scope, by integration then id, streamed in one query."""
    gaps = report.gaps_by_identity()
    query = identity_repo.identity_view_query().order_by(
        col(Integration.name), col(Identity.external_id)
    )
    if report.scope is not None:
        query = query.where(col(Integration.name) == report.scope)
    for row in session.execute(query.execution_options(yield_per=5000)):
        view = IdentityView.of(row)
        yield {
            "integration": view.integration,
            "layer": str(view.layer),
            "owner": view.owner,
            "external_id": view.external_id,
            "display_name": view.display_name,
            "email": view.email or "",
            "kind": str(view.kind),
            "role": view.role or "",
            "status": str(view.status),
            "source": view.source,
            "owned_by": view.owned_by or "",
            "created_at": _moment(row.source_created_at),
            "last_used_at": _moment(view.last_used_at),
            "expires_at": _expiry(row.expires_at, view.source, str(view.kind)),
            "scopes": row.scopes or "",
            "container": row.container or "",
            "lane": "" if view.answer is None else str(view.answer),
            "declared_by": view.declared_by or "",
            "declared_at": "" if view.declared_at is None else view.declared_at.isoformat(),
            "note": view.note or "",
            "rule": view.rule or "",
            "open_gaps": " ".join(gaps.get(view.id, [])),
        }


def _moment(moment: datetime | None) -> str:
    return "" if moment is None else moment.isoformat()


def _expiry(expires_at: datetime | None, source: str, kind: str) -> str:
    if expires_at is None and (source, kind) in REPORTS_EXPIRY:
        return "never"
    return _moment(expires_at)


def gap_dict(gap: Gap) -> dict[str, Any]:
    return {
        "kind": str(gap.kind),
        "integration": gap.integration,
        "identity": gap.identity,
        "owner": gap.owner,
        "backup_owner": gap.backup_owner,
        "detail": gap.detail,
    }


def render_csv(session: Session, report: Report) -> str:
    """Identities, one row each, then a blank line and the integration-level gaps."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=IDENTITY_FIELDS, lineterminator="\n")
    writer.writeheader()
    for row in identity_rows(session, report):
        writer.writerow(row)
    integration_gaps = [g for g in report.gaps if g.identity_id is None]
    if integration_gaps:
        out.write("\n")
        gap_writer = csv.DictWriter(
            out,
            fieldnames=["kind", "integration", "identity", "owner", "backup_owner", "detail"],
            lineterminator="\n",
        )
        gap_writer.writeheader()
        for gap in integration_gaps:
            gap_writer.writerow(gap_dict(gap))
    return out.getvalue()


def render_json(session: Session, report: Report) -> str:
    document = {
        "generated_at": report.generated_at.isoformat(),
        # Which release produced the evidence (bot/version.py, pyproject's version).
        "generated_by": f"boundary-bot {VERSION}",
        "audit_chain": {
            "ok": report.chain_ok,
            "declarations": report.chain_count,
            "head": report.chain_head,
        },
        "integrations": report.integrations,
        "identities": list(identity_rows(session, report)),
        "gaps": [gap_dict(gap) for gap in report.gaps],
    }
    return json.dumps(document, indent=2, ensure_ascii=False)


def evidence_summary(runtime: Runtime, *, integration: str | None = None) -> Report:
    """`build_report` as of now, under the configured review interval, in one reading unit of
    work."""
    with runtime.reading() as session:
        return build_report(
            session,
            review_days=runtime.settings.review_days,
            integration=integration,
            now=runtime.clock.now(),
            unused_days=runtime.settings.unused_days,
            admin_review_days=runtime.settings.admin_review_days,
        )
