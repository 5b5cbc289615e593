"""CSV import: upsert by external id, all or nothing, every bad row named by its line."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from sqlmodel import Session

from bot import validation
from bot.authorization import Actor
from bot.csv_import import CsvRejected, ImportResult, import_csv, parse_csv
from bot.errors import InvalidInput
from bot.integrations import register_integration
from bot.rules import add_rule
from bot.who import who
from storage.vocabulary import Answer, IdentityKind, IdentityStatus, Layer
from tests.conftest import NOW

GOOD = (
    b"external_id,email,display_name,kind,role,status,last_used_at\n"
    b"u1,Ann@Acme.com,Ann,human,admin,active,2026-11-01T08:00:00Z\n"
    b"key-1,,CI key,api_key,,active,2026-11-02\n"
    b"u2,bob@acme.com,,HUMAN,member,inactive,\n"
)


@pytest.fixture
def tenant(session: Session, owner: Actor) -> Session:
    register_integration(session, actor=owner, name="acme-tenant", layer=Layer.APPLICATION, now=NOW)
    return session


def _import(session: Session, owner: Actor, data: bytes) -> ImportResult:
    return import_csv(session, actor=owner, integration_name="acme-tenant", data=data, now=NOW)


def _identities(session: Session) -> list[tuple[object, ...]]:
    session.flush()
    query = "SELECT external_id, email, display_name, kind, role, status FROM identity ORDER BY 1"
    return [tuple(row) for row in session.execute(sa.text(query))]


def _problems(data: bytes) -> list[str]:
    with pytest.raises(CsvRejected) as rejected:
        parse_csv(data)
    return rejected.value.problems


def test_import_creates_identities_with_every_column(tenant: Session, owner: Actor) -> None:
    result = _import(tenant, owner, GOOD)

    assert (result.created, result.updated, result.unchanged) == (3, 0, 0)
    assert _identities(tenant) == [
        ("key-1", None, "CI key", "api_key", None, "active"),
        ("u1", "ann@acme.com", "Ann", "human", "admin", "active"),
        ("u2", "bob@acme.com", "bob@acme.com", "human", "member", "inactive"),
    ]
    [ann] = who(tenant, query="u1").identities
    assert ann.last_used_at == datetime(2026, 11, 1, 8, tzinfo=UTC)


def test_reimporting_the_same_file_changes_nothing(tenant: Session, owner: Actor) -> None:
    _import(tenant, owner, GOOD)
    before = _identities(tenant)

    again = _import(tenant, owner, GOOD)

    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert _identities(tenant) == before


def test_reimport_updates_changed_rows_by_external_id(tenant: Session, owner: Actor) -> None:
    _import(tenant, owner, GOOD)

    result = _import(tenant, owner, b"external_id,status,role\nu1,inactive,admin\nu3,active,\n")

    assert (result.created, result.updated, result.unchanged) == (1, 1, 0)
    rows = {row[0]: row for row in _identities(tenant)}
    assert len(rows) == 4
    # Columns the second file leaves out (email, display_name) keep their values.
    assert rows["u1"] == ("u1", "ann@acme.com", "Ann", "human", "admin", "inactive")


def test_import_applies_lane_rules_to_new_identities(tenant: Session, owner: Actor) -> None:
    add_rule(
        tenant,
        actor=owner,
        integration_name="acme-tenant",
        rule="domain:acme.com",
        answer=Answer.CUSTOMER,
        now=NOW,
    )

    result = _import(tenant, owner, GOOD)

    assert result.declared_by_rules == 1  # ann; bob is inactive, the key has no email
    assert who(tenant, query="u1").identities[0].rule == "domain:acme.com"


def test_columns_in_any_order_with_bom_and_crlf() -> None:
    rows = parse_csv("\ufeffKind, External_ID \r\nbot,b-1\r\n\r\n".encode())

    assert [(r.external_id, r.kind, r.status) for r in rows] == [
        ("b-1", IdentityKind.BOT, IdentityStatus.ACTIVE)
    ]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"external_id,email\n,a@b.com\n", "line 2: external_id is empty"),
        (b"external_id,email\nu1,not-an-email\n", "line 2: `not-an-email` is not a valid email"),
        (b"external_id,kind\nu1,robot\n", "line 2: kind `robot` is not one of human"),
        (b"external_id,status\nu1,gone\n", "line 2: status `gone` is not one of active"),
        (b"external_id,last_used_at\nu1,yesterday\n", "line 2: last_used_at `yesterday`"),
        (b"external_id,email\nu1\n", "line 2: 1 field, the header has 2"),
        (b"external_id\nu1\nu2\nu1\n", "line 4: external_id `u1` repeats line 2"),
        (b"external_id\nu\x001\n", "line 2: a field contains a NUL character"),
        (b"external_id\n" + b"x" * 200_000 + b"\n", "line 2: not readable as CSV"),
    ],
)
def test_each_kind_of_bad_row_is_named_by_its_line(data: bytes, expected: str) -> None:
    [problem] = _problems(data)

    assert problem.startswith(expected)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", "the file is empty"),
        (b"  \n\n", "the file is empty"),
        (b"external_id\n", "the file has a header but no rows"),
        (b"email,kind\na@b.com,human\n", "line 1: bad header: the required column external_id"),
        (b"external_id,colour\nu1,red\n", "line 1: bad header: 1 unknown column (colour)"),
        (
            b"external_id,email,email\nu1,a@b.c,a@b.c\n",
            "line 1: bad header: 1 repeated column (email)",
        ),
        ("external_id\nu1\nJos\xe9\n".encode("latin-1"), "line 3: not UTF-8 text"),
    ],
)
def test_file_level_problems_are_reported(data: bytes, expected: str) -> None:
    [problem] = _problems(data)

    assert problem.startswith(expected)


def test_every_bad_row_is_reported_not_just_the_first() -> None:
    problems = _problems(b"external_id,kind\nu1,robot\nu2,human\n,human\nu4,alien\n")

    assert [p.split(":")[0] for p in problems] == ["line 2", "line 4", "line 5"]


def test_one_bad_row_means_nothing_is_imported(tenant: Session, owner: Actor) -> None:
    _import(tenant, owner, GOOD)
    before = _identities(tenant)

    with pytest.raises(CsvRejected, match="Nothing was imported; 1 problem"):
        _import(tenant, owner, b"external_id,role\nu1,owner\nnew-1,member\nnew-2,member\nu1,x\n")

    assert _identities(tenant) == before


def test_rejection_message_is_capped_but_counts_everything() -> None:
    data = b"external_id,kind\n" + b"".join(b"u%d,robot\n" % n for n in range(80))

    with pytest.raises(CsvRejected) as rejected:
        parse_csv(data)

    assert rejected.value.total == 80
    assert str(rejected.value).endswith("… and 30 more")


# The email fast path: once a domain has been accepted, an address with a plain local part on
# that domain skips email-validator. It must answer exactly as the validator would, for every
# address, including those it has to reject.
_ACCEPTED_DOMAINS = ("acme.com", "Tenant.Example.COM", "xn--bcher-kva.example", "a-b.co")
_SAME_AS_VALIDATOR = [
    "ann@acme.com",
    "Ann.Lee+ops@acme.com",
    "o'neil_{x}~#$%&*=?^`|/-@acme.com",
    "Postmaster@Tenant.Example.COM",
    "reader@xn--bcher-kva.example",
    "x" * 245 + "@acme.com",
    "x" * 246 + "@acme.com",
    "x" * 232 + "@xn--bcher-kva.example",
    "x" * 233 + "@xn--bcher-kva.example",
    ".ann@acme.com",
    "ann.@acme.com",
    "an..n@acme.com",
    '"ann"@acme.com',
    '"a b"@acme.com',
    "Ann <ann@acme.com>",
    "ann@acme.com>",
    "an n@acme.com",
    "ann@@acme.com",
    "a@b@acme.com",
    "ann(x)@acme.com",
    "ann,lee@acme.com",
    "ann\\@acme.com",
    "änn@acme.com",
    "ann@acme.com.",
    "ann@ACME.com",
    "ann@acme.com ",
    "@acme.com",
    "ann@",
    "ann",
    "ann@localhost",
    "ann@host.local",
    "ann@acme.123",
    "ann@ab--c.com",
    "ann@-acme.com",
    "ann@[127.0.0.1]",
]


def _validator_answer(address: str) -> str:
    try:
        return validate_email(address.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as error:
        return f"`{validation.clip(address)}` is not a valid email: {error}"


def _our_answer(address: str) -> str:
    try:
        return validation.email(address)
    except InvalidInput as error:
        return str(error)


@pytest.mark.parametrize("address", _SAME_AS_VALIDATOR)
def test_email_answers_as_the_validator_once_the_domain_is_known(address: str) -> None:
    for domain in _ACCEPTED_DOMAINS:
        validation.email(f"warm-up@{domain}")

    assert _our_answer(address) == _validator_answer(address)


def test_email_fast_path_still_rejects_an_address_too_long_for_its_known_domain() -> None:
    validation.email("warm-up@acme.com")

    with pytest.raises(InvalidInput, match="too long"):
        validation.email("x" * 246 + "@acme.com")


def test_a_file_of_one_tenant_keeps_every_email_check() -> None:
    rows = [f"u{n},person{n}@tenant.example.com" for n in range(50)]
    rows[30] = "u30,person..30@tenant.example.com"
    rows[40] = "u40,person40@tenant.example.com@evil.com"

    problems = _problems(("external_id,email\n" + "\n".join(rows) + "\n").encode())

    assert [p.split(":")[0] for p in problems] == ["line 32", "line 42"]
