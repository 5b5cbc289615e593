"""The locks install what pyproject.toml asks for and nothing it does not: uv.lock was resolved
from this pyproject.toml (else: `make lock`), each export in requirements/ pins every
requirement of its set at an allowed version with uv.lock's hashes, the dev lock pins each
runtime package alike, no development tool is in the runtime lock, and every Linux pin has a
CPython 3.11 wheel for x86_64 and aarch64 (the installs take wheels only)."""

from __future__ import annotations

from typing import Any

import pytest
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.tags import Tag, compatible_tags, cpython_tags
from packaging.utils import canonicalize_name, parse_wheel_filename

from tests.packaging.locks import (
    DEV_TOOLS,
    LINUX_311,
    locked_packages,
    pins_for_linux,
    read_export,
    read_pyproject,
    read_uv_lock,
)

STALE = "pyproject.toml changed since uv.lock was written: run `make lock` and commit the result"
# glibc 2.36 is Debian 12, the oldest system the image and CI run on.
GLIBC_MINOR = 36
Wanted = tuple[str, str, frozenset[str], str | None]


def _wanted(requirement: str, group: str | None) -> Wanted:
    parsed = Requirement(requirement)
    assert parsed.marker is None, f"{requirement}: this test does not compare markers yet"
    name = canonicalize_name(parsed.name)
    return name, str(parsed.specifier), frozenset(parsed.extras), group


def _locked(entry: dict[str, Any], group: str | None = None) -> Wanted:
    marker = entry.get("marker")
    if marker is not None:
        assert marker.startswith("extra == "), marker
        group = marker.removeprefix("extra == ").strip("'\"")
    specifier = str(SpecifierSet(entry.get("specifier", "")))
    extras = frozenset(entry.get("extras", []))
    return canonicalize_name(entry["name"]), specifier, extras, group


def _project_sets() -> dict[str, list[str]]:
    pyproject = read_pyproject()
    return {
        "runtime": pyproject["project"]["dependencies"],
        "dev": pyproject["project"]["optional-dependencies"]["dev"],
        "build": pyproject["dependency-groups"]["build"],
    }


def test_uv_lock_was_resolved_from_this_pyproject() -> None:
    [project] = [p for p in read_uv_lock()["package"] if p["name"] == "boundary-bot"]
    sets = _project_sets()
    wanted = {_wanted(r, None) for r in sets["runtime"]} | {_wanted(r, "dev") for r in sets["dev"]}
    build = {_wanted(r, "build") for r in sets["build"]}

    assert {_locked(entry) for entry in project["metadata"]["requires-dist"]} == wanted, STALE
    locked_build = project["metadata"]["requires-dev"]["build"]
    assert {_locked(entry, "build") for entry in locked_build} == build, STALE


@pytest.mark.parametrize("name", ["runtime", "dev", "build"])
def test_each_export_pins_every_requirement_of_its_set_at_an_allowed_version(name: str) -> None:
    pins = read_export(name)
    sets = _project_sets()
    requirements = sets[name] + (sets["runtime"] if name == "dev" else [])
    if name == "build":
        requirements += read_pyproject()["build-system"]["requires"]

    for requirement in map(Requirement, requirements):
        pin = pins.get(canonicalize_name(requirement.name))
        assert pin is not None, f"{requirement.name} is not in {name}.txt: {STALE}"
        assert requirement.specifier.contains(pin.version, prereleases=True), STALE


@pytest.mark.parametrize("name", ["runtime", "dev", "build"])
def test_each_export_has_uv_locks_versions_and_every_hash_of_them(name: str) -> None:
    locked = locked_packages()

    for package, pin in read_export(name).items():
        entry = locked.get((package, pin.version))
        assert entry is not None, f"{package}=={pin.version} is not in uv.lock: run `make lock`"
        files = [*entry.get("wheels", []), *([entry["sdist"]] if "sdist" in entry else [])]
        assert pin.hashes == {file["hash"] for file in files}, package


def test_the_dev_lock_pins_every_runtime_package_at_the_same_version_and_hashes() -> None:
    dev = read_export("dev")

    assert {k: v for k, v in read_export("runtime").items() if dev.get(k) != v} == {}


def test_no_development_tool_is_in_the_runtime_lock() -> None:
    assert set(read_export("runtime")) & DEV_TOOLS == set()
    assert set(read_export("dev")) >= DEV_TOOLS - {"uv"}


def test_the_linux_pins_are_the_same_on_x86_64_and_aarch64() -> None:
    for name in ("runtime", "dev", "build"):
        pins = read_export(name)
        arm = {package for package, pin in pins.items() if pin.applies(LINUX_311["aarch64"])}
        assert arm == set(pins_for_linux(pins)), name


def _supported_tags(arch: str) -> set[Tag]:
    platforms = [f"manylinux_2_{minor}_{arch}" for minor in range(GLIBC_MINOR, 4, -1)]
    platforms += [f"manylinux2014_{arch}"]
    if arch == "x86_64":
        platforms += ["manylinux2010_x86_64", "manylinux1_x86_64"]
    tags = set(cpython_tags((3, 11), abis=["cp311", "abi3", "none"], platforms=platforms))
    return tags | set(compatible_tags((3, 11), interpreter="cp311", platforms=platforms))


@pytest.mark.parametrize("arch", ["x86_64", "aarch64"])
def test_every_linux_pin_has_a_cpython_3_11_wheel_for(arch: str) -> None:
    supported = _supported_tags(arch)
    locked = locked_packages()
    missing = []
    for name in ("runtime", "dev", "build"):
        for package, pin in pins_for_linux(read_export(name)).items():
            wheels = locked[(package, pin.version)].get("wheels", [])
            filenames = [wheel["url"].rsplit("/", 1)[-1] for wheel in wheels]
            if not any(parse_wheel_filename(f)[3] & supported for f in filenames):
                missing.append(f"{package}=={pin.version}")

    assert missing == []
