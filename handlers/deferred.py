"""Plans for lazy listeners: the acknowledging listener plans the work that follows the
acknowledgement, a lazy listener reads the plan and does it.

bolt copies the request context to lazy listeners after the acknowledging function returns,
so a plan stored there (plain data only) reaches them, and nothing is planned when the
acknowledgement failed: an error is then answered once, not twice.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import BoltContext

PLAN = "boundary_plan"


def plan(context: BoltContext, kind: str, **params: Any) -> None:
    context[PLAN] = {"kind": kind, **params}


def planned(context: BoltContext) -> dict[str, Any] | None:
    found = context.get(PLAN)
    return dict(found) if isinstance(found, dict) else None
