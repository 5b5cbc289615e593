"""`/boundary report package [campaign]`: an admin gets the evidence package as a zip in their
DM (uploaded through files.getUploadURLExternal / completeUploadExternal against the stand-in),
and its verify.py passes under a bare Python; anyone else is refused and nothing is uploaded."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

from bot.playground.standin import SlackStandIn
from bot.runtime import Runtime
from tests.bot.campaign_setup import inventory, launch
from tests.conftest import ADMIN, OWNER
from tests.handlers.conftest import Slack
from tests.support.slack_requests import command_body


def _command(slack: Slack, text: str, user: str) -> dict:  # type: ignore[type-arg]
    answer = slack.post(command_body(text, user_id=user, response_url=slack.standin.response_url()))
    assert answer.status_code == 200
    return answer.json() if answer.content else {}


def _campaign(runtime: Runtime) -> None:
    with runtime.unit_of_work() as session:
        inventory(session)
        launch(session)


def test_an_admin_gets_the_package_in_their_dm_and_it_verifies(
    slack: Slack, standin: SlackStandIn, slack_runtime: Runtime, tmp_path: Path
) -> None:
    _campaign(slack_runtime)

    ack = _command(slack, "report package q1-review", ADMIN)

    assert "arrives in your DM" in ack["text"]
    slack.settle()
    [upload] = standin.uploads.values()
    assert upload.filename == "boundary-evidence-q1-review.zip"
    assert upload.channels == [standin.dm_channel(ADMIN)]
    assert "python3 verify.py" in (upload.initial_comment or "")
    assert upload.content is not None
    zipfile.ZipFile(io.BytesIO(upload.content)).extractall(tmp_path)
    package = next(path.parent for path in tmp_path.rglob("manifest.json"))
    manifest = json.loads((package / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["population"]["count"] == 4
    checked = subprocess.run(
        [sys.executable, "-I", "verify.py"],
        cwd=package,
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout.startswith("PASS")
    assert "is in your DM" in standin.state.responses[0]["text"]


def test_anyone_else_is_refused_and_nothing_is_uploaded(
    slack: Slack, standin: SlackStandIn, slack_runtime: Runtime
) -> None:
    _campaign(slack_runtime)

    ack = _command(slack, "report package q1-review", OWNER)

    assert "Only an admin" in ack["text"]
    slack.settle()
    assert standin.calls("files.getUploadURLExternal") == []
    assert standin.uploads == {}


def test_an_unknown_campaign_gets_a_short_answer(
    slack: Slack, standin: SlackStandIn, slack_runtime: Runtime
) -> None:
    _command(slack, "report package nope", ADMIN)

    slack.settle()
    assert standin.uploads == {}
    [response] = standin.state.responses
    assert "No campaign is called `nope`" in response["text"]
