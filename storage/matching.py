"""The SQL shapes that let `who` match what people type through a btree index on both backends:
a case-folded key whose byte order makes a range predicate a prefix match, and an email's domain.

Each is one SQLAlchemy construct used by the index definitions (storage.models, migration 0006)
and by the queries (storage.lookups), so the expression a query filters on is the very
expression the index holds: SQLite and PostgreSQL only use an expression index for a predicate
on the identical expression.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement


class folded(FunctionElement[str]):
    """lower(x), ordered byte-wise, so that a btree range [p, p') is exactly "starts with p".

    SQLite's default BINARY collation already orders bytes. PostgreSQL's database collation may
    not (en_US sorts 'a-b' between 'ab' and 'ac'), so the argument says COLLATE "C" there: the
    result inherits it, and so does the index. Inside the call, not after it, because that is
    the form PostgreSQL reflects back (an index column's own COLLATE is lost on reflection, and
    the schema drift check could not see it). Under "C" lower() folds ASCII letters only, as
    SQLite's does: both backends fold alike, and callers fold what people type the same way
    (fold_ascii)."""

    type = sa.String()
    inherit_cache = True
    name = "folded"


@compiles(folded)
def _folded_sqlite(element: folded, compiler: SQLCompiler, **kw: Any) -> str:
    return f"lower({compiler.process(element.clauses, **kw)})"


@compiles(folded, "postgresql")
def _folded_postgresql(element: folded, compiler: SQLCompiler, **kw: Any) -> str:
    return f'lower({compiler.process(element.clauses, **kw)} COLLATE "C")'


class slug_key(FunctionElement[str]):
    """An integration name, ordered byte-wise. Names are lowercase slugs (bot.validation), so
    nothing needs folding: on SQLite the unique index on the bare column serves the range, and
    the name stays a plain column there (an expression index on `integration` would warn in
    every SQLite batch migration that reflects a table pointing at it). PostgreSQL needs a
    byte-ordered key of its own, spelt as `folded` spells it."""

    type = sa.String()
    inherit_cache = True
    name = "slug_key"


@compiles(slug_key)
def _slug_sqlite(element: slug_key, compiler: SQLCompiler, **kw: Any) -> str:
    return str(compiler.process(element.clauses, **kw))


@compiles(slug_key, "postgresql")
def _slug_postgresql(element: slug_key, compiler: SQLCompiler, **kw: Any) -> str:
    return f'lower({compiler.process(element.clauses, **kw)} COLLATE "C")'


class email_domain(FunctionElement[str]):
    """What follows the first '@' of an email (the whole value when there is none, which
    callers exclude). substr on both; the position of '@' is instr on SQLite, strpos on
    PostgreSQL: neither backend has the other's."""

    type = sa.String()
    inherit_cache = True
    name = "email_domain"


@compiles(email_domain)
def _domain_sqlite(element: email_domain, compiler: SQLCompiler, **kw: Any) -> str:
    column = compiler.process(element.clauses, **kw)
    return f"substr({column}, instr({column}, '@') + 1)"


@compiles(email_domain, "postgresql")
def _domain_postgresql(element: email_domain, compiler: SQLCompiler, **kw: Any) -> str:
    column = compiler.process(element.clauses, **kw)
    return f"substr({column}, strpos({column}, '@') + 1)"


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def fold_ascii(text: str) -> str:
    """What `folded` does to a value, done to what someone typed: ASCII letters lowered."""
    # str.lower() lowers only ASCII letters in an ASCII string, at a fraction of translate's
    # cost (did-you-mean folds a couple of hundred candidates per miss).
    return text.lower() if text.isascii() else text.translate(_ASCII_LOWER)


def prefix_upper_bound(prefix: str) -> str | None:
    """The least string greater than every string that starts with `prefix`, in code point
    order (which is UTF-8 byte order): the prefix with its last character incremented. None
    when no such string exists (the prefix ends in the largest code point)."""
    for cut in range(len(prefix) - 1, -1, -1):
        point = ord(prefix[cut])
        if point < 0x10FFFF and not 0xD7FF <= point < 0xDFFF:
            return prefix[:cut] + chr(point + 1)
        if 0xD7FF <= point < 0xDFFF:
            return prefix[:cut] + chr(0xE000)
    return None
