"""Several processes declaring and recording events at the same moment never fork or break the
one chain: declarations and audit events interleave in one unbroken seq order."""

from __future__ import annotations

import multiprocessing
from multiprocessing.synchronize import Barrier

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bot.authorization import Actor
from bot.declarations import declare
from bot.identities import add_identity
from bot.integrations import change_owner, register_integration
from storage.chain_check import verify_chain
from storage.engine import make_engine, session_factory, session_scope
from storage.vocabulary import Answer, Layer
from tests.conftest import BACKUP, NOW, OWNER

WRITERS = 4
DECLARATIONS_EACH = 40
EVENT_EVERY = 4
EVENTS_EACH = len(range(0, DECLARATIONS_EACH, EVENT_EVERY))
VERIFY_ROUNDS = 15


def _writer(url: str, identity_ids: list[int], barrier: Barrier) -> None:
    engine = make_engine(url)
    sessions = session_factory(engine)
    barrier.wait(timeout=30)
    answers = (Answer.WORKFORCE, Answer.CUSTOMER)
    for n in range(DECLARATIONS_EACH):
        # One transaction per declaration, so the writers interleave as much as they can.
        with session_scope(sessions) as session:
            declare(
                session,
                actor=Actor(OWNER),
                identity_id=identity_ids[n % len(identity_ids)],
                answer=answers[n % 2],
                now=NOW,
            )
        if n % EVENT_EVERY == 0:  # and an audit event now and then, in a transaction of its own
            with session_scope(sessions) as session:
                change_owner(
                    session,
                    actor=Actor(OWNER),
                    name="openai-platform",
                    backup_owner=BACKUP if n % 2 else None,
                    now=NOW,
                )
    engine.dispose()


def _verifier(url: str, barrier: Barrier, failures: multiprocessing.Queue[str]) -> None:
    engine = make_engine(url)
    sessions = session_factory(engine)
    barrier.wait(timeout=30)
    for _ in range(VERIFY_ROUNDS):
        with session_scope(sessions) as session:
            check = verify_chain(session)
        if not check.ok:
            failures.put(f"{check.broken_seq}: {check.reason}")
    engine.dispose()


def _identities(engine: Engine) -> list[int]:
    with session_scope(session_factory(engine)) as session:
        register_integration(
            session, actor=Actor(OWNER), name="openai-platform", layer=Layer.PLATFORM, now=NOW
        )
        return [
            add_identity(
                session,
                actor=Actor(OWNER),
                integration_name="openai-platform",
                id_or_email=f"k{n}",
                now=NOW,
            ).id
            or 0
            for n in range(5)
        ]


def test_concurrent_writers_keep_one_unbroken_chain(database_url: str, engine: Engine) -> None:
    identity_ids = _identities(engine)
    engine.dispose()  # forked children must not inherit pooled connections
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(WRITERS + 1)
    failures: multiprocessing.Queue[str] = context.Queue()
    processes = [
        context.Process(target=_writer, args=(database_url, identity_ids, barrier))
        for _ in range(WRITERS)
    ]
    processes.append(context.Process(target=_verifier, args=(database_url, barrier, failures)))
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=120)

    assert [p.exitcode for p in processes] == [0] * (WRITERS + 1)
    assert failures.empty(), "verify saw a sound chain as broken while writers committed"
    # The registration and the five identities added, then the writers' owner changes.
    declarations, events = WRITERS * DECLARATIONS_EACH, 1 + 5 + WRITERS * EVENTS_EACH
    with session_scope(session_factory(engine)) as session:
        check = verify_chain(session)
        seqs = session.execute(
            sa.text("SELECT seq FROM declaration UNION ALL SELECT seq FROM audit_event ORDER BY 1")
        ).scalars()
        assert list(seqs) == list(range(1, declarations + events + 1))
    assert (check.ok, check.declarations, check.events) == (True, declarations, events), check
    assert _wrong_previous(engine) == []


def _wrong_previous(engine: Engine) -> list[int]:
    """Declarations whose `previous` is not the lane the identity's row before it recorded."""
    query = sa.text("SELECT seq, identity_id, answer, previous FROM declaration ORDER BY seq")
    latest: dict[int, str] = {}
    wrong = []
    with engine.connect() as connection:
        for seq, identity_id, answer, previous in connection.execute(query):
            if previous != latest.get(identity_id):
                wrong.append(seq)
            latest[identity_id] = answer
    return wrong
