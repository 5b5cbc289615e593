"""The real bot as a process of its own: `boundary-bot run` started with an environment, waited
for (its health check, or its Socket Mode connection), stopped with a signal, its log read."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Self

import httpx

# The console script installed next to this interpreter, as an operator starts it.
BOUNDARY_BOT = Path(sys.executable).parent / "boundary-bot"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def bot_env(*, database_url: str, api_url: str, bot_token: str, **settings: str) -> dict[str, str]:
    """The bot's whole environment: PATH and these settings, nothing else from this shell."""
    return {
        "PATH": os.environ.get("PATH", ""),
        "DATABASE_URL": database_url,
        "SLACK_API_URL": api_url,
        "SLACK_BOT_TOKEN": bot_token,
        **settings,
    }


def run_bot(
    env: dict[str, str], workdir: Path, *, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """`boundary-bot run` to its end (a start-up meant to fail), its output captured."""
    # A working directory of its own, so no developer's .env is read.
    return subprocess.run(
        [str(BOUNDARY_BOT), "run"],
        env=env,
        cwd=workdir,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


class BotProcess:
    """`boundary-bot run`, started at once in the background with its stdout and stderr in
    `workdir/bot.log`; leaving its `with` block stops it (SIGTERM, then SIGKILL) if it runs."""

    def __init__(self, env: dict[str, str], workdir: Path) -> None:
        self.log = workdir / "bot.log"
        with self.log.open("wb") as output:
            # A working directory of its own, so no developer's .env is read.
            self.process = subprocess.Popen(
                [str(BOUNDARY_BOT), "run"], env=env, cwd=workdir, stdout=output, stderr=output
            )

    def read_log(self) -> str:
        return self.log.read_text()

    def wait_for_health(self, port: int, timeout: float = 20) -> None:
        """Until GET /healthz answers 200 (HTTP mode); a bot that exits or is too slow raises,
        with its log."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"the bot exited ({self.process.returncode}):\n{self.read_log()}"
                )
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz").status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.05)
        self.kill()
        raise TimeoutError(f"the bot did not start:\n{self.read_log()}")

    def wait_for_socket_mode(self, connected: Callable[[], None]) -> None:
        """Until `connected` returns: it waits for Slack's end to see the connection, and raises
        TimeoutError when it does not; then the bot is killed and its log raised."""
        try:
            connected()
        except TimeoutError:
            self.kill()
            raise TimeoutError(self.read_log()) from None

    def stop(self, signum: int = signal.SIGTERM, timeout: float = 15) -> int:
        """Send `signum` and return the exit code; a bot that does not stop is killed, and
        that raises."""
        self.process.send_signal(signum)
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_: object) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()
