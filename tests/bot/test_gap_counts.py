"""Counting gaps in SQL (`gap_counts`) gives what the Python rules find (`compute_gaps`), per
integration and kind, after random writes of every field a rule reads, on both backends."""

from __future__ import annotations

import itertools
from collections import Counter
from datetime import timedelta
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlmodel import Session

from bot.authorization import Actor
from bot.declarations import declare
from bot.gaps import compute_gaps
from bot.gaps.counts import counted_scope, gap_counts
from bot.gaps.predicates import Moments
from bot.gaps.slices import first_gaps
from storage.models import Identity, Integration, SlackUser
from storage.vocabulary import (
    Answer,
    GapKind,
    IdentityKind,
    IdentityStatus,
    Layer,
    ScimStatus,
    Source,
    SsoStatus,
)
from tests.conftest import NOW

_RUN = itertools.count()
DAYS = st.sampled_from([None, 5, 40, 100, 400]).map(
    lambda d: None if d is None else NOW - timedelta(days=d)
)
INTEGRATION = st.fixed_dictionaries(
    {
        "layer": st.sampled_from(list(Layer)),
        "sso": st.sampled_from(list(SsoStatus)),
        "scim": st.sampled_from(list(ScimStatus)),
        "owner_active": st.booleans(),
        "child": st.booleans(),
    }
)
IDENTITY = st.fixed_dictionaries(
    {
        "integration": st.integers(0, 2),
        "kind": st.sampled_from(list(IdentityKind)),
        "status": st.sampled_from(list(IdentityStatus)),
        "source": st.sampled_from([Source.OPENAI, Source.ANTHROPIC, Source.CSV, Source.MANUAL]),
        # None, nobody, a person by external id or by email (any case), a Slack user, or ''.
        "owned_by": st.sampled_from(
            [None, "", "ghost", "p0", "P1@X.EXAMPLE", "p2", "slack-on", "slack-off"]
        ),
        "email": st.sampled_from([None, "p0@x.example", "p1@x.example", "p2@x.example"]),
        "role": st.sampled_from([None, "admin", "member"]),
        "container": st.sampled_from([None, "organization", "proj"]),
        "last_used": DAYS,
        "expires": st.sampled_from([None, NOW - timedelta(days=1), NOW + timedelta(days=9)]),
        "answer": st.sampled_from([None, *Answer]),
        "declared": st.sampled_from([NOW - timedelta(days=d) for d in (1, 50, 120)]),
        "note": st.sampled_from([None, "", "contractor"]),
    }
)


def _write(
    session: Session, owner: Actor, run: int, integrations: list[Any], rows: list[Any]
) -> list[Integration]:
    """Integrations and identities under names of their own (`run`): earlier examples' rows
    stay (declarations are append-only), so every email and user id is this run's."""
    made: list[Integration] = []
    for n, spec in enumerate(integrations):
        integration = Integration(
            name=f"r{run}-i{n}",
            layer=spec["layer"],
            owner=owner.user_id,
            sso=spec["sso"],
            scim=spec["scim"],
            owner_active=spec["owner_active"],
            parent_id=made[0].id if n and spec["child"] else None,
            created_by=owner.user_id,
            created_at=NOW,
            updated_at=NOW,
        )
        session.add(integration)
        session.flush()
        made.append(integration)
    for state in ("on", "off"):
        session.add(
            SlackUser(user_id=f"r{run}-slack-{state}", is_active=state == "on", checked_at=NOW)
        )
    for n, spec in enumerate(rows):
        owned_by = spec["owned_by"]
        identity = Identity(
            integration_id=made[spec["integration"] % len(made)].id or 0,
            external_id=f"p{n}" if n < 3 else f"k{n}",
            email=spec["email"] and f"r{run}-{spec['email']}",
            kind=spec["kind"],
            status=spec["status"],
            source=spec["source"],
            owned_by=owned_by if owned_by in (None, "", "p0", "p2") else f"r{run}-{owned_by}",
            role=spec["role"],
            container=spec["container"],
            last_used_at=spec["last_used"],
            expires_at=spec["expires"],
            first_seen_at=NOW - timedelta(days=200),
            last_seen_at=NOW,
        )
        session.add(identity)
        session.flush()
        if spec["answer"] is not None:
            declare(
                session,
                actor=owner,
                identity_id=identity.id or 0,
                answer=spec["answer"],
                note=spec["note"],
                now=spec["declared"],
            )
    return made


# No shrinking: each example writes to a real database, and shrinking one takes minutes; a
# failure prints the example as generated.
@settings(
    phases=(Phase.explicit, Phase.reuse, Phase.generate),
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    integrations=st.lists(INTEGRATION, min_size=1, max_size=3),
    rows=st.lists(IDENTITY, max_size=12),
)
def test_counts_in_sql_match_the_python_rules(
    session: Session, owner: Actor, integrations: list[Any], rows: list[Any]
) -> None:
    made = _write(session, owner, next(_RUN), integrations, rows)
    ids = {integration.id or 0: integration.name for integration in made}

    counted = gap_counts(session, Moments(NOW, 90, 90, 30), ids)

    expected: dict[str, Counter[GapKind]] = {}
    for gap in compute_gaps(session, review_days=90, now=NOW, admin_review_days=30):
        if gap.integration in ids.values():
            expected.setdefault(gap.integration, Counter())[gap.kind] += 1
    assert {ids[i]: dict(kinds) for i, kinds in counted.items()} == {
        name: dict(kinds) for name, kinds in expected.items()
    }


# No shrinking: each example writes to a real database, and shrinking one takes minutes; a
# failure prints the example as generated.
@settings(
    phases=(Phase.explicit, Phase.reuse, Phase.generate),
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    integrations=st.lists(INTEGRATION, min_size=1, max_size=3),
    rows=st.lists(IDENTITY, max_size=12),
    limit=st.integers(1, 10),
)
def test_the_first_gaps_picked_in_sql_are_the_first_the_python_rules_find(
    session: Session, owner: Actor, integrations: list[Any], rows: list[Any], limit: int
) -> None:
    made = _write(session, owner, next(_RUN), integrations, rows)
    names = {integration.name for integration in made}
    moments = Moments(NOW, 90, 90, 30)

    first = first_gaps(
        session, moments, counted_scope(session, moments, [i.id or 0 for i in made]), limit
    )

    every = compute_gaps(session, review_days=90, now=NOW, admin_review_days=30)
    assert [(g.kind, g.integration, g.identity) for g in first] == [
        (g.kind, g.integration, g.identity) for g in every if g.integration in names
    ][:limit]
    assert first == [gap for gap in every if gap.integration in names][:limit]
