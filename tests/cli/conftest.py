"""Fixtures for the CLI tests: a working directory with its own SQLite file, data put in through
the same app in-process (fast), and the installed `boundary-bot` run as a process (stdout a
pipe), which is what the tests assert on."""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from tests.support.processes import BOUNDARY_BOT

OWNER = "U0OWNER01"
# The configured operator (BOUNDARY_OPERATOR) every workspace's writes are credited to.
OPERATOR = "U0OPERATR"
# Settings a developer's shell may carry, and variables that make Rich treat a pipe as a terminal.
_DROPPED = ("SLACK_", "BOUNDARY_", "DATABASE_URL", "FORCE_COLOR", "TTY_", "COLUMNS", "LINES")


@dataclass(frozen=True)
class Workspace:
    directory: Path
    env: dict[str, str]

    def seed(self, *args: str) -> None:
        """Run one command in-process (to set data up); it must succeed."""
        result = CliRunner().invoke(app, list(args), env=self.env)
        assert result.exit_code == 0, result.output

    def run(self, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
        """The installed console script, as an operator's shell or a script runs it."""
        return subprocess.run(
            [str(BOUNDARY_BOT), *args],
            cwd=self.directory,
            env=self.env | env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    def ok(self, *args: str) -> str:
        done = self.run(*args)
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    def csv(self, name: str, text: str) -> str:
        path = self.directory / name
        path.write_text(text, encoding="utf-8")
        return str(path)


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Workspace:
    """A working directory of its own (no stray .env), a SQLite file in it, no Slack settings, a
    configured operator; the Slack Web API points at a closed loopback port, so nothing can
    reach slack.com."""
    monkeypatch.chdir(tmp_path)
    for name in list(os.environ):
        if name.startswith(_DROPPED):
            monkeypatch.delenv(name)
    env = {k: v for k, v in os.environ.items() if not k.startswith(_DROPPED)}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'bot.db'}"
    env["SLACK_API_URL"] = "http://127.0.0.1:9/api/"
    env["BOUNDARY_OPERATOR"] = OPERATOR
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return Workspace(tmp_path, env)


@pytest.fixture
def acme(workspace: Workspace) -> Workspace:
    """`acme-tenant` (application) with a person, an API key and two identities sharing an email,
    all with opaque external ids; and `openai-platform` (platform)."""
    workspace.seed("integration", "add", "openai-platform", "--layer", "platform",
                   "--owner", OWNER, "--sso", "enforced", "--scim", "enabled",
                   "--evidence", "https://tickets.example/SEC-1")  # fmt: skip
    workspace.seed("integration", "add", "acme-tenant", "--layer", "application", "--owner", OWNER)
    people = workspace.csv(
        "people.csv",
        "external_id,email,display_name,kind\n"
        "00u9f1c2a3b4,pat@acme.com,Pat Doe,human\n"
        "key-7d3e9a,,Deploy key,api_key\n"
        "00u111aaa,sam@acme.com,Sam (work),human\n"
        "00u222bbb,sam@acme.com,Sam (admin),human\n",
    )
    workspace.seed("import", "acme-tenant", "--csv", people)
    return workspace
