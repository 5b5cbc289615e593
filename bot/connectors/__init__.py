"""Identity sources: validate a connector's non-secret settings, and build one for a sync."""

from __future__ import annotations

import re
from enum import StrEnum
from pathlib import Path
from typing import Any

from bot import validation
from bot.connectors import anthropic
from bot.connectors.anthropic import AnthropicConnector
from bot.connectors.base import Connector, ConnectorError
from bot.connectors.csv_file import CsvConnector
from bot.connectors.http import RetryPolicy, SourceClient
from bot.connectors.okta import OktaConnector
from bot.connectors.openai import OpenAIConnector
from bot.connectors.paging import SourceLimits
from bot.connectors.scim import ScimConnector
from bot.connectors.workos import WorkOSConnector
from bot.errors import InvalidInput
from bot.settings import Settings
from storage.models import Integration
from storage.vocabulary import Layer

__all__ = ["ConnectorError", "ConnectorKind", "build_connector", "check_settings"]

_VARIABLE = re.compile(r"^[A-Z_][A-Z0-9_]{0,127}$")


class ConnectorKind(StrEnum):
    SCIM = "scim"
    OPENAI = "openai"
    WORKOS = "workos"
    OKTA = "okta"
    ANTHROPIC = "anthropic"
    CSV = "csv"


# Each kind's settings: name -> (required, default). `secret_env` names an environment
# variable; the secret itself is never stored.
_SETTINGS: dict[ConnectorKind, dict[str, tuple[bool, Any]]] = {
    ConnectorKind.SCIM: {
        "url": (True, None),
        "secret_env": (False, None),
        "filter": (False, None),
        "page_size": (False, 100),
        "groups": (False, False),
        "directory": (False, None),
    },
    ConnectorKind.OPENAI: {
        "url": (False, "https://api.openai.com/v1/"),
        "secret_env": (False, "OPENAI_ADMIN_KEY"),
    },
    ConnectorKind.WORKOS: {
        "url": (False, "https://api.workos.com/"),
        "secret_env": (False, "WORKOS_API_KEY"),
    },
    ConnectorKind.OKTA: {
        "url": (True, None),
        "app_id": (False, None),
        "apps": (False, None),
        "label_prefix": (False, None),
        "filter": (False, None),
        "secret_env": (False, "OKTA_API_TOKEN"),
    },
    ConnectorKind.ANTHROPIC: {
        "url": (False, anthropic.DEFAULT_BASE_URL),
        "secret_env": (False, anthropic.KEY_VARIABLE),
    },
    ConnectorKind.CSV: {"path": (True, None)},
}


def check_settings(kind: ConnectorKind, given: dict[str, Any]) -> dict[str, Any]:
    """The settings to store for `kind`, with defaults filled in; InvalidInput if wrong."""
    known = _SETTINGS[kind]
    unknown = sorted(set(given) - set(known))
    if unknown:
        raise InvalidInput(
            f"`{kind}` has no setting {', '.join(unknown)}; it takes {', '.join(known)}."
        )
    settings: dict[str, Any] = {}
    for name, (required, default) in known.items():
        value = given.get(name, default)
        if value is None:
            if required:
                raise InvalidInput(f"`{kind}` needs --{name.replace('_', '-')}.")
            continue
        settings[name] = value
    if "url" in settings:
        url = str(settings["url"])
        if not url.startswith(("https://", "http://")) or "@" in url.split("/")[2]:
            raise InvalidInput("--url must be an http(s) URL without credentials in it.")
        settings["url"] = url if url.endswith("/") else url + "/"
    secret_env = settings.get("secret_env")
    if secret_env is not None and not _VARIABLE.match(str(secret_env)):
        raise InvalidInput(
            "--secret-env names an environment variable (like SCIM_TOKEN), not the secret itself."
        )
    if "page_size" in settings:
        size = int(settings["page_size"])
        if not 1 <= size <= 1000:
            raise InvalidInput("--page-size is between 1 and 1000.")
        settings["page_size"] = size
    if settings.get("directory") not in (None, *(layer.value for layer in Layer)):
        raise InvalidInput("--directory is `platform` or `application`.")
    if kind is ConnectorKind.OKTA:
        _check_okta(settings)
    return settings


