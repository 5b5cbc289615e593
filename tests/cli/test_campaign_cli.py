"""A campaign end to end from the terminal: start, status as JSON, decide, keep the rest,
delegate, sign off, close; every write credited to the operator; bad input is one line."""

from __future__ import annotations

import json

from tests.cli.conftest import OPERATOR, Workspace

# Far enough ahead that the test does not depend on the day it runs.
DUE = "2099-12-31"


def _status(acme: Workspace) -> dict[str, object]:
    [campaign] = json.loads(acme.ok("campaign", "status", "q1", "--format", "json"))
    return campaign  # type: ignore[no-any-return]


def test_a_campaign_runs_from_start_to_close(acme: Workspace) -> None:
    started = acme.ok("campaign", "start", "q1", "--due", DUE, "--integration", "acme-tenant")
    assert "started q1: 4 identities in 1 integrations" in started
    assert "population root " in started

    acme.ok("campaign", "decide", "q1", "acme-tenant", "pat@acme.com", "change",
            "--lane", "customer", "--reason", "tenant admin")  # fmt: skip
    acme.ok("campaign", "delegate", "q1", "acme-tenant", "U0REVIEW1", "--identity", "key-7d3e9a")
    acme.ok("campaign", "decide", "q1", "acme-tenant", "00u111aaa", "remove", "--reason", "dup")
    kept = acme.ok("campaign", "keep-rest", "q1", "acme-tenant")
    assert "kept 0 in acme-tenant" in kept
    assert "2 identities without a lane to keep" in kept
    early = acme.run("campaign", "signoff", "q1", "acme-tenant")
    assert early.returncode == 1
    assert early.stderr.strip() == (
        "error: `acme-tenant` still has 2 items to decide before it can be signed off."
    )

    status = _status(acme)
    assert (status["decided"], status["population"], status["state"]) == (2, 4, "open")
    [row] = status["integrations"]  # type: ignore[misc]
    assert (row["decided"], row["total"], row["signed_off_by"]) == (2, 4, None)

    closed = acme.ok("campaign", "close", "q1", "--rule", "escalate")
    assert "closed q1: 2 of 4 decided" in closed
    assert "unreviewed: acme-tenant (owner U0OWNER01): 2" in closed
    assert _status(acme)["close_rule"] == "escalate"
    assert acme.ok("audit", "verify").startswith("OK ")


def test_a_signed_off_integration_is_locked(acme: Workspace) -> None:
    acme.ok("campaign", "start", "q1", "--due", DUE, "--integration", "acme-tenant")
    for identity in ("00u9f1c2a3b4", "key-7d3e9a", "00u111aaa", "00u222bbb"):
        acme.ok("campaign", "decide", "q1", "acme-tenant", identity, "remove", "--reason", "x")

    assert "signed off (4 decided)" in acme.ok("campaign", "signoff", "q1", "acme-tenant")
    late = acme.run("campaign", "decide", "q1", "acme-tenant", "key-7d3e9a", "keep")
    assert late.returncode == 1
    assert "locked" in late.stderr
    [row] = _status(acme)["integrations"]  # type: ignore[misc]
    assert row["signed_off_by"] == OPERATOR


def test_bad_campaign_input_is_one_line_and_writes_nothing(acme: Workspace) -> None:
    for args, code, says in (
        (("campaign", "start", "q1", "--due", "someday"), 2, "--due"),
        (("campaign", "start", "q1", "--due", "2020-01-01"), 1, "already past"),
        (("campaign", "start", "q1", "--due", DUE, "--integration", "nope"), 1, "nope"),
        (("campaign", "status", "nope"), 1, "No campaign is called `nope`"),
        (("campaign", "decide", "nope", "acme-tenant", "x", "keep"), 1, "No campaign"),
    ):
        done = acme.run(*args)
        assert (done.returncode, done.stdout) == (code, ""), done.stderr
        assert says in done.stderr
        assert len(done.stderr.strip().splitlines()) == 1
        assert "Traceback" not in done.stderr
    assert acme.ok("campaign", "status", "--format", "json").strip() == "[]"


def test_a_campaign_write_needs_a_named_operator(acme: Workspace) -> None:
    done = acme.run("campaign", "start", "q1", "--due", DUE, BOUNDARY_OPERATOR="")

    assert done.returncode == 2
    assert "needs a named person" in done.stderr
