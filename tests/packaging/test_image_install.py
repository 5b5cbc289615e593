"""The image's install, carried out here without Docker (tests/packaging/image_install.py runs
the Dockerfile's builder stage as written): a fresh virtualenv gets exactly the runtime lock
and the project, no test, lint or browser tool; run from it as a non-root user, `boundary-bot`
prints pyproject.toml's version, migrates a SQLite file once, starts the playground, and in
HTTP mode answers /healthz and passes the Dockerfile's own HEALTHCHECK command."""

from __future__ import annotations

import json
import os
import pwd
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from packaging.utils import canonicalize_name

from bot.playground.standin import SlackStandIn
from tests.packaging.dockerfile import read_dockerfile
from tests.packaging.image_install import (
    as_user,
    built_once,
    image_paths,
    non_root_user,
    project_version,
    run_builder,
    writable_by,
)
from tests.packaging.locks import DEV_TOOLS, pins_for_linux, read_export
from tests.support.processes import free_port

pytestmark = pytest.mark.e2e
TOKEN = "xoxb-image-test"


@dataclass(frozen=True)
class Image:
    venv: Path
    home: Path  # writable by `user`, as the image's WORKDIR is by its USER
    user: pwd.struct_passwd | None

    def env(self, **settings: str) -> dict[str, str]:
        """What the image's ENV gives a process (its PATH first), and no setting of ours."""
        path = f"{self.venv / 'bin'}{os.pathsep}/usr/local/bin:/usr/bin:/bin"
        return {"PATH": path, "HOME": str(self.home), "LANG": "C.UTF-8", **settings}

    def run(self, *args: str, **settings: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            as_user([str(self.venv / "bin" / "boundary-bot"), *args], self.user),
            cwd=self.home,
            env=self.env(**settings),
            capture_output=True,
            text=True,
            timeout=60,
        )

    def start(self, *args: str, **settings: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            as_user([str(self.venv / "bin" / "boundary-bot"), *args], self.user),
            cwd=self.home,
            env=self.env(**settings),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )


def _build(root: Path) -> None:
    dockerfile = read_dockerfile()
    run_builder(dockerfile.stage("builder"), image_paths(dockerfile), root / "venv", root / "src")
    writable_by(root / "home", non_root_user())


@pytest.fixture(scope="session")
def image() -> Iterator[Image]:
    with built_once(_build) as root:
        yield Image(venv=root / "venv", home=root / "home", user=non_root_user())


def _stop(process: subprocess.Popen[str]) -> str:
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return process.stdout.read() if process.stdout else ""


def test_the_image_installs_the_runtime_lock_and_no_development_tool(image: Image) -> None:
    listed = subprocess.run(
        [str(image.venv / "bin" / "python"), "-m", "pip", "list", "--format", "json"],
        capture_output=True,
        text=True,
        check=True,
    )
    installed = {canonicalize_name(item["name"]) for item in json.loads(listed.stdout)}
    locked = set(pins_for_linux(read_export("runtime"))) | set(read_export("build"))

    assert installed & DEV_TOOLS == set()
    assert installed == locked | {"boundary-bot"}


def test_as_a_non_root_user_it_prints_pyprojects_version(image: Image) -> None:
    done = image.run("--version")

    assert done.returncode == 0, done.stderr
    assert done.stdout == f"boundary-bot {project_version()}\n"


def test_the_commands_here_run_as_a_user_who_is_not_root(image: Image) -> None:
    uid = subprocess.run(as_user(["id", "-u"], image.user), capture_output=True, text=True)

    assert uid.returncode == 0, uid.stderr
    assert int(uid.stdout) != 0


def test_as_a_non_root_user_db_upgrade_migrates_a_sqlite_file_once(image: Image) -> None:
    database = f"sqlite:///{image.home / 'upgrade.db'}"

    first = image.run("db", "upgrade", DATABASE_URL=database)
    again = image.run("db", "upgrade", DATABASE_URL=database)

    assert first.returncode == 0, first.stderr
    assert "migrations applied" in first.stdout
    assert "(0 " not in first.stdout
    assert again.returncode == 0, again.stderr
    assert "(0 migrations applied)" in again.stdout


def test_the_playground_starts_from_the_runtime_install_alone(image: Image) -> None:
    process = image.start("playground", "--port", "0", "--directory", str(image.home / "pg"))
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline() for _ in range(2)]
        address = lines[1].split()[1]
        page = httpx.get(address, timeout=10)
    finally:
        rest = _stop(process)

    assert lines[0].startswith("Starting the boundary-bot playground"), [*lines, rest]
    assert page.status_code == 200
    assert process.returncode == 0, rest


def _wait_for(url: str, process: subprocess.Popen[str], timeout: float = 30) -> httpx.Response:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the bot exited ({process.returncode}):\n{_stop(process)}")
        try:
            return httpx.get(url, timeout=5)
        except httpx.TransportError:
            time.sleep(0.1)
    raise TimeoutError(f"no answer at {url}:\n{_stop(process)}")


def test_http_mode_answers_healthz_and_passes_the_images_healthcheck(image: Image) -> None:
    healthcheck = read_dockerfile().final.one("HEALTHCHECK")
    command = healthcheck.exec_form(after="CMD")
    port = str(free_port())
    settings = {
        "DATABASE_URL": f"sqlite:///{image.home / 'http.db'}",
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_SIGNING_SECRET": "image-signing-secret",
        "PORT": port,
    }
    with SlackStandIn(token=TOKEN) as standin:
        process = image.start("run", SLACK_API_URL=standin.api_url, **settings)
        try:
            health = _wait_for(f"http://127.0.0.1:{port}/healthz", process)
            checked = subprocess.run(
                as_user(command, image.user),
                env=image.env(PORT=port),
                capture_output=True,
                text=True,
                timeout=10,
            )
        finally:
            log = _stop(process)

    assert health.status_code == 200, log
    assert checked.returncode == 0, f"{healthcheck.arguments}\n{checked.stderr}\n{log}"
