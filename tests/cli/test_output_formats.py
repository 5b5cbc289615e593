"""`--format table|json|tsv` on `who`, `integration list`, `gaps` and `sweep --dry-run`, and
`audit verify`'s one line: piped output is whole (no cell cut, no line wrapped), tsv is a
header then one escaped line per row, and json has stable keys."""

from __future__ import annotations

import json

from tests.cli.conftest import OWNER, Workspace

# Long enough that any 80-column rendering would have to cut it.
LONG = "openai-platform-of-the-research-organisation-in-the-eu-region"
INTEGRATION_KEYS = ["name", "layer", "owner", "owner_active", "backup_owner", "channel", "sso",
                    "scim"]  # fmt: skip


def _long_integration(workspace: Workspace) -> None:
    workspace.seed("integration", "add", LONG, "--layer", "platform", "--owner", OWNER,
                   "--backup", "U0BACKUP01", "--channel", "C0SECURITY", "--sso", "enforced",
                   "--scim", "platform-only", "--evidence", "https://t.example/1")  # fmt: skip


def test_piped_integration_list_defaults_to_tsv_with_whole_values(workspace: Workspace) -> None:
    _long_integration(workspace)

    out = workspace.ok("integration", "list")

    assert out.splitlines() == [
        "\t".join(INTEGRATION_KEYS),
        f"{LONG}\tplatform\t{OWNER}\ttrue\tU0BACKUP01\tC0SECURITY\tenforced\tplatform-only",
    ]


def test_a_table_on_a_pipe_cuts_no_cell(workspace: Workspace) -> None:
    _long_integration(workspace)

    out = workspace.ok("integration", "list", "--format", "table")

    assert LONG in out
    assert "platform-only" in out
    assert "…" not in out


def test_integration_list_as_json_is_a_list_of_objects_with_stable_keys(
    workspace: Workspace,
) -> None:
    _long_integration(workspace)

    found = json.loads(workspace.ok("integration", "list", "--format", "json"))

    assert [list(item) for item in found] == [INTEGRATION_KEYS]
    assert found[0]["name"] == LONG
    assert found[0]["owner_active"] is True


def test_tsv_escapes_tab_newline_and_backslash_in_values(workspace: Workspace) -> None:
    workspace.seed("integration", "add", "acme-tenant", "--layer", "application", "--owner", OWNER)
    people = workspace.csv("people.csv", 'external_id,display_name\nodd-1,"a\tb\nc\\d"\n')
    workspace.seed("import", "acme-tenant", "--csv", people)

    lines = workspace.ok("who", "odd-1").splitlines()

    assert len(lines) == 2
    header, row = (line.split("\t") for line in lines)
    assert dict(zip(header, row, strict=True))["display_name"] == "a\\tb\\nc\\\\d"


def test_who_as_json_is_one_object_with_every_key(acme: Workspace) -> None:
    found = json.loads(acme.ok("who", "pat@acme.com", "--format", "json"))

    assert list(found) == [
        "query",
        "kind",
        "integration",
        "summary",
        "owned",
        "identities",
        "owned_identities",
        "integrations",
        "suggestions",
        "more",
    ]
    assert found["kind"] == "email"
    assert [(i["external_id"], i["lane"]) for i in found["identities"]] == [("00u9f1c2a3b4", None)]


def test_who_for_a_user_is_one_tsv_row_per_integration(acme: Workspace) -> None:
    lines = acme.ok("who", OWNER).splitlines()

    assert lines[0].split("\t")[:3] == ["name", "role", "layer"]
    assert sorted(line.split("\t")[0] for line in lines[1:]) == ["acme-tenant", "openai-platform"]


def test_gaps_as_tsv_and_json_give_the_same_rows(acme: Workspace) -> None:
    tsv = acme.ok("gaps").splitlines()
    found = json.loads(acme.ok("gaps", "--format", "json"))

    header = tsv[0].split("\t")
    assert header == ["kind", "integration", "identity", "external_id", "owner", "backup_owner",
                      "detail"]  # fmt: skip
    assert [list(gap) for gap in found] == [header] * len(found)
    assert [line.split("\t")[0] for line in tsv[1:]] == [gap["kind"] for gap in found]


def test_sweep_dry_run_as_tsv_and_json(acme: Workspace) -> None:
    tsv = acme.run("sweep", "--dry-run")
    document = acme.run("sweep", "--dry-run", "--format", "json")

    assert tsv.returncode == 0, tsv.stderr
    assert tsv.stdout.splitlines()[0].split("\t") == [
        "owner", "cycle", "open", "by_kind", "most_urgent_kind", "most_urgent_integration",
        "most_urgent_identity", "escalate",
    ]  # fmt: skip
    assert tsv.stdout.splitlines()[1].startswith(f"{OWNER}\t")
    # The summary is for people: on stderr, so stdout stays data.
    assert tsv.stderr == "would send 1 digest; nothing was sent\n"
    (digest,) = json.loads(document.stdout)
    assert list(digest) == ["owner", "cycle", "open", "by_kind", "items", "escalate"]
    assert digest["open"] == sum(digest["by_kind"].values())


def test_audit_verify_prints_the_whole_head_hash_on_one_line_and_as_json(
    acme: Workspace,
) -> None:
    acme.seed("rule", "acme-tenant", "kind:api_key", "workforce")

    line = acme.ok("audit", "verify")
    document = json.loads(acme.ok("audit", "verify", "--format", "json"))

    assert document["ok"] is True
    # Two registrations, the two claims made at registration, the import and the rule.
    assert (document["count"], document["declarations"], document["events"]) == (7, 1, 6)
    assert len(document["head"]) == 64
    assert line == f"OK 1 declarations, 6 events, head {document['head']}\n"
