"""Fixtures for the playground: a running playground per test, and real headless Chromium."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.clock import ManualClock
from bot.playground.runner import Playground
from tests.conftest import NOW
from tests.playground.chromium import launch, open_playground, why_no_browser


@pytest.fixture
def playground(tmp_path: Path) -> Iterator[Playground]:
    """The whole playground on loopback: stand-in, real bot over HTTP, demo data, the page;
    its clock starts at the tests' fixed moment, whatever today's date is."""
    with Playground(directory=tmp_path / "playground", port=0, clock=ManualClock(NOW)) as running:
        yield running


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    reason = why_no_browser()
    if reason is not None:
        pytest.skip(f"browser tests skipped: {reason}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        launched = launch(driver)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any, playground: Playground) -> Iterator[Any]:
    """The playground's page, open and showing the channel, as the integration owner."""
    errors: list[str] = []
    context, opened = open_playground(browser, playground.url, errors)
    yield opened
    context.close()
    assert errors == [], f"the page raised: {errors}"
