"""`boundary-bot evidence export|verify` as an operator's shell runs them: a campaign's package
(directory or zip) and the current state's, verified by the package's own verify.py and by
`evidence verify` with the same line; bad input is one line and exit 1 or 2, no traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.clock import ManualClock
from bot.runtime import Runtime
from bot.settings import Settings
from tests.bot.evidence_campaign import CAMPAIGN, build
from tests.cli.conftest import Workspace
from tests.conftest import ADMIN, NOW


@pytest.fixture
def reviewed(workspace: Workspace) -> Workspace:
    """The workspace's database with the evidence campaign in it, made in-process."""
    settings = Settings(
        _env_file=None, DATABASE_URL=workspace.env["DATABASE_URL"], BOUNDARY_ADMINS=ADMIN
    )  # type: ignore[call-arg]
    runtime = Runtime.build(settings, clock=ManualClock(NOW))
    runtime.ensure_schema()
    build(runtime, workspace.directory)
    runtime.engine.dispose()
    return workspace


def verify_py(package: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-I", "-S", str(package / "verify.py")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_export_prints_the_head_and_root_and_both_verifiers_agree(reviewed: Workspace) -> None:
    out = reviewed.ok("evidence", "export", "--campaign", CAMPAIGN, "--output", "package")

    by_script = verify_py(reviewed.directory / "package")
    by_cli = reviewed.run("evidence", "verify", "package")

    assert out.startswith("wrote package: 10 files, ")
    head = out.split("chain head ")[1].split()[0]
    root = out.split("population root ")[1].split()[0]
    assert by_script.returncode == by_cli.returncode == 0
    assert by_cli.stdout == by_script.stdout
    assert by_cli.stdout.startswith(f"PASS campaign {CAMPAIGN}: ")
    assert f"head {head}, population root {root}" in by_cli.stdout


def test_a_zip_verifies_in_place(reviewed: Workspace) -> None:
    reviewed.ok("evidence", "export", "--campaign", CAMPAIGN, "--output", "evidence.zip")

    done = reviewed.run("evidence", "verify", "evidence.zip")

    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith(f"PASS campaign {CAMPAIGN}: ")


def test_the_current_state_exports_and_verifies(reviewed: Workspace) -> None:
    reviewed.ok("evidence", "export", "--current", "--output", "now")

    done = reviewed.run("evidence", "verify", "now")

    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("PASS the current state: ")


def test_an_edited_package_fails_with_the_same_line_from_both(reviewed: Workspace) -> None:
    reviewed.ok("evidence", "export", "--campaign", CAMPAIGN, "--output", "package")
    decisions = reviewed.directory / "package" / "decisions.csv"
    decisions.write_text(decisions.read_text().replace("a tenant admin", "a tenant user"))

    by_script = verify_py(reviewed.directory / "package")
    by_cli = reviewed.run("evidence", "verify", "package")

    assert by_script.returncode == by_cli.returncode == 1
    assert by_cli.stdout == by_script.stdout
    assert by_cli.stdout.startswith("FAIL decisions.csv row 1 column reason: ")


@pytest.mark.parametrize(
    ("args", "code", "says"),
    [
        (("--campaign", "no-such-review", "--output", "p"), 1, "No campaign is called"),
        (("--campaign", CAMPAIGN, "--output", "full"), 1, "is not an empty directory"),
        (("--current", "--output", "a-file/p"), 1, "cannot write the package"),
        (("--campaign", CAMPAIGN, "--output", "nowhere/p.zip"), 1, "is not a directory"),
        (("--output", "p"), 2, "give one of --campaign NAME or --current"),
        (("--current", "--campaign", CAMPAIGN, "--output", "p"), 2, "give one of"),
    ],
)
def test_bad_input_is_one_line(
    workspace: Workspace, args: tuple[str, ...], code: int, says: str
) -> None:
    """The output is checked before anything is read, so no campaign is needed to refuse it."""
    (workspace.directory / "full").mkdir()
    (workspace.directory / "full" / "x").write_text("")
    (workspace.directory / "a-file").write_text("")

    done = workspace.run("evidence", "export", *args)

    assert done.returncode == code
    assert says in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert "Traceback" not in done.stderr


def test_verifying_a_path_that_does_not_exist_is_one_line(workspace: Workspace) -> None:
    done = workspace.run("evidence", "verify", "missing")

    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == ["error: missing does not exist"]
