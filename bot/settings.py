"""All configuration, read once from the environment and `.env`, then passed down."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Annotated, Literal

from apscheduler.triggers.cron import CronTrigger
from dotenv import dotenv_values
from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite:///boundary-bot.db"
README_SLACK_SETUP = "README.md#slack-app-setup"


class SettingsError(Exception):
    """A missing or malformed setting; the message is one line that names it."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    slack_bot_token: SecretStr | None = Field(default=None, validation_alias="SLACK_BOT_TOKEN")
    slack_signing_secret: SecretStr | None = Field(
        default=None, validation_alias="SLACK_SIGNING_SECRET"
    )
    slack_app_token: SecretStr | None = Field(default=None, validation_alias="SLACK_APP_TOKEN")
    slack_api_url: str = Field(default="https://slack.com/api/", validation_alias="SLACK_API_URL")
    database_url: str = Field(default=DEFAULT_DATABASE_URL, validation_alias="DATABASE_URL")
    port: int = Field(default=3000, ge=1, le=65535, validation_alias="PORT")
    # HTTP mode: uvicorn worker processes sharing the port and the database (docs/deployment.md).
    http_workers: int = Field(default=1, ge=1, le=64, validation_alias="BOUNDARY_HTTP_WORKERS")
    admins: Annotated[frozenset[str], NoDecode] = Field(
        default=frozenset(), validation_alias="BOUNDARY_ADMINS"
    )
    escalation_channel: str | None = Field(
        default=None, validation_alias="BOUNDARY_ESCALATION_CHANNEL"
    )
    # The Slack user id CLI writes are credited to (`--as` overrides it); none: they refuse.
    operator: str | None = Field(default=None, validation_alias="BOUNDARY_OPERATOR")
    review_days: int = Field(default=90, ge=1, le=3650, validation_alias="BOUNDARY_REVIEW_DAYS")
    # A key, service account or bot not used for this long is an `unused` gap.
    unused_days: int = Field(default=90, ge=1, le=3650, validation_alias="BOUNDARY_UNUSED_DAYS")
    # Organisation admin keys are reviewed on this shorter interval (`admin-key` gap).
    admin_review_days: int = Field(
        default=30, ge=1, le=3650, validation_alias="BOUNDARY_ADMIN_REVIEW_DAYS"
    )
    # Cron expressions (minute hour day month day-of-week). The nudge cycle is evaluated in
    # each owner's own Slack time zone; the others in UTC.
    nudge_schedule: str = Field(
        default="30 9 * * mon-fri", validation_alias="BOUNDARY_NUDGE_SCHEDULE"
    )
    escalate_after: int = Field(default=3, ge=1, le=52, validation_alias="BOUNDARY_ESCALATE_AFTER")
    sync_schedule: str = Field(default="0 5 * * *", validation_alias="BOUNDARY_SYNC_SCHEDULE")
    orphan_schedule: str = Field(default="0 6 * * *", validation_alias="BOUNDARY_ORPHAN_SCHEDULE")
    # A paged source read stops (and the sync fails, changing nothing) past this many pages.
    sync_max_pages: int = Field(
        default=20_000, ge=1, le=10_000_000, validation_alias="BOUNDARY_SYNC_MAX_PAGES"
    )
    # One source response over this many MiB is refused before it is read whole.
    sync_max_response_mb: int = Field(
        default=16, ge=1, le=1024, validation_alias="BOUNDARY_SYNC_MAX_RESPONSE_MB"
    )
    # A campaign launches only when each in-scope connector synced successfully this recently
    # (`--allow-stale --reason` overrides it, on the record).
    campaign_sync_max_age_hours: int = Field(
        default=24, ge=1, le=24 * 365, validation_alias="BOUNDARY_CAMPAIGN_SYNC_MAX_AGE_HOURS"
    )
    # Campaign reminders lead the owner's digest this many days before the due date (0: on the
    # day), then daily while overdue.
    campaign_reminder_days: Annotated[tuple[int, ...], NoDecode] = Field(
        default=(7, 2, 0), validation_alias="BOUNDARY_CAMPAIGN_REMINDER_DAYS"
    )
    log_level: str = Field(default="INFO", validation_alias="LOG_LEVEL")
    # `text` for people; `json`, one object per line, for a log pipeline (docs/observability.md).
    log_format: Literal["text", "json"] = Field(default="text", validation_alias="LOG_FORMAT")

    @field_validator("campaign_reminder_days", mode="before")
    @classmethod
    def _split_days(cls, value: object) -> object:
        if isinstance(value, str):
            days = [part.strip() for part in value.split(",") if part.strip()]
            if not all(day.isdigit() and int(day) <= 365 for day in days):
                raise ValueError("a comma-separated list of days before the due date (0-365)")
            return tuple(sorted({int(day) for day in days}, reverse=True))
        return value

    @field_validator("admins", mode="before")
    @classmethod
    def _split_admins(cls, value: object) -> object:
        if isinstance(value, str):
            return frozenset(part.strip() for part in value.split(",") if part.strip())
        return value

    @field_validator("log_format", mode="before")
    @classmethod
    def _lower_case(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("slack_api_url")
    @classmethod
    def _slash_terminated(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an http(s) URL")
        return value if value.endswith("/") else value + "/"

    @field_validator("nudge_schedule", "sync_schedule", "orphan_schedule")
    @classmethod
    def _five_field_cron(cls, value: str) -> str:
        fields = value.split()
        if len(fields) != 5:
            raise ValueError("must be a cron expression with five fields")
        fields[4] = _standard_days(fields[4])
        schedule = " ".join(fields)
        try:
            CronTrigger.from_crontab(schedule, timezone="UTC")
        except ValueError as error:
            raise ValueError(f"not a valid cron expression: {error}") from None
        return schedule

    def secret(self, name: str) -> SecretStr | None:
        """The secret held by environment variable `name` (or the `.env` file): connectors name
        their secrets this way so that no secret is ever stored, and no other module reads
        the environment."""
        value = os.environ.get(name)
        if value is None and Path(".env").is_file():
            value = dotenv_values(".env").get(name)
        return SecretStr(value) if value else None

    @property
    def socket_mode(self) -> bool:
        return self.slack_app_token is not None

    def require_slack(self) -> None:
        """Stop start-up, in one line, when `run` lacks what Slack needs."""
        missing = [] if self.slack_bot_token else ["SLACK_BOT_TOKEN"]
        if not self.socket_mode and not self.slack_signing_secret:
            missing.append("SLACK_SIGNING_SECRET")
        if missing:
            raise SettingsError(
                f"missing setting{'s' if len(missing) > 1 else ''}: {', '.join(missing)}"
                f" (set in the environment or .env; see {README_SLACK_SETUP})"
            )


# Standard cron numbers the days of the week from Sunday = 0 (7 is Sunday too); APScheduler's
# `from_crontab` from Monday = 0, so `1-5` would silently mean Tuesday to Saturday. Numeric days
# are rewritten to names, which mean the same to both.
_DAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
_NUMERIC_DAYS = re.compile(
    r"^(?:\*/(?P<every>\d+)|(?P<first>\d+)(?:-(?P<last>\d+)(?:/(?P<step>\d+))?)?)$"
)
_DAYS_HELP = (
    "use 0-7 (0 and 7 are Sunday), ranges such as 1-5, lists, */n, or names such as mon-fri"
)


def _standard_days(field: str) -> str:
    """The day-of-week field with standard cron's numbers turned into day names."""
    if not any(char.isdigit() for char in field):
        return field  # `*` and names read the same in standard cron and in APScheduler
    if any(char.isalpha() for char in field):
        raise ValueError(f"day of week {field!r} mixes numbers and names; use one or the other")
    days: set[int] = set()
    for part in field.split(","):
        match = _NUMERIC_DAYS.match(part)
        if match is None:
            raise ValueError(f"day of week {part!r}: {_DAYS_HELP}")
        if match["every"] is not None:
            first, last, step = 0, 6, int(match["every"])
        else:
            first = int(match["first"])
            last = int(match["last"]) if match["last"] is not None else first
            step = int(match["step"]) if match["step"] is not None else 1
        if not 0 <= first <= last <= 7 or step < 1:
            raise ValueError(f"day of week {part!r}: {_DAYS_HELP}")
        days.update(day % 7 for day in range(first, last + 1, step))
    if len(days) == 7:
        return "*"
    # Runs in Monday-first order, because APScheduler's ranges may not wrap past Sunday.
    monday_first = sorted((day - 1) % 7 for day in days)
    runs: list[list[int]] = []
    for day in monday_first:
        if runs and day == runs[-1][-1] + 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    names = [_DAYS[(day + 1) % 7] for day in range(7)]
    return ",".join(
        f"{names[run[0]]}-{names[run[-1]]}" if len(run) > 2 else ",".join(names[d] for d in run)
        for run in runs
    )


def load_settings(env_file: Path | None = None, *, dotenv: bool = True) -> Settings:
    """Build the settings or raise SettingsError naming the variables that are wrong;
    `dotenv=False` reads the environment only (the playground never reads `.env`)."""
    try:
        if env_file is not None or not dotenv:
            return Settings(_env_file=env_file)
        return Settings()
    except ValidationError as error:
        names = []
        for problem in error.errors():
            name = str(problem["loc"][0]) if problem["loc"] else "?"
            names.append(f"{name} ({problem['msg']})")
        raise SettingsError("malformed setting: " + "; ".join(names)) from None
