"""The Dockerfile read as its instructions, stage by stage, so that the packaging tests check
(and run) what it says rather than a copy of it: no Docker engine runs here."""

from __future__ import annotations

import json
import shlex
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = ROOT / "Dockerfile"


@dataclass(frozen=True)
class Instruction:
    keyword: str  # upper case: RUN, COPY, ...
    arguments: str  # continuation lines joined, comments dropped

    def words(self) -> list[str]:
        return shlex.split(self.arguments)

    def exec_form(self, after: str | None = None) -> list[str]:
        """`["python", "-c", "..."]` as a list (after `CMD ` for a HEALTHCHECK); the shell form
        is refused, so a reader sees the exact argv the container runs."""
        text = self.arguments.split(f"{after} ", 1)[1] if after else self.arguments
        found = json.loads(text)
        assert isinstance(found, list), self.arguments
        return [str(word) for word in found]


@dataclass
class Stage:
    base: str
    name: str | None
    instructions: list[Instruction] = field(default_factory=list)

    def all(self, keyword: str) -> list[Instruction]:
        return [step for step in self.instructions if step.keyword == keyword]

    def one(self, keyword: str) -> Instruction:
        [found] = self.all(keyword)
        return found


@dataclass
class Dockerfile:
    global_args: dict[str, str]
    stages: list[Stage]

    def stage(self, name: str) -> Stage:
        [found] = [stage for stage in self.stages if stage.name == name]
        return found

    @property
    def final(self) -> Stage:
        return self.stages[-1]


def _logical_lines(text: str) -> list[str]:
    lines: list[str] = []
    pending = ""
    for raw in text.splitlines():
        if raw.lstrip().startswith("#"):
            continue  # comments (and the syntax directive), even inside a continuation
        if raw.rstrip().endswith("\\"):
            pending += raw.rstrip()[:-1] + " "
            continue
        line = (pending + raw).strip()
        pending = ""
        if line:
            lines.append(line)
    return lines


def read_dockerfile(path: Path = DOCKERFILE) -> Dockerfile:
    global_args: dict[str, str] = {}
    stages: list[Stage] = []
    for line in _logical_lines(path.read_text()):
        keyword, _, arguments = line.partition(" ")
        keyword, arguments = keyword.upper(), arguments.strip()
        if keyword == "FROM":
            words = arguments.split()
            name = words[2] if len(words) == 3 and words[1].upper() == "AS" else None
            stages.append(Stage(base=words[0], name=name))
        elif not stages and keyword == "ARG":
            key, _, default = arguments.partition("=")
            global_args[key] = default
        else:
            stages[-1].instructions.append(Instruction(keyword, arguments))
    return Dockerfile(global_args=global_args, stages=stages)
