"""The domain's Messenger port over Slack's Web API: what each call posts, and what each of
Slack's answers means for the domain (a refused token, a person who is gone, a fault)."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.nudges.digest import Digest
from bot.nudges.messenger import NotDelivered, Notice, Person, Posted, RecipientGone, TokenRefused
from handlers.blocks.digest import digest_blocks, digest_text, home_url
from handlers.blocks.notices import notice_text

logger = logging.getLogger(__name__)

# Slack's answers that mean the bot token itself is no good: nothing else will work either.
AUTH_ERRORS = frozenset({"invalid_auth", "not_authed", "token_revoked", "token_expired"})
# Answers that mean the person is gone: deactivated, deleted or never existed here.
GONE_ERRORS = frozenset({"account_inactive", "user_not_found", "user_disabled", "users_not_found"})


def slack_error(error: SlackApiError) -> str:
    response: Any = error.response
    try:
        return str(response.get("error") or f"http_{response.status_code}")
    except AttributeError:
        return "unknown_error"


def _refusal(code: str) -> Exception:
    if code in AUTH_ERRORS:
        return TokenRefused(code)
    if code in GONE_ERRORS:
        return RecipientGone(code)
    return NotDelivered(code)


class SlackMessenger:
    """Messenger over one WebClient (which already retries 429s, 5xx and dropped connections)."""

    def __init__(self, client: WebClient) -> None:
        self.client = client

    def _post(self, **message: Any) -> Posted:
        try:
            answer = self.client.chat_postMessage(unfurl_links=False, **message)
        except SlackApiError as error:
            raise _refusal(slack_error(error)) from None
        except OSError as error:
            raise NotDelivered(f"connection: {type(error).__name__}") from None
        return Posted(answer.get("channel"), answer.get("ts"))

    def post_digest(self, digest: Digest, *, home: str | None) -> Posted:
        # Posting to the user id lands in the bot's DM with them without conversations.open,
        # which is Tier 3 and would cap a cycle at about 50 owners a minute.
        return self._post(
            channel=digest.owner,
            text=digest_text(digest),
            blocks=digest_blocks(digest, home=home),
        )

    def post_notice(self, to: str, notice: Notice) -> Posted:
        return self._post(channel=to, text=notice_text(notice))

    def look_up(self, user_id: str) -> Person | None:
        try:
            answer = self.client.users_info(user=user_id)
        except SlackApiError as error:
            code = slack_error(error)
            if code in AUTH_ERRORS:
                raise TokenRefused(code) from None
            if code in GONE_ERRORS:
                return Person(user_id, None, None, is_active=False)
            logger.warning("users.info for %s failed: %s", user_id, code)
            return None
        except OSError as error:
            logger.warning("users.info for %s failed: %s", user_id, type(error).__name__)
            return None
        user = answer.get("user") or {}
        return Person(
            user_id=user_id,
            tz=user.get("tz"),
            real_name=user.get("real_name"),
            is_active=not user.get("deleted", False),
            email=(user.get("profile") or {}).get("email"),
        )

    def home_link(self) -> str | None:
        """The App Home deep link needs the team and app ids; without them the digest's button
        still works as a plain button."""
        try:
            answer = self.client.auth_test()
        except SlackApiError as error:
            code = slack_error(error)
            if code in AUTH_ERRORS:
                raise TokenRefused(code) from None
            return None
        except OSError:
            return None
        return home_url(answer.get("team_id"), answer.get("app_id"))
