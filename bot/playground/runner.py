"""Start the playground: the stand-in, the real bot over HTTP, demo data and the page server."""

from __future__ import annotations

import errno
import logging
import secrets
import socket
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import uvicorn

from bot.app import slack_messenger
from bot.clock import ManualClock, SystemClock
from bot.playground.seed import ADMIN, CHANNEL_ID, USERS, seed, start_demo_campaign
from bot.playground.server import BotEndpoint, build_playground_app
from bot.playground.standin import PlaygroundStandIn
from bot.playground.workspace import Workspace
from bot.runtime import Runtime
from bot.settings import Settings
from bot.text import plural

logger = logging.getLogger(__name__)

HOST = "127.0.0.1"  # loopback only: the playground is never reachable from other machines
DEFAULT_PORT = 3700
DATABASE_FILE = "playground.db"
PORT_TRIES = 20  # a taken port: try the next ones up, as Jupyter and Vite do, then give up


def _listen(port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((HOST, port))
        sock.listen(128)
    except OSError:
        sock.close()
        raise
    sock.setblocking(False)
    return sock


def _listen_from(port: int, tries: int = PORT_TRIES) -> socket.socket:
    """Listen on `port` or, when something else holds it, on the next free port above it and
    say which (port 0 means any free port)."""
    if port == 0:
        return _listen(0)
    last = min(port + tries, 65536)
    for candidate in range(port, last):
        try:
            sock = _listen(candidate)
        except OSError as error:
            if error.errno != errno.EADDRINUSE:
                raise
            continue
        if candidate != port:
            logger.warning("port %d is in use, serving on %d", port, candidate)
        return sock
    raise OSError(errno.EADDRINUSE, f"ports {port} to {last - 1} on {HOST} are all in use")


class _ServerThread:
    """One uvicorn server on a socket we bound ourselves, run in a daemon thread."""

    def __init__(self, app: Any, sock: socket.socket, name: str) -> None:
        # log_config=None: uvicorn's lines go through the handler configured at start-up.
        config = uvicorn.Config(
            app, log_config=None, log_level="warning", access_log=False, lifespan="auto"
        )
        self.server = uvicorn.Server(config)
        self.sock = sock
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [sock]}, name=name, daemon=True
        )

    def start(self) -> None:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"{self.thread.name} did not start")
            time.sleep(0.02)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.sock.close()


def fires_on(schedule: str, moment: datetime) -> bool:
    """Whether the nudge schedule fires on `moment`'s day (playground users live in UTC)."""
    from apscheduler.triggers.cron import CronTrigger

    midnight = moment.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    trigger = CronTrigger.from_crontab(schedule, timezone=UTC)
    fire = trigger.get_next_fire_time(None, midnight)
    return fire is not None and fire.date() == midnight.date()


def describe(report: Any) -> str:
    """A nudge cycle's report in one line for the page."""
    parts = [f"{plural(report.sent, 'digest')} sent"]
    if report.escalated:
        parts.append(f"{len(report.escalated)} escalated")
    if report.snoozed:
        parts.append(f"{report.snoozed} snoozed")
    if report.nothing_open:
        parts.append(f"{report.nothing_open} with nothing open")
    if report.failed:
        parts.append(f"{report.failed} failed")
    return ", ".join(parts)


def _fresh_database(directory: Path) -> str:
    """A new SQLite file per run, under the playground's own directory, never the real one."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / DATABASE_FILE
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return f"sqlite:///{path.resolve()}"


def _clock_from_now() -> ManualClock:
    """The playground's one reading of the wall clock: its time starts when it starts, then
    moves only with the page's buttons."""
    return ManualClock(SystemClock().now())


