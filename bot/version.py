"""The one version number: pyproject.toml's, read from the installed distribution's metadata."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

DISTRIBUTION = "boundary-bot"


def installed_version() -> str:
    """The version that `pip install` recorded, which is pyproject.toml's `version`; a checkout
    that was never installed says so instead of guessing."""
    try:
        return version(DISTRIBUTION)
    except PackageNotFoundError:
        return "unknown (not installed)"


# Read once, at import: `boundary-bot --version` prints it, the image build checks its label
# against it, and an evidence manifest can record which version produced it.
VERSION = __version__ = installed_version()