def _check_okta(settings: dict[str, Any]) -> None:
    """One app (`app_id`), or every app of the org (`apps=all`, narrowed by `label_prefix`
    and Okta's `filter` expression), never both."""
    if ("app_id" in settings) == ("apps" in settings):
        raise InvalidInput("`okta` needs --app-id (one app) or --apps all (every app), not both.")
    if "app_id" in settings:
        if "label_prefix" in settings or "filter" in settings:
            raise InvalidInput("--label-prefix and --filter go with --apps all, not --app-id.")
        settings["app_id"] = validation.external_id(str(settings["app_id"]))
        if not re.match(r"^[A-Za-z0-9_-]+$", settings["app_id"]):
            raise InvalidInput("--app-id is an Okta app id like 0oa1b2c3d4.")
        return
    if str(settings["apps"]).strip().lower() != "all":
        raise InvalidInput("--apps takes `all` (every app of the org, one integration each).")
    settings["apps"] = "all"
    for name, limit in (("label_prefix", 100), ("filter", 500)):
        if name not in settings:
            continue
        value = str(settings[name]).strip()
        if not value or len(value) > limit or not value.isprintable():
            option = f"--{name.replace('_', '-')}"
            raise InvalidInput(f"{option} is printable text of 1 to {limit} characters.")
        settings[name] = value


def build_connector(
    integration: Integration, settings: Settings, retry: RetryPolicy | None = None
) -> Connector:
    """The connector configured on `integration`, with its secret read from the environment."""
    try:
        kind = ConnectorKind(integration.connector_kind or "")
    except ValueError:
        raise ConnectorError(f"unknown connector kind `{integration.connector_kind}`") from None
    config = dict(integration.connector_settings or {})
    if kind is ConnectorKind.CSV:
        return CsvConnector(Path(str(config["path"])))
    secret_env = config.get("secret_env")
    headers = {"Accept": "application/json", "User-Agent": "boundary-bot"}
    if secret_env:
        secret = settings.secret(str(secret_env))
        if secret is None:
            raise ConnectorError(f"the environment variable {secret_env} (the secret) is not set")
        headers.update(_auth_headers(kind, secret.get_secret_value()))
    client = SourceClient(
        base_url=str(config["url"]),
        headers=headers,
        secret_name=str(secret_env),
        retry=retry,
        limits=SourceLimits(
            max_pages=settings.sync_max_pages,
            max_response_bytes=settings.sync_max_response_mb * 2**20,
        ),
    )
    if kind is ConnectorKind.SCIM:
        layer = config.get("directory") or integration.layer
        return ScimConnector(
            client,
            directory_layer=Layer(layer),
            page_size=int(config.get("page_size") or 100),
            scim_filter=config.get("filter"),
            groups=bool(config.get("groups")),
        )
    if kind is ConnectorKind.OPENAI:
        return OpenAIConnector(client)
    if kind is ConnectorKind.WORKOS:
        return WorkOSConnector(client)
    if kind is ConnectorKind.ANTHROPIC:
        return AnthropicConnector(client)
    if config.get("apps") == "all":
        return OktaConnector(
            client,
            label_prefix=config.get("label_prefix"),
            app_filter=config.get("filter"),
            layer=Layer(integration.layer),
        )
    return OktaConnector(client, app_id=str(config["app_id"]))


def _auth_headers(kind: ConnectorKind, secret: str) -> dict[str, str]:
    if kind is ConnectorKind.ANTHROPIC:
        return anthropic.auth_headers(secret)
    scheme = "SSWS" if kind is ConnectorKind.OKTA else "Bearer"
    return {"Authorization": f"{scheme} {secret}"}