@dataclass
class Playground:
    directory: Path
    port: int = DEFAULT_PORT  # taken: the next free port above it (see `url`); 0: any free port
    clock: ManualClock = field(default_factory=_clock_from_now)
    runtime: Runtime | None = None
    standin: PlaygroundStandIn | None = None
    workspace: Workspace | None = None
    _servers: list[_ServerThread] = field(default_factory=list)
    _url: str = ""

    @property
    def url(self) -> str:
        return self._url

    def start(self) -> Playground:
        # The page's port first: a port taken all the way up fails before anything starts.
        page_sock = _listen_from(self.port)
        # Generated per run: the playground never sees, needs or keeps real Slack secrets.
        signing_secret, token = secrets.token_hex(16), "xoxb-playground-" + secrets.token_hex(12)
        self.standin = standin = PlaygroundStandIn(token=token, clock=self.clock)
        standin.start()
        for user in USERS:
            standin.add_user(
                user.user_id, name=user.name, email=user.email, is_admin=user is ADMIN, tz="UTC"
            )
        settings = Settings(
            _env_file=None,
            SLACK_BOT_TOKEN=token,
            SLACK_SIGNING_SECRET=signing_secret,
            SLACK_APP_TOKEN=None,
            SLACK_API_URL=standin.api_url,
            DATABASE_URL=_fresh_database(self.directory),
            BOUNDARY_ADMINS=ADMIN.user_id,
            BOUNDARY_ESCALATION_CHANNEL=CHANNEL_ID,
        )
        self.runtime = runtime = Runtime.build(settings, clock=self.clock)
        runtime.ensure_schema()
        with runtime.unit_of_work() as session:
            seed(session, now=self.clock.now())

        from bot.server import build_asgi_app  # the Slack surface; loads Bolt only here

        bot_sock = _listen(0)
        bot = _ServerThread(build_asgi_app(runtime), bot_sock, "playground-bot")
        bot.start()
        self._servers.append(bot)
        events_url = f"http://{HOST}:{bot_sock.getsockname()[1]}/slack/events"

        self.workspace = workspace = Workspace(standin)
        app = build_playground_app(
            workspace,
            BotEndpoint(events_url, signing_secret),
            run_nudges=self.run_nudges,
            advance_clock=self.advance_clock,
            start_campaign=self.start_campaign,
            clock_now=lambda: self.clock.now().isoformat(timespec="minutes"),
        )
        page = _ServerThread(app, page_sock, "playground-page")
        page.start()
        self._servers.append(page)
        self._url = f"http://{HOST}:{page_sock.getsockname()[1]}/"
        return self

    def run_nudges(self) -> dict[str, Any]:
        """One nudge cycle now, for every owner (a sweep): at most one digest per owner a day."""
        assert self.runtime is not None
        from bot.nudges.cycle import run_cycle

        messenger = slack_messenger(self.runtime.settings)
        report = run_cycle(self.runtime, messenger=messenger, now=self.clock.now(), force=True)
        return {"ok": report.stopped is None, "result": describe(report), "error": report.stopped}

    def start_campaign(self) -> dict[str, Any]:
        """Ada starts the demo campaign (once); its reminders lead the owners' next digests."""
        assert self.runtime is not None
        from bot.errors import DomainError

        hours = self.runtime.settings.campaign_sync_max_age_hours
        try:
            with self.runtime.unit_of_work() as session:
                launched = start_demo_campaign(
                    session, now=self.clock.now(), max_sync_age=timedelta(hours=hours)
                )
        except DomainError as refused:
            return {"ok": False, "error": str(refused)}
        population = plural(launched.population, "identity", "identities")
        return {"ok": True, "result": f"{launched.name}: {population}, due {launched.due_on}"}

    def advance_clock(self, days: int) -> dict[str, Any]:
        """Move time a day at a time; on each day the schedule fires, the cycle runs as the
        scheduler would have run it (so a week shows escalation, weekends stay quiet)."""
        assert self.runtime is not None
        cycles = 0
        for _ in range(days):
            self.clock.advance(timedelta(days=1))
            if fires_on(self.runtime.settings.nudge_schedule, self.clock.now()):
                self.run_nudges()
                cycles += 1
        return {
            "ok": True,
            "now": self.clock.now().isoformat(timespec="minutes"),
            "cycles": cycles,
        }

    def stop(self) -> None:
        for server in reversed(self._servers):
            server.stop()
        self._servers.clear()
        if self.standin is not None:
            self.standin.stop()
        if self.runtime is not None:
            self.runtime.engine.dispose()

    def __enter__(self) -> Playground:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()
