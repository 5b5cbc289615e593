"""The house keeps its shape: every module of bot/, handlers/ and storage/ imports on its own in
a fresh interpreter (no import order hides a cycle), and modules and functions stay small
enough to read in one sitting (300 and 60 lines; migrations excepted)."""

from __future__ import annotations

import ast
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("bot", "handlers", "storage")
MODULE_LINES = 300
FUNCTION_LINES = 60


def _sources() -> list[Path]:
    return sorted(
        path
        for package in PACKAGES
        for path in (ROOT / package).rglob("*.py")
        if "migrations" not in path.relative_to(ROOT).parts
    )


def _module(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports_alone(module: str) -> tuple[str, str]:
    finished = subprocess.run(
        [sys.executable, "-c", f"import {module}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return module, "" if finished.returncode == 0 else finished.stderr.strip().splitlines()[-1]


def test_every_module_imports_on_its_own_in_a_fresh_interpreter() -> None:
    modules = [_module(path) for path in _sources()]
    with ThreadPoolExecutor(max_workers=4) as pool:
        failures = {module: error for module, error in pool.map(_imports_alone, modules) if error}

    assert len(modules) > 50
    assert failures == {}


def test_no_module_is_longer_than_300_lines() -> None:
    long = {
        str(path.relative_to(ROOT)): lines
        for path in _sources()
        if (lines := len(path.read_text().splitlines())) > MODULE_LINES
    }

    assert long == {}


def _long_functions(path: Path) -> dict[str, int]:
    tree = ast.parse(path.read_text())
    found = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            lines = (node.end_lineno or node.lineno) - node.lineno + 1
            if lines > FUNCTION_LINES:
                found[f"{path.relative_to(ROOT)}:{node.lineno} {node.name}"] = lines
    return found


def test_no_function_is_longer_than_60_lines() -> None:
    long = {name: n for path in _sources() for name, n in _long_functions(path).items()}

    assert long == {}


@pytest.mark.parametrize("module", ["handlers.blocks.digest", "bot.nudges.cycle", "bot.cli"])
def test_the_modules_of_the_old_import_cycles_import_first(module: str) -> None:
    assert _imports_alone(module) == (module, "")


def test_every_test_file_starts_with_a_docstring_saying_what_it_proves() -> None:
    undocumented = [
        str(path.relative_to(ROOT))
        for path in sorted((ROOT / "tests").rglob("test_*.py"))
        if ast.get_docstring(ast.parse(path.read_text())) is None
    ]

    assert undocumented == []


def test_every_path_the_shifted_clock_runs_name_exists() -> None:
    """`make shifted-clocks` reruns CLOCK_TESTS under faketime; a renamed test file would make
    that run collect nothing."""
    makefile = (ROOT / "Makefile").read_text()
    block = makefile.split("CLOCK_TESTS :=", 1)[1].split("SHIFTED_CLOCKS", 1)[0]
    paths = [word for word in block.replace("\\", " ").split() if word.startswith("tests")]

    assert len(paths) >= 5
    assert [path for path in paths if not (ROOT / path).exists()] == []
