"""Lane rules: `domain:acme.com → customer` and the like, each declaring every identity it
covers, naming the rule; applied after every import and sync."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlmodel import Session

from bot import validation
from bot.authorization import Actor, require_steward
from bot.declarations import Recorded
from bot.errors import Conflict, InvalidInput
from bot.integrations import get_integration
from storage import chain
from storage import identities as identity_repo
from storage import integrations as integration_repo
from storage import rules as rule_repo
from storage.models import Identity, Integration, LaneRule
from storage.vocabulary import Answer, IdentityKind, IdentityStatus, RuleMatch


def parse_rule(text: str) -> tuple[RuleMatch, str]:
    """`domain:acme.com`, `kind:service_account` or `role:admin` to a (match, value) pair."""
    match_text, sep, value = text.strip().partition(":")
    try:
        match = RuleMatch(match_text.strip().lower())
    except ValueError:
        match = None
    if not sep or match is None or not value.strip():
        raise InvalidInput("A rule is `domain:acme.com`, `kind:service_account` or `role:admin`.")
    value = value.strip()
    if match is RuleMatch.DOMAIN:
        return match, validation.domain(value)
    if match is RuleMatch.KIND:
        try:
            return match, IdentityKind(value.lower()).value
        except ValueError:
            kinds = ", ".join(kind.value for kind in IdentityKind)
            raise InvalidInput(f"`{validation.clip(value)}` is not a kind ({kinds}).") from None
    if len(value) > 128:
        raise InvalidInput("A role is at most 128 characters.")
    return match, value.lower()


def rule_matches(rule: LaneRule, identity: Identity) -> bool:
    if rule.match == RuleMatch.DOMAIN:
        return bool(identity.email) and (identity.email or "").lower().endswith("@" + rule.value)
    if rule.match == RuleMatch.KIND:
        return str(identity.kind) == rule.value
    return (identity.role or "").lower() == rule.value


def add_rule(
    session: Session,
    *,
    actor: Actor,
    integration_name: str,
    rule: str,
    answer: Answer,
    now: datetime,
) -> Recorded:
    """Create a lane rule and declare every undeclared identity it covers, naming the rule."""
    if answer is Answer.REMOVE:
        raise InvalidInput("A rule declares a lane: `workforce` or `customer`.")
    integration = get_integration(session, integration_name)
    require_steward(actor, integration)
    match, value = parse_rule(rule)
    existing = rule_repo.find(session, integration_id=integration.id or 0, match=match, value=value)
    if existing is not None and existing.answer != answer:
        raise Conflict(f"`{integration.name}` already has `{match}:{value}` → `{existing.answer}`.")
    moment = now
    if existing is None:
        existing = LaneRule(
            integration_id=integration.id or 0,
            match=match,
            value=value,
            answer=answer,
            created_by=actor.user_id,
            created_at=moment,
        )
        session.add(existing)
        session.flush()
        integration_repo.record_event(
            session,
            actor=actor.user_id,
            action="rule.added",
            integration_id=integration.id,
            detail={"rule": f"{match}:{value}", "answer": str(answer)},
            at=moment,
        )
    count = apply_rules(session, integration=integration, now=moment, rules=[existing])
    return Recorded(integration.name, answer, count, actor.user_id, moment, rule=existing)


def apply_rules(
    session: Session,
    *,
    integration: Integration,
    now: datetime,
    rules: Sequence[LaneRule] | None = None,
) -> int:
    """Declare undeclared identities that a rule covers; the first matching rule wins.

    Explicit answers always win over rules: an identity someone already declared is left alone.
    Runs after every import and sync, so new identities that a rule covers never become gaps.
    """
    active_rules = (
        rules
        if rules is not None
        else rule_repo.for_integration(session, integration_id=integration.id or 0)
    )
    if not active_rules:
        return 0
    moment = now
    items = []
    for identity in identity_repo.undeclared(session, integration_id=integration.id or 0):
        if identity.status != IdentityStatus.ACTIVE:
            continue
        for rule in active_rules:
            if rule_matches(rule, identity):
                items.append(
                    chain.NewDeclaration(
                        identity_id=identity.id or 0,
                        integration_id=integration.id or 0,
                        answer=Answer(rule.answer),
                        declared_by=rule.created_by,
                        declared_at=moment,
                        # No note: rule_id names the rule, and a note would read as the
                        # justification that silences a lane-mismatch gap.
                        note=None,
                        rule_id=rule.id,
                    )
                )
                break
    chain.append(session, items=items)
    return len(items)
