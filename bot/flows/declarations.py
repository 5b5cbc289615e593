"""Recording declarations for one request, each in its own unit of work: one answer, one lane
for all that remain, or a lane rule (which declares what it covers now and later)."""

from __future__ import annotations

from bot import declarations, rules
from bot.authorization import Actor
from bot.declarations import Recorded
from bot.runtime import Runtime
from storage.vocabulary import Answer


def declare(
    runtime: Runtime, *, actor: Actor, identity_id: int, answer: Answer, note: str | None = None
) -> Recorded:
    """One answer for one identity, by one of its integration's stewards."""
    with runtime.unit_of_work() as session:
        return declarations.declare(
            session,
            actor=actor,
            identity_id=identity_id,
            answer=answer,
            note=note,
            now=runtime.clock.now(),
        )


def add_rule(
    runtime: Runtime, *, actor: Actor, integration: str, rule: str, answer: Answer
) -> Recorded:
    """A lane rule (`domain:x.com`, `kind:…`, `role:…`) and the declarations it makes now."""
    with runtime.unit_of_work() as session:
        return rules.add_rule(
            session,
            actor=actor,
            integration_name=integration,
            rule=rule,
            answer=answer,
            now=runtime.clock.now(),
        )


def declare_remaining(
    runtime: Runtime,
    *,
    actor: Actor,
    integration: str,
    answer: Answer,
    rule: str | None = None,
    note: str | None = None,
) -> Recorded:
    """One lane for every identity still waiting, or, given a rule, for those it matches (a
    rule's declarations name the rule instead of a note)."""
    if rule:
        return add_rule(runtime, actor=actor, integration=integration, rule=rule, answer=answer)
    with runtime.unit_of_work() as session:
        return declarations.declare_remaining(
            session,
            actor=actor,
            integration_name=integration,
            answer=answer,
            note=note,
            now=runtime.clock.now(),
        )
