"""`identities.names_by_external_id` (what the CLI shows identities by) and
`identities.with_email` (declare by email) answer the same on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlmodel import Session

from bot.authorization import Actor
from bot.csv_import import import_csv
from bot.integrations import get_integration, register_integration
from storage import identities
from storage.vocabulary import Layer
from tests.conftest import NOW

PEOPLE = (
    b"external_id,email,display_name\n"
    b"00u1,pat@acme.com,Pat\n"
    b"00u2,,Build bot\n"
    b"00u3,pat@acme.com,Pat (admin)\n"
)


def _acme(session: Session, owner: Actor, name: str = "acme-tenant") -> None:
    register_integration(session, actor=owner, name=name, layer=Layer.APPLICATION, now=NOW)
    import_csv(session, actor=owner, integration_name=name, data=PEOPLE, now=NOW)


def test_names_are_keyed_by_integration_and_external_id(session: Session, owner: Actor) -> None:
    _acme(session, owner)
    _acme(session, owner, "globex-tenant")

    found = identities.names_by_external_id(
        session, keys={("acme-tenant", "00u1"), ("globex-tenant", "00u2"), ("acme-tenant", "nope")}
    )

    assert {key: (row.email, row.display_name) for key, row in found.items()} == {
        ("acme-tenant", "00u1"): ("pat@acme.com", "Pat"),
        ("globex-tenant", "00u2"): (None, "Build bot"),
    }


def test_names_of_no_keys_is_empty(session: Session) -> None:
    assert identities.names_by_external_id(session, keys=set()) == {}


def test_with_email_lists_the_integrations_identities_with_it(
    session: Session, owner: Actor
) -> None:
    _acme(session, owner)
    _acme(session, owner, "globex-tenant")
    acme_id = get_integration(session, "acme-tenant").id or 0

    found = identities.with_email(session, integration_id=acme_id, email="pat@acme.com")

    assert [(i.integration_id, i.external_id) for i in found] == [
        (acme_id, "00u1"),
        (acme_id, "00u3"),
    ]
