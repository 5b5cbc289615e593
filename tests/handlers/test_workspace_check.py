"""Only the installed workspace is served: a signed command or interaction from another team is
refused before any listener sees it (so an admin's user id arriving from another team cannot act
as an admin), and requests from the bot's own team are served as usual."""

from __future__ import annotations

from sqlmodel import select

from bot.playground.standin import TEAM_ID
from bot.runtime import Runtime
from handlers.workspace import ELSEWHERE
from storage.models import Integration
from tests.conftest import ADMIN, OWNER
from tests.handlers.conftest import Slack
from tests.support.slack_requests import command_body, lane_choice_body

OTHER_TEAM = "T0ELSEWHER"


def _from_other_team(body: str) -> str:
    changed = body.replace(f"team_id={TEAM_ID}", f"team_id={OTHER_TEAM}")
    changed = changed.replace(f"%22{TEAM_ID}%22", f"%22{OTHER_TEAM}%22")
    assert changed != body
    return changed


def _names(runtime: Runtime) -> list[str]:
    with runtime.unit_of_work() as session:
        return [i.name for i in session.exec(select(Integration)).all()]


def test_a_command_from_another_team_is_refused_and_changes_nothing(
    slack: Slack, slack_runtime: Runtime
) -> None:
    body = command_body("register elsewhere platform", user_id=ADMIN, response_url="")

    answer = slack.post(_from_other_team(body))

    assert answer.status_code == 200
    assert answer.json()["text"] == ELSEWHERE
    assert _names(slack_runtime) == []


def test_an_admins_user_id_from_another_team_does_not_act_as_an_admin(
    slack: Slack, slack_runtime: Runtime
) -> None:
    slack.post(command_body("register acme platform", user_id=OWNER, response_url=""))

    answer = slack.post(
        _from_other_team(command_body(f"owner acme <@{ADMIN}>", user_id=ADMIN, response_url=""))
    )

    assert answer.json()["text"] == ELSEWHERE
    with slack_runtime.unit_of_work() as session:
        [acme] = session.exec(select(Integration)).all()
    assert acme.owner == OWNER


def test_an_interaction_from_another_team_is_acknowledged_and_ignored(slack: Slack) -> None:
    body = lane_choice_body(user_id=OWNER, identity_id=1, answer="customer")

    answer = slack.post(_from_other_team(body))

    assert (answer.status_code, answer.text) == (200, "")


def test_the_installed_team_is_served(slack: Slack, slack_runtime: Runtime) -> None:
    slack.post(command_body("register here platform", user_id=OWNER, response_url=""))

    assert _names(slack_runtime) == ["here"]
