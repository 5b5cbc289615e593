"""`make screenshot` (tests/playground/screenshot.py) still takes the README's picture of the
playground, and saves it where it is told: this test writes into a temporary directory, never
the tracked docs/images/playground.png."""

from __future__ import annotations

import struct
import subprocess
import sys
from pathlib import Path

import pytest

from tests.playground.chromium import VIEWPORT, why_no_browser

REPO = Path(__file__).resolve().parents[2]


def _png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG file"
    width, height = struct.unpack(">II", header[16:24])
    return width, height


def test_screenshot_command_saves_the_scene_as_a_png_where_asked(tmp_path: Path) -> None:
    reason = why_no_browser()
    if reason is not None:
        pytest.skip(f"browser tests skipped: {reason}")
    target = tmp_path / "images" / "playground.png"

    done = subprocess.run(
        [sys.executable, "-m", "tests.playground.screenshot", str(target)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert done.returncode == 0, done.stderr
    assert _png_size(target) == (VIEWPORT["width"], VIEWPORT["height"])
