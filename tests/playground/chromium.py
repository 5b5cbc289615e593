"""Debian's Chromium, headless and offline, for the browser tests and the README screenshot."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

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
VIEWPORT = {"width": 1280, "height": 800}


def why_no_browser() -> str | None:
    """Why the page cannot be driven here, or None when it can."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the Python playwright package is not installed (pip install -e '.[dev]')"
    if not CHROMIUM.exists() and shutil.which("chromium") is None:
        return f"no Chromium at {CHROMIUM} (Debian: apt-get install chromium; .ci/run does)"
    return None


def launch(driver: Any) -> Any:
    """Chromium started by a `sync_playwright()` driver; Playwright never downloads one."""
    executable = CHROMIUM if CHROMIUM.exists() else Path(shutil.which("chromium") or "")
    return driver.chromium.launch(executable_path=str(executable), args=CHROMIUM_ARGS)


def open_playground(browser: Any, url: str, errors: list[str] | None = None) -> tuple[Any, Any]:
    """A new browser context with the playground's page open and ready: (context, page).
    What the page's scripts raise, from the first load on, is appended to `errors`."""
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(10_000)
    page = context.new_page()
    if errors is not None:
        page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(url)
    page.get_by_test_id("composer").wait_for()
    return context, page
