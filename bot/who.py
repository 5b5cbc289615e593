"""`who`: who owns an integration, what lane an identity or email is in, what a user owns, and
what people meant when they typed only part of a name.

A question is answered in this order, each step a bounded number of indexed queries
(storage.lookups): an exact match (Slack user id, email, integration name, external id); an
email domain (`acme.com`, `@acme.com`); case-insensitive prefixes of integration names, emails,
display names and external ids; and when nothing matches, did-you-mean suggestions compared
with difflib over a bounded set of candidates read from the indexes.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Sequence
from typing import Any

from sqlmodel import Session

from bot import validation
from bot.errors import InvalidInput
from bot.gaps.counts import gap_counts
from bot.gaps.predicates import Moments
from bot.lookup_views import (
    GapCheck,
    IdentityView,
    IntegrationSummary,
    IntegrationView,
    Lookup,
    LookupKind,
    Suggestion,
)
from bot.runtime import Runtime
from storage import lookups
from storage.matching import fold_ascii, prefix_upper_bound
from storage.vocabulary import IdentityKind

MAX_RESULTS = 25
MAX_QUERY = 320
# Shorter than this, a prefix matches too much and a fuzzy match means nothing.
MIN_PREFIX = 3
SUGGESTIONS = 5
# How alike (difflib's ratio) a candidate must be to be suggested.
SUGGESTION_CUTOFF = 0.6
LANES = ("workforce", "customer", "remove", "undeclared")


def who(session: Session, *, query: str, gaps: GapCheck | None = None) -> Lookup:
    """Anyone may look up. Exact matches win; then an email domain; then prefixes; else
    suggestions. `gaps`, when given, lets an integration's answer count its open gaps."""
    text = _cleaned(query)
    if validation.looks_like_slack_user(text):
        return _slack_user(session, text)
    # `@acme.com` is a domain, `@dana` a name typed as Slack would show it.
    if text.startswith("@") and text[1:].strip():
        text = text[1:].strip()
    domain = _domain(text)
    if domain is not None:
        # No integration name has a dot, so a domain is asked first.
        rows = lookups.identities_in_domain(session, domain=domain, limit=MAX_RESULTS + 1)
        if rows:
            return Lookup(domain, LookupKind.DOMAIN, **_listed(rows))
    email = _email(text) if "@" in text else None
    if email is not None:
        rows = lookups.identities_by_email(session, email=email, limit=MAX_RESULTS + 1)
        if any(row.email == email for row in rows):
            return _with_keys(email, LookupKind.EMAIL, rows, lambda row: row.email == email)
    folded = fold_ascii(text)
    short = len(folded) < MIN_PREFIX
    high = None if short else prefix_upper_bound(folded)
    if high is None:  # exact matches only: the range [folded, folded) is empty
        integration = lookups.integration_by_name(session, name=text.lower())
        names: Sequence[Any] = [] if integration is None else [integration]
        high = folded
    else:
        names = lookups.integrations_with_prefix(
            session, low=folded, high=high, limit=MAX_RESULTS + 1
        )
    exact = next((row for row in names if row.name == text.lower()), None)
    if exact is not None:
        return Lookup(
            text,
            LookupKind.INTEGRATION,
            integration=IntegrationView.of(exact),
            summary=_summary(session, exact, gaps),
        )
    rows = lookups.identities_by_id_or_prefix(
        session, external_id=text, low=folded, high=high, limit=MAX_RESULTS + 1
    )
    if any(row.external_id == text for row in rows):
        return _identities(session, text, [row for row in rows if row.external_id == text])
    guessed = LookupKind.IDENTITY if email is None else LookupKind.EMAIL
    if short:
        return Lookup(text, guessed, too_short=True)
    if names or rows:
        only = names[0] if len(names) == 1 and not rows else None
        return Lookup(
            text,
            LookupKind.PREFIX,
            integration=IntegrationView.of(only) if only is not None else None,
            summary=_summary(session, only, gaps) if only is not None else None,
            integrations=[IntegrationView.of(row) for row in names[:MAX_RESULTS]],
            **_listed(rows, more=len(names) > MAX_RESULTS),
        )
    return Lookup(text, guessed, suggestions=_suggestions(session, folded))


def _listed(rows: Any, *, more: bool = False) -> dict[str, Any]:
    return {
        "identities": [IdentityView.of(row) for row in rows[:MAX_RESULTS]],
        "more": more or len(rows) > MAX_RESULTS,
    }


_QUOTES = {('"', '"'), ("'", "'"), ("`", "`"), ("\u201c", "\u201d"), ("\u2018", "\u2019")}


def _cleaned(query: str) -> str:
    text = query.strip()
    # `who "Dev One"`: the quotes group words, they are not part of the name.
    if len(text) >= 2 and (text[0], text[-1]) in _QUOTES:
        text = text[1:-1].strip()
    if not text:
        raise InvalidInput("Look up an integration, a @user, an email or an identity id.")
    if len(text) > MAX_QUERY:
        raise InvalidInput(f"That is too long to look up (at most {MAX_QUERY} characters).")
    return text


