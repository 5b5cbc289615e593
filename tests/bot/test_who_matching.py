"""`who` finds what people type: exact matches first, then an email domain, then prefixes, then
did-you-mean; and inputs that must match nothing do not. One table, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import pytest
from sqlmodel import Session, select

from bot.gaps import compute_gaps
from bot.lookup_views import GapCheck, Lookup, LookupKind
from bot.who import MAX_QUERY, MAX_RESULTS, who
from handlers.blocks.lookups import who_blocks
from storage.models import Identity, Integration
from tests.bot.who_inventory import (
    CONSOLE,
    CREATED,
    EXPIRES,
    PLATFORM,
    TENANT,
    USED,
    build_inventory,
)
from tests.conftest import NOW, OWNER

K = LookupKind


@dataclass(frozen=True)
class Case:
    query: str
    kind: LookupKind
    # `integration` or `integration/external_id`, as found.
    found: frozenset[str] = frozenset()
    owned: frozenset[str] = frozenset()
    # Must be among the suggestions (others may be too).
    suggests: frozenset[str] = frozenset()
    too_short: bool = False


def case(
    query: str,
    kind: LookupKind,
    *found: str,
    owned: tuple[str, ...] = (),
    suggests: tuple[str, ...] = (),
    too_short: bool = False,
) -> Case:
    return Case(query, kind, frozenset(found), frozenset(owned), frozenset(suggests), too_short)


DEV1 = (f"{PLATFORM}/user-dev1", f"{TENANT}/00u1")
AT_ACME = (*DEV1, f"{PLATFORM}/user-dev2", f"{TENANT}/00u3", f"{TENANT}/00u4")
DEV1_KEYS = (f"{PLATFORM}/key-ci-bot", f"{PLATFORM}/svc-deploy")

TABLE = [
    # Exact matches, as before.
    case(PLATFORM, K.INTEGRATION, PLATFORM),
    case("  OpenAI-Platform ", K.INTEGRATION, PLATFORM),
    case("dev1@acme.com", K.EMAIL, *DEV1, owned=DEV1_KEYS),
    case("DEV1@Acme.com", K.EMAIL, *DEV1, owned=DEV1_KEYS),
    case("key-ci-bot", K.IDENTITY, f"{PLATFORM}/key-ci-bot"),
    case("user-dev1", K.IDENTITY, f"{PLATFORM}/user-dev1", owned=DEV1_KEYS),
    case(OWNER, K.USER, PLATFORM, CONSOLE, owned=(f"{CONSOLE}/bot-slack",)),
    # Email domains.
    case("acme.com", K.DOMAIN, *AT_ACME),
    case("@acme.com", K.DOMAIN, *AT_ACME),
    case("ACME.COM", K.DOMAIN, *AT_ACME),
    case("corp.com", K.DOMAIN, f"{TENANT}/00u2"),
    # Prefixes, any case, of names, emails, display names and external ids.
    case("openai", K.PREFIX, PLATFORM),
    case("OpenAI", K.PREFIX, PLATFORM),
    case("a", K.IDENTITY, too_short=True),
    case("an", K.IDENTITY, too_short=True),
    case("ant", K.PREFIX, CONSOLE),
    case("Dev One", K.PREFIX, f"{PLATFORM}/user-dev1"),
    case("@Dev One", K.PREFIX, f"{PLATFORM}/user-dev1"),
    case("@", K.IDENTITY, too_short=True),
    case('"Dev One"', K.PREFIX, f"{PLATFORM}/user-dev1"),
    case("dev", K.PREFIX, *DEV1, f"{PLATFORM}/user-dev2"),
    case("ci-bot", K.PREFIX, f"{PLATFORM}/key-ci-bot"),
    case("dev1@acme.co", K.PREFIX, *DEV1),
    case("sam (", K.PREFIX, f"{TENANT}/00u3", f"{TENANT}/00u4"),
    case("100%", K.PREFIX, f"{PLATFORM}/100%_real"),
    case("ÉMILE", K.PREFIX, f"{TENANT}/00u5"),
    case("émile", K.IDENTITY),
    # Did you mean.
    case("openai-platfrom", K.IDENTITY, suggests=(PLATFORM,)),
    case("acme-tennant", K.IDENTITY, suggests=(TENANT,)),
    case("Dev Onne", K.IDENTITY, suggests=("Dev One",)),
    case("dev1@acme.cmo", K.EMAIL, suggests=("dev1@acme.com",)),
    case("acme.cmo", K.IDENTITY, suggests=("acme.com",)),
    case("@acme.cmo", K.IDENTITY, suggests=("acme.com",)),
    # Must match nothing: wildcards are characters, mentions are text, a miss is a miss.
    case("%", K.IDENTITY, too_short=True),
    case("_", K.IDENTITY, too_short=True),
    case("*", K.IDENTITY, too_short=True),
    case("%%%", K.IDENTITY),
    case("___", K.IDENTITY),
    case("***", K.IDENTITY),
    case("100_", K.IDENTITY),
    case("<!channel>", K.IDENTITY),
    case("!channel", K.IDENTITY),
    case("U0NOBODY1", K.USER),
    case("nobody.example", K.IDENTITY),
    case("zzzzzzzz", K.IDENTITY),
]


def _names(found: Lookup) -> frozenset[str]:
    names = {v.name for v in (*found.owned, *found.integrations)}
    if found.integration is not None:
        names.add(found.integration.name)
    return frozenset(names | {f"{v.integration}/{v.external_id}" for v in found.identities})


@pytest.fixture
def inventory(session: Session) -> Session:
    build_inventory(session)
    return session


@pytest.mark.parametrize("expected", TABLE, ids=[c.query for c in TABLE])
def test_who_answers_what_people_type(inventory: Session, expected: Case) -> None:
    found = who(inventory, query=expected.query)

    assert found.kind is expected.kind
    assert _names(found) == expected.found
    assert {f"{v.integration}/{v.external_id}" for v in found.owned_identities} == expected.owned
    assert expected.suggests <= {s.text for s in found.suggestions}
    assert found.too_short is expected.too_short
    assert found.found is bool(expected.found or expected.owned)


def test_more_than_max_results_says_so_and_shows_the_first(inventory: Session) -> None:
    integration_id = inventory.exec(select(Integration.id).where(Integration.name == TENANT)).one()
    for number in range(MAX_RESULTS + 5):
        inventory.add(
            Identity(
                integration_id=integration_id or 0,
                external_id=f"bulk-{number:02d}",
                first_seen_at=NOW,
                last_seen_at=NOW,
            )
        )
    inventory.flush()

    found = who(inventory, query="bulk")

    assert found.more
    assert [v.external_id for v in found.identities] == [f"bulk-{n:02d}" for n in range(25)]
    assert "Showing the first 25" in json.dumps(who_blocks(found))


def test_a_query_longer_than_the_limit_is_refused(inventory: Session) -> None:
    from bot.errors import InvalidInput

    with pytest.raises(InvalidInput, match="too long"):
        who(inventory, query="a" * (MAX_QUERY + 1))


def test_suggestions_are_only_offered_when_nothing_matches(inventory: Session) -> None:
    assert who(inventory, query="openai").suggestions == []
    assert who(inventory, query="zzzzzzzz").suggestions == []


def test_an_integrations_lanes_count_active_identities_only(inventory: Session) -> None:
    found = who(inventory, query=PLATFORM)

    assert found.summary is not None
    # Seven platform identities, one inactive; user-dev1 is declared workforce.
    assert found.summary.lanes == {"workforce": 1, "customer": 0, "remove": 0, "undeclared": 5}
    assert found.summary.open_gaps is None  # not asked to count them


def test_an_integrations_open_gaps_are_those_of_that_integration(inventory: Session) -> None:
    check = GapCheck(now=NOW, review_days=90)

    found = who(inventory, query="openai", gaps=check)

    expected = compute_gaps(inventory, review_days=90, now=NOW, integration=PLATFORM)
    assert found.summary is not None
    assert found.summary.open_gaps == len(expected) > 0
    assert sum(found.summary.gaps_by_kind.values()) == len(expected)


def test_a_key_shows_what_its_source_says(inventory: Session) -> None:
    [key] = who(inventory, query="key-ci-bot").identities

    assert (key.owned_by, key.source_created_at, key.last_used_at, key.expires_at) == (
        "user-dev1",
        CREATED,
        USED,
        EXPIRES,
    )
    assert (key.scopes, key.container) == ("model.request", "Prod")
    text = json.dumps(who_blocks(who(inventory, query="key-ci-bot")))
    assert "owned by user-dev1" in text
    assert f"created {CREATED:%Y-%m-%d}" in text
    assert f"last used {USED:%Y-%m-%d}" in text
    assert f"expires {EXPIRES:%Y-%m-%d}" in text
    assert "scopes model.request" in text
    assert "project Prod" in text


def test_repeated_emails_show_their_external_ids(inventory: Session) -> None:
    text = json.dumps(who_blocks(who(inventory, query="sam@acme.com")))

    assert "sam@acme.com (`00u3`)" in text
    assert "sam@acme.com (`00u4`)" in text
    assert "pat@corp.com (" not in json.dumps(who_blocks(who(inventory, query="pat@corp.com")))


@pytest.mark.parametrize("query", ["<!channel>", "<!here>", "<@U0OWNER01>", "a<b>c&d"])
def test_what_was_typed_never_pings_or_links(inventory: Session, query: str) -> None:
    text = json.dumps(who_blocks(who(inventory, query=query)))

    assert "<!" not in text
    assert "<@U0OWNER01>" not in text
    assert "&lt;" in text


def test_a_miss_says_did_you_mean(inventory: Session) -> None:
    text = json.dumps(who_blocks(who(inventory, query="openai-platfrom")))

    assert "Did you mean `openai-platform` (integration)" in text


def test_a_short_query_says_it_is_too_short(inventory: Session) -> None:
    text = json.dumps(who_blocks(who(inventory, query="ab")))

    assert "too short" in text


@dataclass
class _Counter:
    statements: list[str] = field(default_factory=list)


@pytest.mark.parametrize(
    "query", ["openai", "dev1@acme.com", "acme.com", "openai-platfrom", "Dev One", OWNER]
)
def test_every_answer_is_a_bounded_number_of_queries(inventory: Session, query: str) -> None:
    import sqlalchemy as sa

    counter = _Counter()
    engine = inventory.get_bind()

    def count(_c: object, _cur: object, statement: str, *_rest: object) -> None:
        counter.statements.append(statement)

    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        who(inventory, query=query)
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)

    assert len(counter.statements) <= 6
