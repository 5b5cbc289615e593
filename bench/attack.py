"""The attack run: the real `boundary-bot run` (HTTP mode) against hostile requests, by family,
on SQLite and PostgreSQL. Prints, per family, how many requests were tried and how many were
handled as docs/security.md says they must be.

    .venv/bin/python -m bench attack [--backend sqlite|postgres|both] [--rounds 300] [--seed 7]

Each database gets a fresh bot process, a Slack Web API stand-in on loopback, two integrations
(`acme` of OWNER with twenty identities, `other` of BACKUP) and OWNER's declaration prompt DM.
Then every family runs `--rounds` times (oversized bodies a tenth as often), one request after
another except the replays, which are sent concurrently. A request is "handled" when its status
is the one expected and what the family guards did not change: no declaration by someone who
does not steward it, no second declaration for one click, no owner changed by a stranger, no
ping or link in anything the bot sent, no 5xx. At the end, over the whole run: the chain
verifies (`boundary-bot audit verify`), and the bot's log holds no traceback, no secret and no
request body (each body carries a marker).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import sqlalchemy as sa

from bench.foundation import database
from bench.hostile import SLACK_SYNTAX, broken, forbidden_in
from bench.seed import migrated_engine
from bench.slack_http import _free_port, _wait
from bot.authorization import Actor
from bot.identities import add_identity
from bot.integrations import register_integration
from bot.playground.standin import APP_ID, TEAM_ID, SlackStandIn
from handlers.ids import Action
from storage.engine import make_engine
from storage.models import Declaration, Identity, Integration, Snooze
from storage.vocabulary import Layer

SECRET = "attack-signing-secret-3c1f"
TOKEN = "xoxb-attack-token-99d2"
OWNER, BACKUP, ADMIN, STRANGER = "U0OWNER01", "U0BACKUP1", "U0ADMIN01", "U0STRANGE"
MARKER = "BODY-MARKER-41c9"  # in every body; must never reach the log
FORM = "application/x-www-form-urlencoded"


# ---- requests ---------------------------------------------------------------------------------
def signature(body: bytes, stamp: str, secret: str = SECRET) -> str:
    import hashlib
    import hmac

    base = b"v0:" + stamp.encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def signed(body: str | bytes, content_type: str = FORM) -> dict[str, str]:
    raw = body.encode() if isinstance(body, str) else body
    stamp = str(int(time.time()))
    return {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": signature(raw, stamp),
    }


_triggers = iter(range(10**9))


def trigger() -> str:
    return f"{next(_triggers)}.738474920.{random.getrandbits(64):016x}"


def command(text: str, user: str, response_url: str, team: str = TEAM_ID) -> str:
    fields = {
        "token": MARKER,
        "team_id": team,
        "team_domain": MARKER,
        "channel_id": "C0GENERAL",
        "user_id": user,
        "user_name": MARKER,
        "command": "/boundary",
        "text": text,
        "api_app_id": APP_ID,
        "response_url": response_url,
        "trigger_id": trigger(),
    }
    return urlencode(fields)


def form(payload: dict[str, Any]) -> str:
    return urlencode({"payload": json.dumps(payload)})


@dataclass
class Stage:
    """What the run attacks: the bot's address, the stand-in, the prompt OWNER was sent."""

    http: httpx.Client
    standin: SlackStandIn
    database_url: str
    prompt: dict[str, Any] = field(default_factory=dict)
    foreign_id: int = 0
    posted: list[int] = field(default_factory=list)  # one item per request, thread-safe

    def post(self, body: str | bytes, headers: dict[str, str]) -> httpx.Response:
        self.posted.append(1)
        return self.http.post("/slack/events", content=body, headers=headers)

    def choice(self, user: str, identity: int | None = None, team: str = TEAM_ID) -> dict[str, Any]:
        """A lane choice on OWNER's prompt, as Slack sends it."""
        blocks = self.prompt["blocks"]
        shown = [b for b in blocks if str(b.get("block_id", "")).startswith("identity-actions:")]
        block = random.choice(shown)
        chosen = identity or int(block["block_id"].split(":")[1])
        answer = random.choice(["workforce", "customer", "remove"])
        return {
            "type": "block_actions",
            "team": {"id": team, "domain": MARKER},
            "user": {"id": user, "username": MARKER, "team_id": team},
            "api_app_id": APP_ID,
            "token": MARKER,
            "trigger_id": trigger(),
            "actions": [
                {
                    "action_id": Action.DECLARE,
                    "block_id": f"identity-actions:{chosen}",
                    "type": "static_select",
                    "selected_option": {"value": f"{chosen}:{answer}"},
                    "action_ts": str(time.time()),
                }
            ],
            "container": {"type": "message", "message_ts": self.prompt["ts"]},
            "channel": {"id": self.prompt["channel"]},
            "message": self.prompt,
            "response_url": self.standin.response_url(),
        }

    def button(self, user: str, action: str, value: str) -> dict[str, Any]:
        payload = self.choice(user)
        payload["actions"] = [{"action_id": action, "block_id": "b", "value": value}]
        return payload


