"""One deployment serves one Slack workspace: a request from any other team (or, for an
org-wide install, any other enterprise) is refused before a listener sees it, so a user id
that is an admin here cannot act as one from elsewhere."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from slack_bolt import App, BoltRequest, BoltResponse
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.metrics import RequestOutcome
from bot.request_scope import note_outcome
from handlers.middleware import Next, RequestMiddleware

logger = logging.getLogger(__name__)

ELSEWHERE = "boundary-bot serves one Slack workspace, and this request comes from another."


@dataclass(frozen=True)
class Installation:
    team_id: str | None
    enterprise_id: str | None
    org_wide: bool

    def serves(self, team_id: str | None, enterprise_id: str | None) -> bool:
        if self.org_wide:
            return enterprise_id is not None and enterprise_id == self.enterprise_id
        return team_id is None or team_id == self.team_id


class InstalledWorkspace:
    """Where the bot token belongs, asked of Slack (auth.test) once per process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._installation: Installation | None = None

    def of(self, client: WebClient) -> Installation:
        with self._lock:
            if self._installation is None:
                answer = client.auth_test()
                self._installation = Installation(
                    team_id=answer.get("team_id"),
                    enterprise_id=answer.get("enterprise_id"),
                    org_wide=bool(answer.get("is_enterprise_install")),
                )
            return self._installation


def only_this_workspace(
    installed: InstalledWorkspace,
) -> Callable[[BoltRequest, Next], BoltResponse]:
    def middleware(req: BoltRequest, next: Next) -> BoltResponse:
        body, context, client = req.body, req.context, req.context.client
        try:
            if client is None:  # bolt's authorization puts one in every request's context
                raise OSError("no Web API client")
            installation = installed.of(client)
        except (SlackApiError, OSError) as error:
            logger.warning("cannot tell which workspace the bot serves (%s)", type(error).__name__)
            return BoltResponse(status=503, body="")
        if installation.serves(context.team_id, context.enterprise_id):
            return next()
        logger.warning(
            "refused a request from team %s (enterprise %s)", context.team_id, context.enterprise_id
        )
        note_outcome(RequestOutcome.FOREIGN)
        if body.get("command"):
            answer = {"response_type": "ephemeral", "text": ELSEWHERE}
            return BoltResponse(status=200, body=json.dumps(answer), headers=_JSON)
        return BoltResponse(status=200, body="")

    return middleware


_JSON: dict[str, str | Sequence[str]] = {"content-type": "application/json;charset=utf-8"}


def register(app: App) -> None:
    # Before the runtime middleware and every listener.
    app.use(RequestMiddleware(only_this_workspace(InstalledWorkspace())))
