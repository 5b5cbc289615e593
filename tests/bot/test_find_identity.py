"""`review.find_identity`, the lookup every declare path uses: an external id first, then an
email (normalised), and an email that several identities of one integration share is refused
with their external ids; on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from bot.authorization import Actor
from bot.csv_import import import_csv
from bot.errors import Conflict, NotFound
from bot.identities import find_identity
from bot.integrations import register_integration
from storage.vocabulary import Layer
from tests.conftest import NOW

PEOPLE = (
    b"external_id,email,kind\n"
    b"00u1,pat@acme.com,human\n"
    b"00u2,sam@acme.com,human\n"
    b"00u3,sam@acme.com,human\n"
    b"kim@acme.com,lee@acme.com,human\n"
    b"svc@build,,service_account\n"
)


@pytest.fixture
def acme(session: Session, owner: Actor) -> Session:
    register_integration(session, actor=owner, name="acme-tenant", layer=Layer.APPLICATION, now=NOW)
    import_csv(session, actor=owner, integration_name="acme-tenant", data=PEOPLE, now=NOW)
    return session


def _found(session: Session, text: str) -> str:
    return find_identity(session, integration_name="acme-tenant", id_or_email=text).external_id


def test_an_email_finds_the_one_identity_with_it_whatever_its_case(acme: Session) -> None:
    assert _found(acme, " Pat@ACME.com ") == "00u1"


def test_an_external_id_wins_over_an_email(acme: Session) -> None:
    assert _found(acme, "kim@acme.com") == "kim@acme.com"
    assert _found(acme, "lee@acme.com") == "kim@acme.com"


def test_an_id_with_an_at_sign_that_is_no_email_is_found_by_id(acme: Session) -> None:
    assert _found(acme, "svc@build") == "svc@build"


def test_a_shared_email_is_refused_naming_every_external_id(acme: Session) -> None:
    with pytest.raises(Conflict) as refused:
        _found(acme, "sam@acme.com")

    assert str(refused.value) == (
        "`sam@acme.com` is the email of 2 identities of `acme-tenant` (00u2, 00u3);"
        " declare one by its external id."
    )


def test_neither_an_id_nor_an_email_of_the_integration_is_not_found(acme: Session) -> None:
    with pytest.raises(NotFound) as missing:
        _found(acme, "nobody@acme.com")

    assert str(missing.value) == "`acme-tenant` has no identity `nobody@acme.com`."
