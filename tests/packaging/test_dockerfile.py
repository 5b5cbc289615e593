"""The Dockerfile says what docs/container.md promises, read without a Docker engine: two stages
of one python:3.11-slim, the final one copying only the builder's virtualenv, installing no
compiler, running as a non-root user, labelled with pyproject.toml's version and checking
readiness on a path the bot serves; the build context holds what the builder copies and no
secret, and `make image` passes the version."""

from __future__ import annotations

import re
import subprocess

from tests.packaging.dockerfile import ROOT, read_dockerfile
from tests.packaging.image_install import image_paths, project_version

COMPILERS = ("gcc", "g++", "clang", "build-essential", "apt-get", "apt ")


def test_both_stages_are_one_python_3_11_slim_image() -> None:
    dockerfile = read_dockerfile()

    assert dockerfile.global_args["PYTHON_IMAGE"] == "python:3.11-slim"
    assert [stage.base for stage in dockerfile.stages] == ["${PYTHON_IMAGE}"] * 2
    assert dockerfile.stages[0].name == "builder"


def test_the_final_stage_copies_only_the_virtualenv_and_installs_no_compiler() -> None:
    final = read_dockerfile().final
    venv = image_paths(read_dockerfile()).venv

    assert [step.words() for step in final.all("COPY")] == [["--from=builder", venv, venv]]
    for step in final.all("RUN"):
        assert not any(word in step.arguments for word in COMPILERS), step.arguments


def test_the_image_runs_boundary_bot_as_a_user_who_is_not_root() -> None:
    final = read_dockerfile().final
    user = final.one("USER").arguments

    assert user.split(":")[0] not in {"root", "0"}
    assert f"--uid {user.split(':')[0]}" in final.one("RUN").arguments
    assert final.one("ENTRYPOINT").exec_form() == ["boundary-bot"]
    assert final.one("CMD").exec_form() == ["run"]


def test_the_version_label_comes_from_the_build_argument_that_the_build_checks() -> None:
    dockerfile = read_dockerfile()
    labels = dockerfile.final.one("LABEL").arguments
    check = dockerfile.stage("builder").all("RUN")[-1].arguments

    assert 'org.opencontainers.image.version="${VERSION}"' in labels
    assert "ARG VERSION" in {f"ARG {step.arguments}" for step in dockerfile.final.all("ARG")}
    assert '"boundary-bot ${VERSION}"' in check
    assert "--version" in check


def test_the_healthcheck_asks_for_readiness_on_a_path_the_bot_serves() -> None:
    command = read_dockerfile().final.one("HEALTHCHECK").exec_form(after="CMD")
    [path] = re.findall(r"/[a-z]+(?=')", command[-1])
    serving = [p for p in (ROOT / "bot").glob("*.py") if f'"{path}"' in p.read_text()]

    assert path == "/readyz"
    assert serving, f"no module of bot/ names {path}"


def test_the_build_context_holds_what_the_builder_copies_and_no_secret() -> None:
    ignored = (ROOT / ".dockerignore").read_text().splitlines()
    kept = {line[1:].rstrip("/") for line in ignored if line.startswith("!")}
    copied = {
        source.rstrip("/")
        for step in read_dockerfile().stage("builder").all("COPY")
        for source in step.words()[:-1]
    }
    rules = [line for line in ignored if line and not line.startswith("#")]

    assert rules[0] == "*", "everything is left out unless named"
    assert kept == copied
    assert "**/.env" in ignored


def test_make_image_passes_pyprojects_version_and_tags_the_image_with_it() -> None:
    planned = subprocess.run(
        ["make", "--dry-run", "--no-print-directory", "image"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    assert f"--build-arg VERSION={project_version()}" in planned
    assert f"-t boundary-bot:{project_version()}" in planned
