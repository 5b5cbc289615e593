"""The Dockerfile's builder stage, carried out without Docker: its COPY instructions copy from
this checkout into a build directory, its ENV and ARG set the environment, and its RUN commands
run with `sh`, the image's two paths (the virtualenv and the working directory) moved into a
temporary directory. Then commands run from that virtualenv as a non-root user, as the image's
USER does. Under pytest-xdist the workers of one run share one build."""

from __future__ import annotations

import fcntl
import os
import pwd
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.packaging.dockerfile import ROOT, Dockerfile, Stage

NOT_COPIED = shutil.ignore_patterns("__pycache__", "*.pyc", "*.db", ".env")
# The image keeps no pip cache; here a warm one only makes the test quicker.
ENV_LEFT_OUT = {"PIP_NO_CACHE_DIR"}


def project_version() -> str:
    with (ROOT / "pyproject.toml").open("rb") as source:
        return str(tomllib.load(source)["project"]["version"])


@dataclass(frozen=True)
class ImagePaths:
    venv: str  # where the final stage copies the builder's virtualenv from
    workdir: str  # the builder's working directory, where the sources are copied


def image_paths(dockerfile: Dockerfile) -> ImagePaths:
    [copied] = [
        step.words() for step in dockerfile.final.all("COPY") if "--from=builder" in step.words()
    ]
    _, source, target = copied
    assert source == target, "the virtualenv must keep its path: its scripts name it"
    return ImagePaths(venv=source, workdir=dockerfile.stage("builder").one("WORKDIR").arguments)


def _moved(command: str, paths: ImagePaths, venv: Path, workdir: Path) -> str:
    command = command.replace(paths.venv, str(venv))
    return re.sub(rf"(?<![\w/.-]){re.escape(paths.workdir)}(?![\w.-])", str(workdir), command)


def _copy(words: list[str], workdir: Path) -> None:
    *sources, target = words
    for source in sources:
        origin = ROOT / source
        if origin.is_dir():
            shutil.copytree(origin, workdir / target, ignore=NOT_COPIED, dirs_exist_ok=True)
        else:
            destination = workdir / target
            destination.mkdir(parents=True, exist_ok=True)
            shutil.copy2(origin, destination / origin.name)


def _set_env(arguments: str, env: dict[str, str]) -> None:
    for pair in arguments.split():
        key, _, value = pair.partition("=")
        if key not in ENV_LEFT_OUT:
            env[key] = value


def _python_on_path(directory: Path) -> Path:
    """A directory with `python` in it, the interpreter this virtualenv was made from, as the
    base image has /usr/local/bin/python."""
    directory.mkdir()
    base = Path(getattr(sys, "_base_executable", sys.executable))
    (directory / "python").symlink_to(base if base.exists() else Path(sys.executable))
    return directory


def run_builder(stage: Stage, paths: ImagePaths, venv: Path, workdir: Path) -> None:
    """Every instruction of the builder stage in order; an unknown one fails the test, so a new
    step in the Dockerfile cannot go untried here."""
    workdir.mkdir(parents=True)
    shims = _python_on_path(workdir.parent / "base-python")
    env = {k: v for k, v in os.environ.items() if k not in {"VIRTUAL_ENV", "PYTHONPATH"}}
    env["PATH"] = f"{shims}{os.pathsep}{os.environ.get('PATH', '/usr/bin:/bin')}"
    for step in stage.instructions:
        if step.keyword == "COPY":
            _copy(step.words(), workdir)
        elif step.keyword == "ENV":
            _set_env(step.arguments, env)
        elif step.keyword == "ARG":
            assert step.arguments == "VERSION", step.arguments
            env["VERSION"] = project_version()  # what `make image` passes
        elif step.keyword == "RUN":
            command = _moved(step.arguments, paths, venv, workdir)
            subprocess.run(["sh", "-c", command], cwd=workdir, env=env, check=True, timeout=240)
        else:
            assert step.keyword == "WORKDIR", f"the test does not know {step.keyword} yet"


def non_root_user() -> pwd.struct_passwd | None:
    """The account to run as: nobody when we are root (CI is), else ourselves."""
    if os.geteuid() != 0:
        return None
    return pwd.getpwnam("nobody")


def as_user(command: list[str], user: pwd.struct_passwd | None) -> list[str]:
    if user is None:
        return command
    setpriv = shutil.which("setpriv")
    assert setpriv is not None, "setpriv (util-linux) is needed to drop root"
    ids = [f"--reuid={user.pw_uid}", f"--regid={user.pw_gid}", "--clear-groups"]
    return [setpriv, *ids, "--", *command]


def writable_by(directory: Path, user: pwd.struct_passwd | None) -> Path:
    directory.mkdir()
    if user is not None:
        os.chown(directory, user.pw_uid, user.pw_gid)
    return directory


SHARED = Path(tempfile.gettempdir())
PREFIX = "boundary-image-"


@contextmanager
def _locked() -> Iterator[None]:
    with (SHARED / f"{PREFIX}lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _remove_stale() -> None:
    for leftover in SHARED.glob(f"{PREFIX}*"):
        pid = leftover.name.removeprefix(PREFIX)
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(leftover, ignore_errors=True)


@contextmanager
def built_once(build: Callable[[Path], None]) -> Iterator[Path]:
    """A directory that `build` filled once for this test run: the xdist workers (children of
    one controller) share it, the last one out removes it, and a killed run's is removed by
    the next. Not pytest's tmp_path: that is private to root, and `nobody` must read it."""
    run = os.getppid() if os.environ.get("PYTEST_XDIST_WORKER") else os.getpid()
    root = SHARED / f"{PREFIX}{run}"
    users = root / "users"
    with _locked():
        _remove_stale()
        if not (root / "ready").exists():
            shutil.rmtree(root, ignore_errors=True)
            root.mkdir(mode=0o755)
            root.chmod(0o755)
            build(root)
            (root / "ready").touch()
        users.write_text(str(int(users.read_text() or 0) + 1 if users.exists() else 1))
    try:
        yield root
    finally:
        with _locked():
            left = int(users.read_text()) - 1
            users.write_text(str(left))
            if left == 0:
                shutil.rmtree(root, ignore_errors=True)
