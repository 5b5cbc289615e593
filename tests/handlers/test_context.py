"""The runtime reaches every listener through bolt's context, and lazy listeners share it."""

from __future__ import annotations

import pytest
from slack_bolt import BoltContext

from bot.runtime import Runtime
from bot.settings import Settings
from handlers.context import actor_of, provide_runtime, runtime_of
from tests.conftest import ADMIN, OWNER


@pytest.fixture
def bare_runtime() -> Runtime:
    # No request is sent and no database is touched: the context only carries the runtime.
    settings = Settings(_env_file=None, DATABASE_URL="sqlite://", BOUNDARY_ADMINS=ADMIN)  # type: ignore[call-arg]
    return Runtime.build(settings)


def _through_middleware(runtime: Runtime) -> tuple[BoltContext, list[str]]:
    context, calls = BoltContext(), []
    provide_runtime(runtime)(context, lambda: calls.append("next"))
    return context, calls


def test_the_middleware_puts_the_runtime_into_the_context_and_calls_the_next(
    bare_runtime: Runtime,
) -> None:
    context, calls = _through_middleware(bare_runtime)

    assert runtime_of(context) is bare_runtime
    assert calls == ["next"]


def test_a_lazy_listeners_copy_of_the_context_shares_the_runtime_instead_of_copying_it(
    bare_runtime: Runtime,
) -> None:
    context, _ = _through_middleware(bare_runtime)

    assert runtime_of(context.to_copyable()) is bare_runtime


def test_a_context_the_middleware_never_saw_has_no_runtime() -> None:
    with pytest.raises(LookupError, match="provide_runtime"):
        runtime_of(BoltContext())


def test_the_actor_of_a_request_is_an_admin_only_when_listed(bare_runtime: Runtime) -> None:
    context, _ = _through_middleware(bare_runtime)

    assert actor_of(context, ADMIN).is_admin
    assert not actor_of(context, OWNER).is_admin
