"""The README's offline walk-through works as written: its block, run line by line (stopping at
the first failing line) by bash in an empty directory on a fresh SQLite database, with the
installed `boundary-bot` on PATH and no Slack settings, succeeds without one error."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MARKER = "<!-- readme:offline -->"


def _offline_block() -> str:
    text = (ROOT / "README.md").read_text()
    after = text[text.index(MARKER) + len(MARKER) :]
    found = re.search(r"```sh\n(.*?)```", after, re.DOTALL)
    assert found is not None, "the README's offline block is gone"
    return found.group(1)


def test_the_readme_offline_walk_through_runs_without_an_error(tmp_path: Path) -> None:
    env = {
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "HOME": str(tmp_path),
        "LANG": "C.UTF-8",
    }

    finished = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", _offline_block()],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,  # some forty commands, each a fresh interpreter, on a shared machine
    )

    assert finished.returncode == 0, finished.stdout + finished.stderr
    assert "error" not in finished.stderr.lower(), finished.stderr
    assert "Traceback" not in finished.stdout + finished.stderr
    assert "OK 3 declarations" in finished.stdout
    assert (tmp_path / "evidence.json").exists()
