"""Two `boundary-bot run` processes sharing PostgreSQL, each receiving the same signed lane
choice at the same moment (a replay sent to the other replica): one declaration is recorded."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path

import httpx
import pytest

from bot.playground.standin import SlackStandIn
from handlers.blocks.prompt import identity_ids
from tests.conftest import BOT_TOKEN, OWNER
from tests.databases import scalar
from tests.support.processes import BotProcess, bot_env, free_port
from tests.support.slack_requests import (
    SIGNING_SECRET,
    command_body,
    lane_choice_body,
    post_signed,
)

pytestmark = pytest.mark.e2e


def test_one_interaction_sent_to_two_replicas_acts_once(
    postgres_url: str, tmp_path: Path, standin: SlackStandIn
) -> None:
    ports = [free_port(), free_port()]
    with ExitStack() as stack:
        clients = []
        for n, port in enumerate(ports):
            workdir = tmp_path / f"replica-{n}"
            workdir.mkdir()
            env = bot_env(
                database_url=postgres_url,
                api_url=standin.api_url,
                bot_token=BOT_TOKEN,
                SLACK_SIGNING_SECRET=SIGNING_SECRET,
                PORT=str(port),
            )
            process = stack.enter_context(BotProcess(env, workdir))
            process.wait_for_health(port)
            clients.append(
                stack.enter_context(httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10))
            )
        first = clients[0]
        for text in ("register replay-int platform", "add replay-int dev@acme.com"):
            post_signed(first, command_body(text, user_id=OWNER, response_url=""))
        post_signed(first, command_body("review replay-int", user_id=OWNER, response_url=""))
        standin.wait_for("chat.postMessage", 1, timeout=10)
        [identity] = identity_ids(standin.messages(standin.dm_channel(OWNER))[-1].blocks)
        body = lane_choice_body(user_id=OWNER, identity_id=identity, answer="customer")

        with ThreadPoolExecutor(max_workers=2) as pool:
            answers = list(pool.map(lambda client: post_signed(client, body), clients))

        assert [a.status_code for a in answers] == [200, 200]
        assert scalar(postgres_url, "select count(*) from declaration") == 1
