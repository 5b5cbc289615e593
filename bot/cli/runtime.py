"""The Runtime of one CLI command, with settings, schema, database and domain failures turned
into one line on stderr; and the named operator its writes are credited to."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, OperationalError

from bot import validation
from bot.authorization import Actor
from bot.cli.output import fail
from bot.errors import DomainError, InvalidInput
from bot.runtime import Runtime, SchemaBehind
from bot.settings import Settings, SettingsError, load_settings

# PostgreSQL's SQLSTATE for "permission denied" and "must be owner of".
INSUFFICIENT_PRIVILEGE = "42501"
# Where the global `--as` option leaves its value for the command; set on every invocation
# (None when not given), so one in-process run never lends its operator to the next.
GIVEN_OPERATOR: ContextVar[str | None] = ContextVar("given_operator", default=None)
NO_OPERATOR = (
    "this command writes to the audit trail, which needs a named person: give your Slack user"
    " id with `boundary-bot --as U0123ABCD <command> ...` or set BOUNDARY_OPERATOR"
)


def runtime(*, migrate_sqlite: bool = True, settings: Settings | None = None) -> Runtime:
    """Settings, engine and sessions; exits 2 with one line when any of them is unusable."""
    try:
        built = Runtime.build(settings or load_settings())
    except SettingsError as error:
        fail(str(error), 2)
    with database_errors(built.settings.database_url):
        try:
            if migrate_sqlite:
                built.ensure_schema()
            else:
                with built.engine.connect():
                    pass
        except SchemaBehind as error:
            fail(str(error), 2)
    return built


@contextmanager
def database_errors(url: str) -> Iterator[None]:
    """A database that cannot be reached (or stops answering) is one line and exit code 2."""
    try:
        yield
    except DBAPIError as error:
        line = database_failure(url, error)
        if line is not None:
            fail(line, 2)
        raise


def database_failure(url: str, error: DBAPIError) -> str | None:
    """The one line for a database that cannot be used (unreachable, or refusing the role a
    privilege), or None for an error that is a bug and keeps its traceback."""
    if isinstance(error, OperationalError) or error.connection_invalidated:
        return unreachable(url, error)
    if getattr(error.orig, "sqlstate", None) == INSUFFICIENT_PRIVILEGE:
        return not_permitted(url, error)
    return None


def not_permitted(url: str, error: DBAPIError) -> str:
    """Names the role and what it was refused, and where the grants are written down."""
    role = make_url(url).username or "the database role"
    reason = next(iter(str(error.orig).strip().splitlines()), type(error.orig).__name__)
    return (
        f"the database refused {role}: {reason} (this role lacks a grant; see"
        " `boundary-bot db roles` and run `boundary-bot db upgrade` as the migration role)"
    )


def unreachable(url: str, error: DBAPIError) -> str:
    """Names the database by host and port (or file), never by its password."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        where = parsed.database or "an in-memory SQLite database"
    else:
        where = f"{parsed.host or 'localhost'}:{parsed.port or 'default port'}"
        if parsed.database:
            where += f"/{parsed.database}"
    reason = next(iter(str(error.orig).strip().splitlines()), type(error.orig).__name__)
    if parsed.password:
        reason = reason.replace(str(parsed.password), "***")
    return f"cannot use the database at {where}: {reason} (check DATABASE_URL)"


@contextmanager
def domain_errors() -> Iterator[None]:
    """A domain error (something the operator can fix) is one line and exit code 1."""
    try:
        yield
    except DomainError as error:
        fail(str(error))


def operator(built: Runtime) -> Actor:
    """The person a CLI write is credited to: `--as`, else BOUNDARY_OPERATOR; without either
    (or with something that is not a Slack user id) one line on stderr and exit code 2.

    The CLI runs with the database's own rights, so the operator acts as an admin; what the
    name buys is an audit trail that says who, not which Unix account.
    """
    user_id = GIVEN_OPERATOR.get() or built.settings.operator
    if not user_id:
        fail(NO_OPERATOR, 2)
    try:
        return Actor(validation.slack_user_id(user_id), is_admin=True)
    except InvalidInput as error:
        fail(f"--as / BOUNDARY_OPERATOR: {error}", 2)
