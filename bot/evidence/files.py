"""Where a package's files go (a directory, or a zip), each written as it streams past and
hashed on the way, so a package of any size takes the same memory."""

from __future__ import annotations

import csv
import hashlib
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from itertools import islice
from pathlib import Path
from typing import IO, Any

from bot.errors import Conflict, InvalidInput

BATCH = 2000


class _Hashed:
    """A text file for csv.writer: collects a batch of rows, then encodes, hashes and writes it."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw, self.sha, self.parts = raw, hashlib.sha256(), list[str]()

    def write(self, text: str) -> int:
        self.parts.append(text)
        return len(text)

    def drain(self) -> None:
        data = "".join(self.parts).encode()
        self.sha.update(data)
        self.raw.write(data)
        self.parts.clear()


class Sink:
    """The package being written; `listed` holds each file's rows (CSV only) and sha256."""

    def __init__(self, output: Path) -> None:
        self.output = output
        self.zip: zipfile.ZipFile | None = None
        self.listed: dict[str, dict[str, Any]] = {}

    @contextmanager
    def _open(self, name: str) -> Iterator[IO[bytes]]:
        if self.zip is not None:
            with self.zip.open(name, "w", force_zip64=True) as raw:
                yield raw
        else:
            with (self.output / name).open("wb") as raw:
                yield raw

    def csv(self, name: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
        """Write one table; None is an empty cell. Returns its row count."""
        count = 0
        with self._open(name) as raw:
            out = _Hashed(raw)
            writer = csv.writer(out)  # "\r\n": a lone \r in a cell is quoted too
            writer.writerow(header)
            iterator = iter(rows)
            while batch := list(islice(iterator, BATCH)):
                writer.writerows(batch)
                count += len(batch)
                out.drain()
            out.drain()
        self.listed[name] = {"rows": count, "sha256": out.sha.hexdigest()}
        return count

    def file(self, name: str, data: bytes, *, listed: bool = True) -> None:
        with self._open(name) as raw:
            raw.write(data)
        if listed:
            self.listed[name] = {"sha256": hashlib.sha256(data).hexdigest()}


def usable(output: Path) -> Path:
    """The output, checked before anything is read: a zip that does not exist yet, or a
    directory that is new or empty."""
    if output.suffix.lower() == ".zip":
        if output.exists():
            raise Conflict(f"{output} already exists; the package goes to a new file.")
        if not output.parent.is_dir():
            raise InvalidInput(f"{output.parent} is not a directory.")
    elif output.exists() and (not output.is_dir() or any(output.iterdir())):
        raise Conflict(f"{output} exists and is not an empty directory.")
    return output


@contextmanager
def package_sink(output: Path) -> Iterator[Sink]:
    """A directory (made if need be) or a zip; a failure to write is one line, not a trace."""
    sink = Sink(output)
    try:
        if output.suffix.lower() == ".zip":
            with zipfile.ZipFile(output, "x", zipfile.ZIP_DEFLATED, compresslevel=1) as made:
                sink.zip = made
                yield sink
        else:
            output.mkdir(parents=True, exist_ok=True)
            yield sink
    except OSError as error:
        raise InvalidInput(f"cannot write the package to {output}: {error.strerror}") from None
