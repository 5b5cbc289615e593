"""Logging, configured once at start-up (`boundary-bot run`, the playground): one handler on
stderr for every logger (uvicorn's and the libraries' included), as text or as one JSON object
per line (`LOG_FORMAT`), with the request kind and error id on each line where they are known."""

from __future__ import annotations

import logging
import sys

from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter

from bot.request_scope import current
from bot.settings import Settings

TEXT_FORMAT = "%(levelname)s %(name)s: %(message)s"
# The fields of every JSON line, renamed; `error_id` and `request_kind` are added when known.
JSON_FORMAT = "%(levelname)s %(name)s %(message)s"
JSON_NAMES = {"levelname": "level", "name": "logger"}
# uvicorn adds an ANSI-coloured copy of its message to some records.
_NOT_FIELDS = ("color_message",)
# Libraries whose INFO lines repeat without telling anything: APScheduler's on every tick of
# every job, Alembic's on every readiness probe. Their warnings and errors still show.
QUIET = ("apscheduler", "alembic.runtime.migration")


class RequestFields(logging.Filter):
    """Adds the current request's kind and error id to a record (a handler's filter, so it sees
    the records of every logger that reaches the handler)."""

    def filter(self, record: logging.LogRecord) -> bool:
        scope = current()
        if scope is not None:
            if not hasattr(record, "request_kind"):
                record.request_kind = str(scope.kind)
            if scope.error_id is not None and not hasattr(record, "error_id"):
                record.error_id = scope.error_id
        return True


def json_formatter() -> logging.Formatter:
    return JsonFormatter(
        JSON_FORMAT,
        rename_fields=JSON_NAMES,
        timestamp="time",
        reserved_attrs=[*RESERVED_ATTRS, *_NOT_FIELDS],
    )


def configure_logging(settings: Settings, *, level: str | None = None) -> None:
    """Replace whatever handlers the root logger has with ours (the CLI's early basicConfig
    included); `level` overrides LOG_LEVEL."""
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(RequestFields())
    if settings.log_format == "json":
        handler.setFormatter(json_formatter())
    else:
        handler.setFormatter(logging.Formatter(TEXT_FORMAT))
    root = logging.getLogger()
    for previous in list(root.handlers):
        root.removeHandler(previous)
    root.addHandler(handler)
    root.setLevel((level or settings.log_level).upper())
    quiet = logging.WARNING if root.level > logging.DEBUG else logging.NOTSET  # DEBUG: all
    for name in QUIET:
        logging.getLogger(name).setLevel(quiet)
    # warnings.warn() would write to stderr past the formatter; as log records they are lines
    # like the others. uvicorn's loggers reach this handler too: it is run with
    # log_config=None, so it installs none of its own.
    logging.captureWarnings(True)
