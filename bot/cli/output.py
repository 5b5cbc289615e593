"""Where every CLI command writes: the consoles, one-line errors, and `--format` output."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console, RenderableType
from rich.progress import Progress, ProgressColumn
from rich.text import Text

# Piped, a table is as wide as its widest row and a line never wraps: whole values, always.
PIPED_WIDTH = 1_000_000


class OutputFormat(StrEnum):
    TABLE = "table"
    JSON = "json"
    TSV = "tsv"


FORMAT_HELP = (
    "table, json or tsv. Default: table on a terminal; tsv when piped (a header line, then one"
    " line per row, values whole, tab, newline and backslash escaped as \\t, \\n and \\\\)."
)
FormatOption = Annotated[
    OutputFormat | None, typer.Option("--format", help=FORMAT_HELP, show_default=False)
]


def console(*, stderr: bool = False) -> Console:
    """A console on stdout (or stderr) that reads no markup and no emoji codes, so stored text
    prints as it is; on a pipe it never wraps or cuts."""
    made = Console(stderr=stderr, markup=False, emoji=False, highlight=False)
    if not made.is_terminal:
        made.width = PIPED_WIDTH
    return made


def progress(*columns: str | ProgressColumn) -> Progress:
    """A transient progress display on stderr; off when stderr is not a terminal (a log or a
    pipe gets no bar and no blank line)."""
    errors = console(stderr=True)
    return Progress(*columns, console=errors, transient=True, disable=not errors.is_terminal)


def say(line: str, *, stderr: bool = False) -> None:
    """One line of text, printed literally and never wrapped by us."""
    console(stderr=stderr).print(Text(line), soft_wrap=True)


def error(message: str) -> None:
    """`error: <message>` on one line of stderr."""
    line = Text("error: ", style="red")
    line.append(" ".join(message.splitlines()))
    console(stderr=True).print(line, soft_wrap=True)


def fail(message: str, code: int = 1) -> NoReturn:
    """`error: <message>` on one line of stderr, then exit the command with `code`."""
    error(message)
    raise typer.Exit(code)


def chosen(output_format: OutputFormat | None) -> OutputFormat:
    """The format asked for, or the default: table on a terminal, tsv on a pipe."""
    if output_format is not None:
        return output_format
    return OutputFormat.TABLE if console().is_terminal else OutputFormat.TSV


def emit(
    output_format: OutputFormat | None,
    *,
    columns: Sequence[str],
    rows: Sequence[Mapping[str, Any]],
    table: Callable[[], RenderableType],
    document: Callable[[], Any] | None = None,
) -> OutputFormat:
    """Write rows in the chosen format; json is `document()` when given, else the rows as
    objects keyed by `columns`. Returns the format used."""
    resolved = chosen(output_format)
    if resolved is OutputFormat.JSON:
        write_json(document() if document else [{c: row[c] for c in columns} for row in rows])
    elif resolved is OutputFormat.TSV:
        write_tsv(columns, rows)
    else:
        console().print(table())
    return resolved


def write_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, indent=2, default=_json_value) + "\n")


def write_tsv(columns: Sequence[str], rows: Sequence[Mapping[str, Any]]) -> None:
    lines = ["\t".join(columns)]
    lines.extend("\t".join(tsv_cell(row[column]) for column in columns) for row in rows)
    sys.stdout.write("\n".join(lines) + "\n")


_TSV_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def tsv_cell(value: Any) -> str:
    """One value as a tsv cell: empty for none, `true`/`false`, ISO 8601 times, escaped text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value).translate(_TSV_ESCAPES)


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)
