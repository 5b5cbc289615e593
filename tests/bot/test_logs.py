"""Log lines as `boundary-bot run` writes them: in JSON, one object per line with time, level,
logger and message, plus the request's kind and error id while a request is served (and
neither outside one); a traceback stays inside its line."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from bot.logs import RequestFields, json_formatter
from bot.request_scope import note_error, request_scope


@pytest.fixture
def lines() -> Iterator[tuple[logging.Logger, io.StringIO]]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestFields())
    handler.setFormatter(json_formatter())
    logger = logging.getLogger("tests.bot.test_logs")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield logger, stream
    logger.removeHandler(handler)


def _parsed(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_a_line_outside_a_request_has_the_four_fields_and_no_request_fields(
    lines: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, stream = lines

    logger.info("synced %s", "acme-tenant")

    [line] = _parsed(stream)
    assert set(line) == {"time", "level", "logger", "message"}
    assert (line["level"], line["logger"]) == ("INFO", "tests.bot.test_logs")
    assert line["message"] == "synced acme-tenant"


def test_lines_inside_a_request_carry_its_kind_and_once_it_failed_its_error_id(
    lines: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, stream = lines

    with request_scope() as scope:
        scope.kind = "view"
        logger.info("before")
        note_error("0123abcdef")
        try:
            raise RuntimeError("boom")
        except RuntimeError:
            logger.exception("after")

    before, after = _parsed(stream)
    assert before["request_kind"] == "view"
    assert "error_id" not in before
    assert (after["request_kind"], after["error_id"]) == ("view", "0123abcdef")
    assert "RuntimeError: boom" in str(after["exc_info"])
    assert len(stream.getvalue().splitlines()) == 2
