"""Fixtures for the playground: a running playground per test, and real headless Chromium."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.clock import ManualClock
from bot.playground.runner import Playground
from tests.conftest import NOW

CHROMIUM = Path("/usr/bin/chromium")
# What a headless, offline browser needs, and nothing that phones home.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _why_no_browser() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the Python playwright package is not installed (pip install -e '.[dev]')"
    if not CHROMIUM.exists() and shutil.which("chromium") is None:
        return f"no Chromium at {CHROMIUM} (Debian: apt-get install chromium; .ci/run does)"
    return None


@pytest.fixture
def playground(tmp_path: Path) -> Iterator[Playground]:
    """The whole playground on loopback: stand-in, real bot over HTTP, demo data, the page."""
    with Playground(directory=tmp_path / "playground", port=0, clock=ManualClock(NOW)) as running:
        yield running


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    reason = _why_no_browser()
    if reason is not None:
        pytest.skip(f"browser tests skipped: {reason}")
    from playwright.sync_api import sync_playwright

    executable = CHROMIUM if CHROMIUM.exists() else Path(shutil.which("chromium") or "")
    with sync_playwright() as driver:
        launched = driver.chromium.launch(executable_path=str(executable), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any, playground: Playground) -> Iterator[Any]:
    """The playground's page, open and showing the channel, as the integration owner."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.set_default_timeout(10_000)
    opened = context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda error: errors.append(str(error)))
    opened.goto(playground.url)
    opened.get_by_test_id("composer").wait_for()
    yield opened
    context.close()
    assert errors == [], f"the page raised: {errors}"