def _slack_user(session: Session, user_id: str) -> Lookup:
    owned = lookups.integrations_owned_by(session, user_id=user_id)
    keys = lookups.identities_owned_by(session, owners=[user_id], limit=MAX_RESULTS + 1)
    return Lookup(
        user_id,
        LookupKind.USER,
        owned=[IntegrationView.of(i) for i in owned],
        owned_identities=[IdentityView.of(r) for r in keys[:MAX_RESULTS]],
        more=len(keys) > MAX_RESULTS,
    )


def _with_keys(query: str, kind: LookupKind, rows: Any, matched: Callable[[Any], bool]) -> Lookup:
    """The rows that `matched`, and among the rest the keys the people among them own: named by
    their email, or by their external id (a source user id) in their own integration."""
    found = [row for row in rows if matched(row)]
    emails = {row.email for row in found if row.email and row.kind == IdentityKind.HUMAN}
    people = {(row.integration, row.external_id) for row in found if row.kind == IdentityKind.HUMAN}
    keys = [
        row
        for row in rows
        if row.kind != IdentityKind.HUMAN
        and (row.owned_by in emails or (row.integration, row.owned_by) in people)
    ]
    return Lookup(
        query,
        kind,
        owned_identities=[IdentityView.of(row) for row in keys[:MAX_RESULTS]],
        **_listed(found, more=len(keys) > MAX_RESULTS),
    )


def _identities(session: Session, external_id: str, rows: Any) -> Lookup:
    """Identities with this external id, and the keys the people among them own."""
    people = [row for row in rows[:MAX_RESULTS] if row.kind == IdentityKind.HUMAN]
    owners = {row.external_id for row in people} | {row.email for row in people if row.email}
    keys = lookups.identities_owned_by(session, owners=sorted(owners), limit=MAX_RESULTS + 1)
    ids = {row.id for row in rows}
    every = [*rows, *(key for key in keys if key.id not in ids)]
    return _with_keys(external_id, LookupKind.IDENTITY, every, lambda row: row.id in ids)


def _summary(session: Session, integration: Any, gaps: GapCheck | None) -> IntegrationSummary:
    counted = lookups.active_identities_by_lane(session, integration_id=integration.id)
    lanes = {lane: counted.get(None if lane == "undeclared" else lane, 0) for lane in LANES}
    if gaps is None:
        return IntegrationSummary(lanes)
    by_kind = open_gaps(session, integration=integration, check=gaps)
    return IntegrationSummary(lanes, open_gaps=sum(by_kind.values()), gaps_by_kind=by_kind)


def open_gaps(session: Session, *, integration: Any, check: GapCheck) -> dict[str, int]:
    """One integration's open gaps by kind, for `who <integration>`: the one place `who`
    reaches bot/gaps. Counted in the database (bot/gaps/counts.py), never built as gaps."""
    moments = Moments(check.now, check.review_days, check.unused_days, check.admin_review_days)
    found = gap_counts(session, moments, [integration.id or 0]).get(integration.id or 0, {})
    return {str(kind): n for kind, n in found.items()}


def _suggestions(session: Session, folded: str) -> list[Suggestion]:
    candidates: dict[str, Suggestion] = {}
    for value, what in lookups.candidates_near(session, near=folded):
        candidates.setdefault(fold_ascii(value), Suggestion(value, what))
    close = difflib.get_close_matches(folded, candidates, n=SUGGESTIONS, cutoff=SUGGESTION_CUTOFF)
    return [candidates[match] for match in close]


_PLAIN_EMAIL = re.compile(r"^[a-z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-z0-9-]+(\.[a-z0-9-]+)+$")
_DOMAIN = re.compile(
    r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*\.[a-z]{2,}$"
)


def _domain(text: str) -> str | None:
    """The domain, lowercased, when `text` is one (`acme.com`), else None."""
    lowered = text.lower()
    return lowered if len(lowered) <= 253 and _DOMAIN.match(lowered) else None


def _email(text: str) -> str | None:
    """The stored (normalised) form of an email, or None if it is not one.

    A plain ASCII address normalises to its lower case; only the rest needs the full
    validator, which costs more than the lookup itself.
    """
    lowered = text.lower()
    if _PLAIN_EMAIL.match(lowered):
        return lowered
    if "@" not in text:
        return None
    try:
        return validation.email(text)
    except InvalidInput:
        return None  # not an email after all: an id like `svc@build`


def look_up(runtime: Runtime, *, query: str) -> Lookup:
    """`who`, in one reading unit of work, counting an integration's gaps as of now."""
    settings = runtime.settings
    gaps = GapCheck(
        now=runtime.clock.now(),
        review_days=settings.review_days,
        unused_days=settings.unused_days,
        admin_review_days=settings.admin_review_days,
    )
    with runtime.reading() as session:
        return who(session, query=query, gaps=gaps)
