"""Checks on the values people type: integration names, Slack user ids, emails, notes."""

from __future__ import annotations

import re

from email_validator import EmailNotValidError, validate_email

from bot.errors import InvalidInput

NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}[a-z0-9]$|^[a-z0-9]$")
SLACK_USER_PATTERN = re.compile(r"^[UW][A-Z0-9]{2,31}$")
MAX_NOTE = 500
MAX_EXTERNAL_ID = 255


def integration_name(value: str) -> str:
    name = value.strip().lower()
    if not NAME_PATTERN.match(name):
        raise InvalidInput(
            "An integration name is a slug: lowercase letters, digits and dashes, at most 64"
            f" characters (like `openai-platform`); got `{clip(value)}`."
        )
    return name


def slack_user_id(value: str) -> str:
    user = value.strip()
    if not SLACK_USER_PATTERN.match(user):
        raise InvalidInput(f"`{clip(value)}` is not a Slack user id (like `U0123ABCD`).")
    return user


def looks_like_slack_user(value: str) -> bool:
    return bool(SLACK_USER_PATTERN.match(value))


def email(value: str) -> str:
    try:
        checked = validate_email(value.strip(), check_deliverability=False)
    except EmailNotValidError as error:
        raise InvalidInput(f"`{clip(value)}` is not a valid email: {error}") from None
    return checked.normalized.lower()


def external_id(value: str) -> str:
    identifier = value.strip()
    if not identifier:
        raise InvalidInput("An identity needs an id.")
    if len(identifier) > MAX_EXTERNAL_ID:
        raise InvalidInput(f"An identity id is at most {MAX_EXTERNAL_ID} characters.")
    return identifier


def note(value: str | None) -> str | None:
    if value is None:
        return None
    text = value.strip()
    if len(text) > MAX_NOTE:
        raise InvalidInput(f"A note is at most {MAX_NOTE} characters; this one has {len(text)}.")
    return text or None


def domain(value: str) -> str:
    text = value.strip().lower().lstrip("@")
    if not re.match(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$", text):
        raise InvalidInput(f"`{clip(value)}` is not a domain (like `acme.com`).")
    return text


def clip(value: str, limit: int = 60) -> str:
    value = value.replace("`", "'")
    return value if len(value) <= limit else value[: limit - 1] + "…"
