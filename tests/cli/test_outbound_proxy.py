"""Outbound calls go through the proxy the environment names, as docs/deployment.md says: the
Slack Web API (slack_sdk, which takes HTTPS_PROXY, else HTTP_PROXY, for every scheme) and the
connectors (httpx: HTTP_PROXY for http:// sources, HTTPS_PROXY for https://), through a
recording proxy on loopback. Loopback is not exempt unless NO_PROXY says so."""

from __future__ import annotations

import os
from collections.abc import Iterator

import httpx
import pytest
from typer.testing import CliRunner, Result

from bot.cli import app
from bot.playground.standin import SlackStandIn
from bot.settings import Settings
from handlers.client import make_client
from tests.cli.conftest import OWNER, Workspace
from tests.conftest import BOT_TOKEN
from tests.connectors.servers import ScimServer, scim_server
from tests.support.proxy import LoopbackProxy

PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY")
TOKEN = "scim-test-token"
SECRET = "BOUNDARY_TEST_SCIM_TOKEN"


@pytest.fixture(autouse=True)
def no_proxy_from_this_shell(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.upper() in PROXY_VARIABLES:
            monkeypatch.delenv(name)


@pytest.fixture
def proxy() -> Iterator[LoopbackProxy]:
    with LoopbackProxy() as running:
        yield running


@pytest.fixture
def scim() -> Iterator[ScimServer]:
    with scim_server(TOKEN) as server:
        with httpx.Client(
            base_url=server.base_url, headers={"Authorization": f"Bearer {TOKEN}"}, trust_env=False
        ) as client:
            client.post(
                "Users",
                json={"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "dev"},
            ).raise_for_status()
        yield server


def run(workspace: Workspace, *args: str, **env: str) -> Result:
    clean = {k: v for k, v in workspace.env.items() if k.upper() not in PROXY_VARIABLES}
    return CliRunner().invoke(app, list(args), env=clean | env)


def _owner_with_an_open_item(workspace: Workspace, standin: SlackStandIn) -> dict[str, str]:
    workspace.seed("integration", "add", "acme-tenant", "--layer", "application", "--owner", OWNER)
    workspace.seed("import", "acme-tenant", "--csv", workspace.csv("p.csv", "external_id\nu1\n"))
    standin.add_user(OWNER, tz="UTC")
    return {"SLACK_API_URL": standin.api_url, "SLACK_BOT_TOKEN": BOT_TOKEN}


def _connected(workspace: Workspace, url: str) -> None:
    workspace.seed("integration", "add", "corp-dir", "--layer", "platform", "--owner", OWNER)
    workspace.seed("connect", "corp-dir", "--kind", "scim", "--url", url, "--secret-env", SECRET)


@pytest.mark.parametrize("variable", ["HTTPS_PROXY", "HTTP_PROXY", "https_proxy"])
def test_slack_web_api_calls_go_through_the_proxy_the_environment_names(
    workspace: Workspace, standin: SlackStandIn, proxy: LoopbackProxy, variable: str
) -> None:
    slack = _owner_with_an_open_item(workspace, standin)

    done = run(workspace, "sweep", **slack, **{variable: proxy.url})

    assert done.exit_code == 0, done.output
    assert ("POST", f"{standin.api_url}chat.postMessage") in proxy.requests()
    assert len(standin.calls("chat.postMessage")) == 1


def test_a_connector_sync_from_an_http_source_goes_through_http_proxy(
    workspace: Workspace, scim: ScimServer, proxy: LoopbackProxy
) -> None:
    _connected(workspace, scim.base_url)

    done = run(workspace, "sync", "corp-dir", HTTP_PROXY=proxy.url, **{SECRET: TOKEN})

    assert done.exit_code == 0, done.output
    assert any(
        method == "GET" and target.startswith(f"{scim.base_url}Users")
        for method, target in proxy.requests()
    )


def test_https_proxy_alone_does_not_carry_a_connectors_http_requests(
    workspace: Workspace, scim: ScimServer, proxy: LoopbackProxy
) -> None:
    _connected(workspace, scim.base_url)

    done = run(workspace, "sync", "corp-dir", HTTPS_PROXY=proxy.url, **{SECRET: TOKEN})

    assert done.exit_code == 0, done.output
    assert proxy.requests() == []


def test_every_attempt_of_an_https_slack_call_tunnels_to_port_443(
    proxy: LoopbackProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The proxy refuses every tunnel, so the client tries three times (its retries); bare
    # slack_sdk opens the third tunnel to port 80 and sends the call unencrypted there.
    monkeypatch.setenv("HTTPS_PROXY", proxy.url)
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, SLACK_API_URL="https://slack.example.test/api/", SLACK_BOT_TOKEN=BOT_TOKEN
    )

    with pytest.raises(OSError, match="Tunnel connection failed: 403"):
        make_client(settings).auth_test()

    assert proxy.requests() == [("CONNECT", "slack.example.test:443")] * 3


def test_an_https_source_is_reached_through_a_connect_tunnel(
    workspace: Workspace, proxy: LoopbackProxy
) -> None:
    _connected(workspace, "https://scim.example.test/v2/")

    done = run(workspace, "sync", "corp-dir", HTTPS_PROXY=proxy.url, **{SECRET: TOKEN})

    assert done.exit_code == 1
    assert "could not reach the source at https://scim.example.test/v2/" in done.output
    assert set(proxy.requests()) == {("CONNECT", "scim.example.test:443")}


def test_no_proxy_exempts_the_hosts_it_names_for_slack_and_connectors(
    workspace: Workspace, standin: SlackStandIn, scim: ScimServer, proxy: LoopbackProxy
) -> None:
    slack = _owner_with_an_open_item(workspace, standin)
    _connected(workspace, scim.base_url)
    proxies = {"HTTP_PROXY": proxy.url, "HTTPS_PROXY": proxy.url, "NO_PROXY": "127.0.0.1"}

    swept = run(workspace, "sweep", **slack, **proxies)
    synced = run(workspace, "sync", "corp-dir", **proxies, **{SECRET: TOKEN})

    assert (swept.exit_code, synced.exit_code) == (0, 0), swept.output + synced.output
    assert proxy.requests() == []
    assert len(standin.calls("chat.postMessage")) == 1
