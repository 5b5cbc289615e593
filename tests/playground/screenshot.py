"""Retake the README's screenshot of the playground: `make screenshot`, never `make test`.

    python -m tests.playground.screenshot [PATH]    (default: docs/images/playground.png)

The playground starts at the tests' fixed moment, so the picture does not change with the date.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from bot.clock import ManualClock
from bot.playground.runner import Playground
from tests.conftest import NOW
from tests.playground.chromium import launch, open_playground, why_no_browser

if TYPE_CHECKING:
    from playwright.sync_api import Page

README_SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "images" / "playground.png"


def take(page: Page, path: Path) -> Path:
    """The scene (a declaration prompt, updated in place after a lane was chosen), saved."""
    from playwright.sync_api import expect

    from tests.playground.browser import declare_lane, identity_row

    prompt = declare_lane(
        page, "openai-platform", "Sam Developer", "workforce — run by the company"
    )
    expect(identity_row(prompt, "Sam Developer")[0]).to_contain_text("workforce recorded")
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path))
    return path


def main(argv: list[str]) -> int:
    reason = why_no_browser()
    if reason is not None:
        print(f"cannot take the screenshot: {reason}", file=sys.stderr)
        return 1
    from playwright.sync_api import sync_playwright

    path = Path(argv[0]) if argv else README_SCREENSHOT
    with (
        tempfile.TemporaryDirectory() as directory,
        Playground(directory=Path(directory), port=0, clock=ManualClock(NOW)) as running,
        sync_playwright() as driver,
    ):
        browser = launch(driver)
        context, page = open_playground(browser, running.url)
        take(page, path)
        context.close()
        browser.close()
    print(f"saved {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