# ---- what the database says -------------------------------------------------------------------
@dataclass(frozen=True)
class Record:
    declarations: int
    unstewarded: int  # declarations or snoozes by someone who may not make them
    owners: dict[str, tuple[str, str | None]]  # integration: (owner, backup owner)


def record(url: str) -> Record:
    engine = make_engine(url)
    try:
        with engine.connect() as db:
            rows = db.execute(
                sa.select(Declaration.declared_by, Integration.owner, Integration.backup_owner)  # type: ignore[call-overload]
                .join(Identity, Identity.id == Declaration.identity_id)
                .join(Integration, Integration.id == Identity.integration_id)
            ).all()
            snoozes = db.execute(sa.select(Snooze.created_by, Snooze.owner)).all()  # type: ignore[call-overload]
            owners = db.execute(
                sa.select(Integration.name, Integration.owner, Integration.backup_owner)  # type: ignore[call-overload]
            ).all()
    finally:
        engine.dispose()
    wrong = sum(1 for by, owner, backup in rows if by not in {owner, backup, ADMIN})
    wrong += sum(1 for by, owner in snoozes if by != owner)
    return Record(len(rows), wrong, {name: (o, b) for name, o, b in owners})


# ---- the families -----------------------------------------------------------------------------
Round = Callable[["Stage", random.Random], bool]


def _sent_since(stage: Stage, calls: int) -> str:
    sent = [c.params for c in stage.standin.calls()[calls:] if c.method != "auth.test"]
    return json.dumps([sent, stage.standin.state.responses], ensure_ascii=False)


@contextmanager
def _unchanged(
    stage: Stage, *, declarations: frozenset[int] = frozenset({0})
) -> Iterator[list[bool]]:
    """Yields a list to append the round's own verdicts to; then checks that the number of
    declarations grew by one of `declarations`, that nobody wrote what they do not steward,
    that no owner changed and that nothing the bot sent pings or links."""
    verdicts: list[bool] = []
    before, calls = record(stage.database_url), len(stage.standin.calls())
    yield verdicts
    time.sleep(0.02)  # the bot's work after the acknowledgement
    after = record(stage.database_url)
    verdicts += [
        after.declarations - before.declarations in declarations,
        after.unstewarded == 0,
        # Anyone may register a new integration (and owns it); nobody else's may change hands.
        {name: after.owners[name] for name in before.owners} == before.owners,
        not forbidden_in(_sent_since(stage, calls)),
    ]


def unsigned(stage: Stage, rng: random.Random) -> bool:
    body = form(stage.choice(OWNER)).encode()
    stamp = str(int(time.time()))
    variants = [
        {"Content-Type": FORM},
        {**signed(body), "X-Slack-Signature": signature(body, stamp, "not-the-secret")},
        {**signed(body), "X-Slack-Request-Timestamp": str(int(time.time()) - 600)},
        {**signed(body), "X-Slack-Request-Timestamp": rng.choice(["abc", "", "1e9", "-1"])},
        {**signed(body + b"&x=1")},
        {**signed(body), "X-Slack-Signature": "v0=" + "0" * 64},
    ]
    with _unchanged(stage) as verdicts:
        verdicts.append(stage.post(body, rng.choice(variants)).status_code == 401)
    return all(verdicts)


def _shapes(stage: Stage) -> list[tuple[bytes, str]]:
    wrong_user = {**stage.choice(OWNER), "user": 5}
    return [
        (b"{x", "application/json"),
        (b"payload={", FORM),
        (b"payload=%5B1%5D", FORM),
        (b"command=%2Fboundary&text=\xff\xfe" + MARKER.encode(), FORM),
        (b"[1, 2]", "application/json"),
        (form(wrong_user).encode(), FORM),
        (form({**stage.choice(OWNER), "type": []}).encode(), FORM),
        (
            json.dumps({"type": "event_callback", "event": None, "team_id": TEAM_ID}).encode(),
            "application/json",
        ),
    ]


