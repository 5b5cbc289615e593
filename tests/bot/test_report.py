"""The evidence report: every identity with lane, declarer, time, note, and the open gaps."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from importlib.metadata import version

import pytest
from sqlmodel import Session

from bot.authorization import Actor
from bot.declarations import declare
from bot.errors import NotFound
from bot.identities import add_identity
from bot.integrations import register_integration
from bot.report import IDENTITY_FIELDS, build_report, render_csv, render_json
from storage.models import Identity
from storage.vocabulary import Answer, IdentityKind, Layer, ScimStatus, Source, SsoStatus
from tests.conftest import NOW, OWNER


@pytest.fixture
def evidence(session: Session, owner: Actor) -> Session:
    register_integration(
        session,
        actor=owner,
        name="openai-platform",
        layer=Layer.PLATFORM,
        sso=SsoStatus.ENFORCED,
        scim=ScimStatus.ENABLED,
        now=NOW,
    )
    register_integration(
        session,
        actor=owner,
        name="acme-tenant",
        layer=Layer.APPLICATION,
        sso=SsoStatus.ENFORCED,
        now=NOW,
    )
    key = add_identity(
        session,
        actor=owner,
        integration_name="openai-platform",
        id_or_email="key-prod",
        kind=IdentityKind.API_KEY,
        now=NOW,
    )
    declare(
        session,
        actor=owner,
        identity_id=key.id or 0,
        answer=Answer.WORKFORCE,
        note="deploy key, rotated monthly",
        now=NOW - timedelta(days=3),
    )
    add_identity(
        session, actor=owner, integration_name="acme-tenant", id_or_email="c@acme.com", now=NOW
    )
    return session


def _csv_sections(text: str) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    identities, _, integration_gaps = text.partition("\n\n")
    return (
        list(csv.DictReader(io.StringIO(identities))),
        list(csv.DictReader(io.StringIO(integration_gaps))),
    )


def test_csv_report_has_every_identity_with_lane_declarer_time_note_and_gaps(
    evidence: Session,
) -> None:
    report = build_report(evidence, review_days=90, now=NOW)

    identities, integration_gaps = _csv_sections(render_csv(evidence, report))

    assert list(identities[0]) == list(IDENTITY_FIELDS)
    by_id = {row["external_id"]: row for row in identities}
    assert set(by_id) == {"key-prod", "c@acme.com"}
    key = by_id["key-prod"]
    assert (key["integration"], key["lane"], key["declared_by"], key["note"]) == (
        "openai-platform",
        "workforce",
        OWNER,
        "deploy key, rotated monthly",
    )
    assert key["declared_at"] == (NOW - timedelta(days=3)).isoformat()
    assert key["open_gaps"] == ""
    assert (by_id["c@acme.com"]["lane"], by_id["c@acme.com"]["open_gaps"]) == ("", "undeclared")
    assert [(g["kind"], g["integration"]) for g in integration_gaps] == [("scim", "acme-tenant")]


def test_json_report_carries_the_chain_head_identities_and_gaps(evidence: Session) -> None:
    report = build_report(evidence, review_days=90, now=NOW)

    document = json.loads(render_json(evidence, report))

    assert document["generated_by"] == f"boundary-bot {version('boundary-bot')}"
    assert document["audit_chain"]["ok"] is True
    assert document["audit_chain"]["declarations"] == 1
    assert len(document["audit_chain"]["head"]) == 64
    assert document["integrations"] == ["acme-tenant", "openai-platform"]
    assert [(i["external_id"], i["lane"]) for i in document["identities"]] == [
        ("c@acme.com", ""),
        ("key-prod", "workforce"),
    ]
    assert sorted(g["kind"] for g in document["gaps"]) == ["scim", "undeclared"]


def test_report_for_one_integration_holds_only_its_identities(evidence: Session) -> None:
    report = build_report(evidence, review_days=90, integration="OpenAI-Platform", now=NOW)

    document = json.loads(render_json(evidence, report))

    assert document["integrations"] == ["openai-platform"]
    assert [i["external_id"] for i in document["identities"]] == ["key-prod"]
    assert document["gaps"] == []


def test_report_for_an_unknown_integration_is_not_found(evidence: Session) -> None:
    with pytest.raises(NotFound):
        build_report(evidence, review_days=90, integration="nope", now=NOW)


def test_a_stale_lane_shows_in_the_identity_row(evidence: Session) -> None:
    report = build_report(evidence, review_days=1, now=NOW)

    identities, _ = _csv_sections(render_csv(evidence, report))

    assert {r["external_id"]: r["open_gaps"] for r in identities}["key-prod"] == "stale"


def test_each_key_row_carries_what_its_source_reports_and_never_for_no_expiry(
    evidence: Session,
) -> None:
    platform = register_integration(
        evidence, actor=Actor(OWNER), name="claude-platform", layer=Layer.PLATFORM, now=NOW
    )
    evidence.add(
        Identity(
            integration_id=platform.id or 0,
            external_id="apikey_org",
            kind=IdentityKind.API_KEY,
            role="organization: api key",
            owned_by="user_01",
            source=Source.ANTHROPIC,
            source_created_at=NOW - timedelta(days=30),
            container="organization",
            first_seen_at=NOW,
            last_seen_at=NOW,
        )
    )
    evidence.flush()
    report = build_report(evidence, review_days=90, now=NOW)

    identities, _ = _csv_sections(render_csv(evidence, report))
    document = json.loads(render_json(evidence, report))

    by_id = {row["external_id"]: row for row in identities}
    org = by_id["apikey_org"]
    assert (org["owned_by"], org["created_at"], org["expires_at"], org["container"]) == (
        "user_01",
        (NOW - timedelta(days=30)).isoformat(),
        "never",  # Anthropic reports expiry: none means the key never expires
        "organization",
    )
    assert (org["last_used_at"], org["scopes"]) == ("", "")
    assert by_id["key-prod"]["expires_at"] == ""  # added by hand: expiry unknown
    assert "admin-key" in org["open_gaps"].split()
    [as_json] = [i for i in document["identities"] if i["external_id"] == "apikey_org"]
    assert as_json == org
