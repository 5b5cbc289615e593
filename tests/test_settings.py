"""Settings: the contract's variables, .env, and one clear line for what is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import DEFAULT_DATABASE_URL, Settings, SettingsError, load_settings

CONTRACT = (
    "SLACK_BOT_TOKEN",
    "SLACK_SIGNING_SECRET",
    "SLACK_APP_TOKEN",
    "SLACK_API_URL",
    "DATABASE_URL",
    "PORT",
    "BOUNDARY_ADMINS",
    "BOUNDARY_ESCALATION_CHANNEL",
    "BOUNDARY_REVIEW_DAYS",
    "BOUNDARY_NUDGE_SCHEDULE",
    "LOG_FORMAT",
)


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    for name in CONTRACT:
        monkeypatch.delenv(name, raising=False)


def test_defaults_follow_the_contract() -> None:
    settings = load_settings()

    assert settings.database_url == DEFAULT_DATABASE_URL
    assert (settings.port, settings.review_days) == (3000, 90)
    assert settings.slack_api_url == "https://slack.com/api/"
    assert settings.admins == frozenset()
    assert not settings.socket_mode


def test_admins_are_split_on_commas_and_trimmed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOUNDARY_ADMINS", " U0ADMIN01, U0ADMIN02 ,,")

    assert load_settings().admins == frozenset({"U0ADMIN01", "U0ADMIN02"})


def test_dotenv_is_read(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(
        "SLACK_BOT_TOKEN=xoxb-from-dotenv\nBOUNDARY_REVIEW_DAYS=30\nBOUNDARY_ADMINS=U0ADMIN01\n"
    )

    settings = load_settings()

    assert settings.slack_bot_token is not None
    assert settings.slack_bot_token.get_secret_value() == "xoxb-from-dotenv"
    assert (settings.review_days, settings.admins) == (30, frozenset({"U0ADMIN01"}))


def test_environment_wins_over_dotenv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".env").write_text("BOUNDARY_REVIEW_DAYS=30\n")
    monkeypatch.setenv("BOUNDARY_REVIEW_DAYS", "45")

    assert load_settings().review_days == 45


def test_secrets_never_show_in_repr(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-secret-value")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "signing-secret-value")

    text = repr(load_settings()) + str(load_settings().model_dump())

    assert "xoxb-secret-value" not in text
    assert "signing-secret-value" not in text


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("BOUNDARY_REVIEW_DAYS", "soon"),
        ("BOUNDARY_REVIEW_DAYS", "0"),
        ("PORT", "70000"),
        ("SLACK_API_URL", "slack.com/api"),
        ("BOUNDARY_NUDGE_SCHEDULE", "every morning"),
        ("LOG_FORMAT", "yaml"),
    ],
)
def test_a_malformed_setting_is_one_line_naming_it(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)

    with pytest.raises(SettingsError) as error:
        load_settings()

    message = str(error.value)
    assert "\n" not in message
    assert name in message


def test_missing_slack_settings_are_named_in_one_line() -> None:
    with pytest.raises(SettingsError) as error:
        load_settings().require_slack()

    assert str(error.value).startswith("missing settings: SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET")
    assert "README" in str(error.value)


def test_socket_mode_needs_no_signing_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1")
    monkeypatch.setenv("SLACK_APP_TOKEN", "xapp-1")

    settings = load_settings()
    settings.require_slack()

    assert settings.socket_mode


def test_api_url_gets_a_trailing_slash() -> None:
    settings = Settings(_env_file=None, SLACK_API_URL="http://127.0.0.1:9000/api")  # type: ignore[call-arg]

    assert settings.slack_api_url == "http://127.0.0.1:9000/api/"


def test_log_format_is_text_by_default_and_json_in_any_case(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    default = load_settings().log_format
    monkeypatch.setenv("LOG_FORMAT", " JSON ")

    assert (default, load_settings().log_format) == ("text", "json")