def malformed(stage: Stage, rng: random.Random) -> bool:
    body, content_type = rng.choice(_shapes(stage))
    with _unchanged(stage) as verdicts:
        verdicts.append(stage.post(body, signed(body, content_type)).status_code == 400)
    return all(verdicts)


def oversized(stage: Stage, rng: random.Random) -> bool:
    body = command("who " + MARKER * (1100 * 1024 // len(MARKER)), OWNER, "")
    with _unchanged(stage) as verdicts:
        verdicts.append(stage.post(body, signed(body)).status_code == 413)
    return all(verdicts)


TEMPLATES = [
    "who {}",
    "gaps {}",
    "report {}",
    "review {}",
    "sync {}",
    "register {}",
    "register {} platform",
    "add acme {}",
    "add acme x {}",
    "owner acme {}",
    "rule acme role:{} workforce",
    "rule acme domain:{} customer",
    "rule acme {} workforce",
    "{} help",
    "{}",
]


def _text(rng: random.Random) -> str:
    words = []
    for _ in range(rng.randint(1, 3)):
        if rng.random() < 0.6:
            words.append(rng.choice(SLACK_SYNTAX))
        else:
            words.append("".join(chr(rng.randrange(1, 0x2FFF)) for _ in range(rng.randint(1, 8))))
    return rng.choice(TEMPLATES).format(rng.choice(["", " ", "\t"]).join(words))


def command_text(stage: Stage, rng: random.Random) -> bool:
    # A stranger's or the backup's commands may change nothing; the owner's and the admin's
    # `add` and `rule` may, but never a declaration by someone else nor an owner.
    user, text = rng.choice([STRANGER, BACKUP]), _text(rng)
    body = command(text, user, stage.standin.response_url())
    with _unchanged(stage) as verdicts:
        answer = stage.post(body, signed(body))
        verdicts += [answer.status_code == 200, not forbidden_in(answer.text)]
    if not all(verdicts) and os.environ.get("ATTACK_DEBUG"):
        print(f"command {text!r} by {user}: {verdicts} {answer.text[:300]}", file=sys.stderr)
    return all(verdicts)


def broken_interaction(stage: Stage, rng: random.Random) -> bool:
    templates = [
        stage.choice(rng.choice([OWNER, STRANGER, BACKUP])),
        stage.button(rng.choice([OWNER, STRANGER]), Action.DECLARE_WITH_NOTE, "1"),
        stage.button(STRANGER, Action.SNOOZE_DAY, OWNER),
        stage.button(STRANGER, Action.REVIEW_NOW, OWNER),
        stage.button(rng.choice([OWNER, STRANGER]), Action.APPLY_REMAINING, "acme"),
        stage.button(OWNER, Action.PAGE, "acme:1"),
    ]
    foreign = stage.foreign_id
    replacements = [foreign, str(foreign), f"{foreign}:workforce", STRANGER, "T0ELSEWHERE", ""]
    payload = broken(
        rng.choice(templates),
        rng,
        replacements=replacements,
        keep=lambda path: path[:2] in {("message", "blocks"), ("message", "text")},
    )
    # A break that left a steward's choice intact may record it: that is the steward declaring.
    with _unchanged(stage, declarations=frozenset({0, 1})) as verdicts:
        answer = stage.post(form(payload), signed(form(payload)))
        verdicts.append(answer.status_code < 500)
    return all(verdicts)


def replay(stage: Stage, rng: random.Random) -> bool:
    body = form(stage.choice(rng.choice([OWNER, ADMIN])))
    headers = signed(body)
    with _unchanged(stage, declarations=frozenset({1})) as verdicts:
        with ThreadPoolExecutor(3) as pool:
            answers = list(pool.map(lambda _: stage.post(body, headers), range(3)))
        verdicts += [a.status_code == 200 for a in answers]
    return all(verdicts)


def stranger_write(stage: Stage, rng: random.Random) -> bool:
    url = stage.standin.response_url()
    writes: list[str] = [
        form(stage.choice(STRANGER)),
        form(stage.choice(BACKUP, identity=stage.foreign_id)),  # not on OWNER's prompt
        form(stage.button(STRANGER, Action.SNOOZE_WEEK, OWNER)),
        form(stage.button(STRANGER, Action.APPLY_REMAINING, "acme")),
        command(f"owner acme <@{STRANGER}>", STRANGER, url),
        command(f"owner acme <@{BACKUP}> backup <@{STRANGER}>", STRANGER, url),
        command("rule acme domain:acme.com customer", STRANGER, url),
        command("add acme evil@attacker.example", STRANGER, url),
        command("register acme platform", STRANGER, url),
    ]
    opened = len(stage.standin.calls("views.open"))
    index = rng.randrange(len(writes))
    body = writes[index]
    with _unchanged(stage) as verdicts:
        verdicts.append(stage.post(body, signed(body)).status_code == 200)
        note = form(stage.button(STRANGER, Action.DECLARE_WITH_NOTE, str(_shown(stage))))
        verdicts.append(stage.post(note, signed(note)).status_code == 200)
    time.sleep(0.02)
    verdicts.append(len(stage.standin.calls("views.open")) == opened)
    if not all(verdicts) and os.environ.get("ATTACK_DEBUG"):
        print(f"stranger write {index}: {verdicts}", file=sys.stderr)
    return all(verdicts)


def _shown(stage: Stage) -> int:
    block = next(
        b
        for b in stage.prompt["blocks"]
        if str(b.get("block_id", "")).startswith("identity-actions:")
    )
    return int(block["block_id"].split(":")[1])


def elsewhere(stage: Stage, rng: random.Random) -> bool:
    url = stage.standin.response_url()
    body = rng.choice(
        [
            form(stage.choice(OWNER, team="T0ELSEWHERE")),
            form(stage.choice(ADMIN, team="T0ELSEWHERE")),
            command(f"owner acme <@{ADMIN}>", ADMIN, url, team="T0ELSEWHERE"),
        ]
    )
    with _unchanged(stage) as verdicts:
        verdicts.append(stage.post(body, signed(body)).status_code == 200)
    return all(verdicts)


FAMILIES: dict[str, tuple[str, Round, float]] = {
    # name: (what must happen, one round, share of --rounds)
    "unsigned, mis-signed, stale or odd timestamps": ("401, nothing changes", unsigned, 1.0),
    "signed bodies that do not parse or have the wrong shape": (
        "400, nothing changes",
        malformed,
        1.0,
    ),
    "bodies over 1 MiB": ("413, nothing changes", oversized, 0.1),
    "command text (Slack markup, unicode, `&`, `=`, payload) by a non-owner": (
        "200, no ping or link, nothing changes",
        command_text,
        1.0,
    ),
    "interaction payloads broken in 1-3 places": (
        "2xx/4xx, no ping or link, only the owner's own choice recorded",
        broken_interaction,
        1.0,
    ),
    "a signed click replayed 3 times at once": ("200, exactly one declaration", replay, 1.0),
    "writes by someone who does not steward the integration": (
        "200 and a refusal, nothing changes, no modal",
        stranger_write,
        1.0,
    ),
    "requests from another workspace": ("refused, nothing changes", elsewhere, 1.0),
}


# ---- the run ----------------------------------------------------------------------------------
def seed(url: str) -> int:
    """acme (OWNER) with twenty identities, other (BACKUP) with one; returns other's id."""
    from datetime import UTC, datetime

    now = datetime.now(UTC)  # a bench reads the wall clock: it is the composition root here
    engine = migrated_engine(url)
    from sqlmodel import Session

    with Session(engine) as session:
        for name, owner in (("acme", OWNER), ("other", BACKUP)):
            register_integration(
                session, actor=Actor(owner), name=name, layer=Layer.PLATFORM, now=now
            )
        for n in range(20):
            add_identity(
                session,
                actor=Actor(OWNER),
                integration_name="acme",
                id_or_email=f"u{n}@acme.com",
                now=now,
            )
        foreign = add_identity(
            session,
            actor=Actor(BACKUP),
            integration_name="other",
            id_or_email="x@other.io",
            now=now,
        )
        session.commit()
        foreign_id = foreign.id or 0
    engine.dispose()
    return foreign_id


@contextmanager
def bot(url: str, standin: SlackStandIn, workdir: Path) -> Iterator[tuple[int, Path]]:
    port = _free_port()
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(workdir),
        "DATABASE_URL": url,
        "SLACK_API_URL": standin.api_url,
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_SIGNING_SECRET": SECRET,
        "BOUNDARY_ADMINS": ADMIN,
        "PORT": str(port),
        "LOG_LEVEL": "DEBUG",  # the most the bot can say: none of it may be a secret or a body
    }
    log = workdir / "bot.log"
    executable = str(Path(sys.executable).parent / "boundary-bot")
    with log.open("wb") as output:
        process = subprocess.Popen(
            [executable, "run"], env=env, cwd=workdir, stdout=output, stderr=output
        )
    try:
        _wait(port, process, "/healthz")
        yield port, log
    finally:
        process.terminate()
        process.wait(timeout=15)


def prompt_of(stage: Stage) -> dict[str, Any]:
    body = command("review acme", OWNER, stage.standin.response_url())
    stage.post(body, signed(body))
    channel = stage.standin.dm_channel(OWNER)
    deadline = time.monotonic() + 10
    while not stage.standin.messages(channel):
        if time.monotonic() > deadline:
            raise SystemExit("the bot sent OWNER no declaration prompt")
        time.sleep(0.05)
    message = stage.standin.messages(channel)[0]
    return {
        "type": "message",
        "ts": message.ts,
        "text": message.text,
        "blocks": message.blocks,
        "channel": channel,
    }


@dataclass
class Tally:
    tried: int = 0
    handled: int = 0
    requests: int = 0


def attack(
    backend: str, url: str, rounds: int, rng: random.Random, only: str | None = None
) -> tuple[dict[str, Tally], dict[str, int]]:
    foreign_id = seed(url)
    tallies = {name: Tally() for name in FAMILIES}
    with (
        tempfile.TemporaryDirectory(prefix="bench-attack-") as directory,
        SlackStandIn(token=TOKEN) as standin,
    ):
        workdir = Path(directory)
        with (
            bot(url, standin, workdir) as (port, log),
            httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as http,
        ):
            stage = Stage(http, standin, url, foreign_id=foreign_id)
            stage.prompt = prompt_of(stage)
            for name, (_, round_, share) in FAMILIES.items():
                if only and only not in name:
                    continue
                posted = len(stage.posted)
                for _ in range(max(1, int(rounds * share))):
                    tallies[name].tried += 1
                    tallies[name].handled += round_(stage, rng)
                tallies[name].requests = len(stage.posted) - posted
                print(
                    f"  {backend}: {name}: {tallies[name].handled}/{tallies[name].tried}",
                    file=sys.stderr,
                )
            requests = len(stage.standin.calls())
        text = log.read_text(errors="replace")
        verify = subprocess.run(
            [str(Path(sys.executable).parent / "boundary-bot"), "audit", "verify"],
            env={"PATH": os.environ.get("PATH", ""), "DATABASE_URL": url, "HOME": directory},
            cwd=directory,
            capture_output=True,
            text=True,
            check=False,
        )
    totals = {
        "tracebacks in the log": text.count("Traceback"),
        "secrets or bodies in the log": sum(text.count(probe) for probe in (SECRET, TOKEN, MARKER)),
        "log lines": text.count("\n"),
        "audit verify exit code": verify.returncode,
        "Web API calls": requests,
    }
    return tallies, totals


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--postgres", default=os.environ.get("BOUNDARY_TEST_POSTGRES_URL"))
    parser.add_argument("--rounds", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--family", help="run only the families whose name contains this")
    args = parser.parse_args()
    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    results = {}
    for backend in backends:
        with database(backend, args.postgres, "attack") as url:
            if url is None:
                print(f"{backend}: skipped (no --postgres URL)", file=sys.stderr)
                continue
            results[backend] = attack(
                backend, url, args.rounds, random.Random(args.seed), args.family
            )
    print(
        f"\nattack run: --rounds {args.rounds} --seed {args.seed};"
        f" load average {os.getloadavg()[0]:.2f}\n"
    )
    names = list(results)
    head = " | ".join(f"{n} requests | {n} rounds | {n} handled" for n in names)
    print(f"| family | must | {head} |")
    print("|---|---|" + "---:|---:|---:|" * len(names))

    def cells(tallies: list[Tally]) -> str:
        return (
            f"{sum(t.requests for t in tallies)} | {sum(t.tried for t in tallies)}"
            f" | {sum(t.handled for t in tallies)}"
        )

    for family, (must, _, _) in FAMILIES.items():
        row = " | ".join(cells([results[n][0][family]]) for n in names)
        print(f"| {family} | {must} | {row} |")
    total = " | ".join(cells(list(results[n][0].values())) for n in names)
    print(f"| **all** | | {total} |\n")
    for key in next(iter(results.values()))[1]:
        print(f"- {key}: " + ", ".join(f"{n} {results[n][1][key]}" for n in names))


if __name__ == "__main__":
    main()
