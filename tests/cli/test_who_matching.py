"""`boundary-bot who` finds what people type, in every format: a prefix, a domain, an
integration's lanes and gaps, repeated emails with their ids, and a miss that suggests."""

from __future__ import annotations

import json

from tests.cli.conftest import Workspace


def _tsv(out: str) -> list[dict[str, str]]:
    header, *rows = (line.split("\t") for line in out.splitlines())
    return [dict(zip(header, row, strict=True)) for row in rows]


def test_a_prefix_of_one_integration_is_its_row_with_lanes_and_open_gaps(acme: Workspace) -> None:
    [row] = _tsv(acme.ok("who", "acme"))

    assert row["name"] == "acme-tenant"
    # Four active identities, none declared: every one is an undeclared gap, and more.
    assert (row["workforce"], row["customer"], row["remove"], row["undeclared"]) == (
        "0",
        "0",
        "0",
        "4",
    )
    assert int(row["open_gaps"]) >= 4


def test_a_domain_as_json_carries_every_identity_field(acme: Workspace) -> None:
    found = json.loads(acme.ok("who", "@acme.com", "--format", "json"))

    assert (found["kind"], found["query"]) == ("domain", "acme.com")
    assert sorted(i["external_id"] for i in found["identities"]) == [
        "00u111aaa",
        "00u222bbb",
        "00u9f1c2a3b4",
    ]
    details = ("owned_by", "source_created_at", "last_used_at", "expires_at", "scopes", "container")
    assert all(set(details) <= set(i) for i in found["identities"])


def test_a_prefix_as_tsv_says_why_each_row_is_there(acme: Workspace) -> None:
    rows = _tsv(acme.ok("who", "Sam"))

    assert [(r["match"], r["external_id"]) for r in rows] == [
        ("prefix", "00u111aaa"),
        ("prefix", "00u222bbb"),
    ]
    assert "container" in rows[0]


def test_a_table_shows_the_external_id_when_emails_repeat(acme: Workspace) -> None:
    out = acme.ok("who", "sam@acme.com", "--format", "table")

    assert "00u111aaa" in out
    assert "00u222bbb" in out


def test_a_miss_exits_1_and_suggests(acme: Workspace) -> None:
    done = acme.run("who", "acme-tenat")

    assert done.returncode == 1
    assert "did you mean: acme-tenant (integration)" in done.stderr


def test_a_short_or_wildcard_query_matches_nothing(acme: Workspace) -> None:
    short = acme.run("who", "ac")
    wildcards = acme.run("who", "%%%")

    assert (short.returncode, wildcards.returncode) == (1, 1)
    assert "too short" in short.stderr
    assert "nothing matches `%%%`" in wildcards.stderr
