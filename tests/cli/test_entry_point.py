"""The installed `boundary-bot` script: it is one package of small modules that each import on
their own, it prints its version, and an unreachable database is one line and exit code 2."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests.cli.conftest import Workspace

REPO = Path(__file__).resolve().parents[2]
CLI_MODULES = sorted(
    "bot.cli" if path.stem == "__init__" else f"bot.cli.{path.stem}"
    for path in (REPO / "bot" / "cli").glob("*.py")
)


@pytest.mark.parametrize("module", CLI_MODULES)
def test_each_cli_module_imports_on_its_own(module: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", f"import {module}"], capture_output=True, text=True, check=False
    )

    assert done.returncode == 0, done.stderr


def test_the_console_and_fail_are_defined_once_in_output() -> None:
    defining = {
        path.name
        for path in (REPO / "bot" / "cli").glob("*.py")
        if re.search(r"Console\(|^def fail\(", path.read_text(), re.MULTILINE)
    }

    assert defining == {"output.py"}
    assert not list((REPO / "bot").glob("cli_*.py"))


def test_version_prints_the_projects_version(workspace: Workspace) -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]

    done = workspace.run("--version")

    assert done.returncode == 0, done.stderr
    assert done.stdout == f"boundary-bot {project['version']}\n"


def test_an_unreachable_database_is_one_line_naming_host_and_port_not_the_password(
    workspace: Workspace,
) -> None:
    # Port 1 on loopback refuses at once: no server, and nothing to wait for.
    done = workspace.run("who", "x", DATABASE_URL="postgresql://nobody:s3cret@127.0.0.1:1/x")

    assert done.returncode == 2
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("error: cannot use the database at 127.0.0.1:1/x: ")
    assert "s3cret" not in done.stderr


def test_an_unopenable_sqlite_file_is_one_line_too(workspace: Workspace, tmp_path: Path) -> None:
    missing = tmp_path / "no-such-directory" / "bot.db"

    done = workspace.run("integration", "list", DATABASE_URL=f"sqlite:///{missing}")

    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        f"error: cannot use the database at {missing}: unable to open database file"
        " (check DATABASE_URL)"
    ]
