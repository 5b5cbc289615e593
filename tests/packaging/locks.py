"""The lock files read back: the exports in requirements/ (what pip installs, with hashes) and
uv.lock (the one resolution they come from), for the packaging tests."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import NormalizedName, canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
REQUIREMENTS = ROOT / "requirements"
UV_LOCK = ROOT / "uv.lock"
# Test, lint, type-check, browser and lock tools: none may be in what the bot runs with.
DEV_TOOLS = frozenset(
    canonicalize_name(name)
    for name in (
        "pytest",
        "pytest-xdist",
        "mypy",
        "ruff",
        "playwright",
        "hypothesis",
        "import-linter",
        "scim2-server",
        "jsonschema",
        "uv",
    )
)
# CPython 3.11 on Linux, as the image and CI run it, on both machine kinds the lock must serve.
LINUX_311 = {
    arch: {
        "implementation_name": "cpython",
        "platform_python_implementation": "CPython",
        "platform_system": "Linux",
        "platform_machine": arch,
        "python_version": "3.11",
        "python_full_version": "3.11.7",
        "sys_platform": "linux",
        "os_name": "posix",
    }
    for arch in ("x86_64", "aarch64")
}


@dataclass(frozen=True)
class Pin:
    version: str
    marker: Marker | None
    hashes: frozenset[str]  # "sha256:..."

    def applies(self, environment: dict[str, str]) -> bool:
        return self.marker is None or self.marker.evaluate(environment)


def read_export(name: str) -> dict[NormalizedName, Pin]:
    """requirements/<name>.txt as {package: pin}; every line must be `name==version`."""
    text = (REQUIREMENTS / f"{name}.txt").read_text().replace("\\\n", " ")
    pins: dict[NormalizedName, Pin] = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        spec, *hashes = line.split("--hash=")
        requirement = Requirement(spec.strip())
        [pinned] = list(requirement.specifier)
        assert pinned.operator == "==", line
        package = canonicalize_name(requirement.name)
        assert package not in pins, f"{package} is pinned twice in {name}.txt"
        hashed = frozenset(h.strip() for h in hashes)
        pins[package] = Pin(pinned.version, requirement.marker, hashed)
    return pins


def pins_for_linux(pins: dict[NormalizedName, Pin]) -> dict[NormalizedName, Pin]:
    """The pins that install on Linux (the same on x86_64 and aarch64, checked by the tests)."""
    return {name: pin for name, pin in pins.items() if pin.applies(LINUX_311["x86_64"])}


def read_uv_lock() -> dict[str, Any]:
    with UV_LOCK.open("rb") as source:
        return tomllib.load(source)


def locked_packages() -> dict[tuple[NormalizedName, str], dict[str, Any]]:
    """uv.lock's packages by (name, version)."""
    return {
        (canonicalize_name(package["name"]), str(package["version"])): package
        for package in read_uv_lock()["package"]
        if "version" in package
    }


def read_pyproject() -> dict[str, Any]:
    with (ROOT / "pyproject.toml").open("rb") as source:
        return tomllib.load(source)
