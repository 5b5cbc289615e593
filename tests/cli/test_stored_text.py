"""Stored text is data: external ids and display names that look like Rich markup or emoji
codes print literally in every CLI output (tables, tsv, lines and errors), never as a
MarkupError traceback."""

from __future__ import annotations

import pytest

from tests.cli.conftest import OWNER, Workspace

MARKUP_ID = "[/bold]"
MARKUP_NAME = "[red]x[/red] :thumbsup:"


@pytest.fixture
def odd(workspace: Workspace) -> Workspace:
    workspace.seed("integration", "add", "acme-tenant", "--layer", "application", "--owner", OWNER)
    people = workspace.csv(
        "people.csv", f"external_id,display_name\n{MARKUP_ID},{MARKUP_NAME}\n[b]svc,\n"
    )
    workspace.seed("import", "acme-tenant", "--csv", people)
    return workspace


@pytest.mark.parametrize("output_format", ["table", "tsv"])
def test_who_prints_markup_like_values_literally(odd: Workspace, output_format: str) -> None:
    out = odd.ok("who", MARKUP_ID, "--format", output_format)

    assert MARKUP_NAME in out


@pytest.mark.parametrize("output_format", ["table", "tsv"])
def test_gaps_print_markup_like_values_literally(odd: Workspace, output_format: str) -> None:
    out = odd.ok("gaps", "--format", output_format)

    assert MARKUP_NAME in out
    assert "[b]svc" in out


def test_declare_echoes_a_markup_like_id_literally(odd: Workspace) -> None:
    out = odd.ok("declare", "acme-tenant", MARKUP_ID, "workforce", "--note", "[i]ops[/i]")

    assert out == f"{MARKUP_ID} is now workforce\n"


def test_sweep_plan_table_prints_markup_like_names_literally(odd: Workspace) -> None:
    # Staff in a customer tenant: the most urgent item, so the table names this identity.
    odd.seed("declare", "acme-tenant", MARKUP_ID, "workforce")

    out = odd.ok("sweep", "--dry-run", "--format", "table")

    assert f"acme-tenant {MARKUP_NAME}: lane-mismatch" in out


def test_errors_quote_markup_like_input_literally_on_one_line(odd: Workspace) -> None:
    missing = odd.run("declare", "acme-tenant", "[red]nope[/red]", "customer")
    unknown = odd.run("sync", MARKUP_ID)

    assert (missing.returncode, unknown.returncode) == (1, 1)
    assert missing.stderr == "error: `acme-tenant` has no identity `[red]nope[/red]`.\n"
    assert unknown.stderr == f"error: No integration is called `{MARKUP_ID}`.\n"
