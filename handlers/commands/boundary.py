"""`/boundary`: quick subcommands answer in the acknowledgement itself; slow ones acknowledge at
once and answer through `response_url` (see handlers/later.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot import inventory, lookup, review, validation
from bot.authorization import Actor, require_steward
from bot.context import Runtime
from bot.errors import InvalidInput
from bot.gaps import compute_gaps
from bot.report import build_report
from bot.sync import sync_integration
from handlers.blocks import answers
from handlers.blocks.modals import register_modal
from handlers.blocks.text import escape
from handlers.commands.parse import MAX_TEXT, Token, parse
from handlers.errors import reported
from handlers.events.home import publish_home
from handlers.ids import Command
from handlers.later import plan, planned
from handlers.review_prompt import send_review_prompt
from storage.vocabulary import Answer, IdentityKind, Layer

Reply = dict[str, Any]


class Usage(InvalidInput):
    """Input that does not parse: the answer is the subcommand's usage."""

    def __init__(self, name: str, problem: str | None = None) -> None:
        super().__init__(answers.usage(name, problem))


@dataclass(frozen=True)
class Call:
    runtime: Runtime
    user_id: str
    channel_id: str | None
    trigger_id: str | None
    args: tuple[Token, ...]
    context: BoltContext

    @property
    def actor(self) -> Actor:
        return Actor.slack_user(self.user_id, self.runtime.settings.admins)


def _say(text: str) -> Reply:
    return {"text": text, "response_type": "ephemeral"}


def _plain(token: Token, name: str, what: str) -> str:
    if token.user or token.channel:
        raise Usage(name, f"Expected {what}, got a mention.")
    return token.text


def _user(token: Token, name: str) -> str:
    if token.user:
        return token.user
    if validation.looks_like_slack_user(token.text):
        return token.text
    raise Usage(name, f"`{validation.clip(token.text)}` is not a @mention.")


def _steward_check(call: Call, name: str) -> str:
    """Refuse in the acknowledgement what the slow work would refuse later."""
    with call.runtime.reading() as session:
        integration = inventory.get_integration(session, name)
        require_steward(call.actor, integration)
        return integration.name


def _help(call: Call) -> Reply:
    return {"text": "boundary-bot help", "blocks": answers.help_blocks()}


def _register(call: Call) -> Reply:
    name = _plain(call.args[0], "register", "a name") if call.args else None
    layer: Layer | None = None
    owner: str | None = None
    for token in call.args[1:]:
        if token.user and owner is None:
            owner = token.user
        elif token.text.lower() in tuple(Layer) and layer is None:
            layer = Layer(token.text.lower())
        else:
            raise Usage("register", f"I don't understand `{validation.clip(token.text)}`.")
    if name is None or layer is None:
        plan(
            call.context,
            "register_modal",
            name=name,
            layer=layer,
            user=call.user_id,
            channel=call.channel_id,
            trigger_id=call.trigger_id,
        )
        return {}
    with call.runtime.unit_of_work() as session:
        integration = inventory.register_integration(
            session,
            actor=call.actor,
            name=name,
            layer=layer,
            owner=owner,
            now=call.runtime.clock.now(),
        )
        return _say(answers.registered_text(integration))


def _owner(call: Call) -> Reply:
    args = list(call.args)
    if len(args) < 2:
        raise Usage("owner")
    name = _plain(args[0], "owner", "an integration name")
    owner: str | None = None
    rest = args[1:]
    if rest[0].text.lower() != "backup":
        owner = _user(rest[0], "owner")
        rest = rest[1:]
    changes: dict[str, Any] = {"owner": owner}
    if rest:
        if len(rest) != 2 or rest[0].text.lower() != "backup":
            raise Usage("owner")
        changes["backup_owner"] = _user(rest[1], "owner")
    with call.runtime.unit_of_work() as session:
        integration = inventory.change_owner(
            session, actor=call.actor, name=name, now=call.runtime.clock.now(), **changes
        )
        return _say(answers.owner_text(integration))


def _add(call: Call) -> Reply:
    if len(call.args) not in (2, 3):
        raise Usage("add")
    name = _plain(call.args[0], "add", "an integration name")
    id_or_email = _plain(call.args[1], "add", "an email or id")
    kind = IdentityKind.HUMAN
    if len(call.args) == 3:
        try:
            kind = IdentityKind(call.args[2].text.lower())
        except ValueError:
            raise Usage("add", f"`{validation.clip(call.args[2].text)}` is not a kind.") from None
    with call.runtime.unit_of_work() as session:
        identity = inventory.add_identity(
            session,
            actor=call.actor,
            integration_name=name,
            id_or_email=id_or_email,
            kind=kind,
            now=call.runtime.clock.now(),
        )
        return _say(
            f":white_check_mark: Added `{escape(identity.external_id)}` ({kind}) to"
            f" `{name.strip().lower()}`. It waits for a lane: `/boundary review {name}`."
        )


def _review(call: Call) -> Reply:
    if len(call.args) > 1:
        raise Usage("review")
    name = None
    if call.args:
        name = _steward_check(call, _plain(call.args[0], "review", "an integration name"))
    plan(call.context, "review", user=call.user_id, integration=name)
    where = f" for `{name}`" if name else ""
    return _say(f"I'm sending you the declaration prompt{where} in a direct message.")


def _who(call: Call) -> Reply:
    if len(call.args) != 1:
        raise Usage("who")
    token = call.args[0]
    if token.channel:
        raise Usage("who", "A channel owns nothing; look up a @user, an integration or an email.")
    with call.runtime.reading() as session:
        found = lookup.who(session, query=token.user or token.text)
    return {"text": answers.who_text(found), "blocks": answers.who_blocks(found)}


def _gaps(call: Call) -> Reply:
    if len(call.args) > 1:
        raise Usage("gaps")
    integration = owner = None
    if call.args and call.args[0].user:
        owner = call.args[0].user
    elif call.args:
        with call.runtime.reading() as session:
            integration = inventory.get_integration(session, call.args[0].text).name
    plan(call.context, "gaps", integration=integration, owner=owner)
    return {}


def _rule(call: Call) -> Reply:
    if len(call.args) != 3:
        raise Usage("rule")
    rule_text = _plain(call.args[1], "rule", "a rule")
    review.parse_rule(rule_text)
    answer = call.args[2].text.lower()
    if answer not in (Answer.WORKFORCE, Answer.CUSTOMER):
        raise Usage("rule", "A rule declares `workforce` or `customer`.")
    name = _steward_check(call, _plain(call.args[0], "rule", "an integration name"))
    plan(call.context, "rule", integration=name, rule=rule_text, answer=answer, user=call.user_id)
    return {}


def _sync(call: Call) -> Reply:
    if len(call.args) != 1:
        raise Usage("sync")
    name = _steward_check(call, _plain(call.args[0], "sync", "an integration name"))
    plan(call.context, "sync", integration=name, user=call.user_id)
    return _say(f"Syncing `{name}`… I'll post the outcome here.")


def _report(call: Call) -> Reply:
    if len(call.args) > 1:
        raise Usage("report")
    name = None
    if call.args:
        with call.runtime.reading() as session:
            name = inventory.get_integration(session, call.args[0].text).name
    plan(call.context, "report", integration=name)
    return {}


SUBCOMMANDS: dict[str, Callable[[Call], Reply]] = {
    "help": _help,
    "register": _register,
    "owner": _owner,
    "add": _add,
    "review": _review,
    "who": _who,
    "gaps": _gaps,
    "rule": _rule,
    "sync": _sync,
    "report": _report,
}


def answer(runtime: Runtime, command: dict[str, Any], context: BoltContext) -> Reply:
    """The acknowledgement's body for one `/boundary` request (may plan slow work)."""
    parsed = parse(str(command.get("text") or ""))
    if parsed.too_long:
        return _say(
            f"That is too long for me (at most {MAX_TEXT} characters). Try `/boundary help`."
        )
    if not parsed.name:
        return _help(_call(runtime, command, context, ()))
    handler = SUBCOMMANDS.get(parsed.name)
    if handler is None:
        return _say(answers.unknown(parsed.name))
    return handler(_call(runtime, command, context, parsed.args))


def _call(
    runtime: Runtime, command: dict[str, Any], context: BoltContext, args: tuple[Token, ...]
) -> Call:
    return Call(
        runtime=runtime,
        user_id=str(command["user_id"]),
        channel_id=command.get("channel_id"),
        trigger_id=command.get("trigger_id"),
        args=args,
        context=context,
    )


def follow_up(runtime: Runtime, work: dict[str, Any], client: WebClient, respond: Respond) -> None:
    """The slow part of a subcommand, after the acknowledgement."""
    kind = work["kind"]
    settings, now = runtime.settings, runtime.clock.now()
    if kind == "register_modal":
        layer = Layer(work["layer"]) if work["layer"] else None
        view = register_modal(
            name=work["name"], layer=layer, owner=work["user"], channel=work["channel"]
        )
        client.views_open(trigger_id=work["trigger_id"], view=view)
    elif kind == "review":
        send_review_prompt(client, runtime, user_id=work["user"], integration=work["integration"])
    elif kind == "gaps":
        with runtime.reading() as session:
            found = compute_gaps(
                session,
                review_days=settings.review_days,
                now=now,
                integration=work["integration"],
                owner=work["owner"],
            )
        scope = (
            f"`{work['integration']}`"
            if work["integration"]
            else (f"what <@{work['owner']}> owns" if work["owner"] else "every integration")
        )
        _respond(respond, text=f"open gaps in {scope}", blocks=answers.gaps_blocks(found, scope))
    elif kind == "rule":
        actor = Actor.slack_user(work["user"], settings.admins)
        with runtime.unit_of_work() as session:
            recorded = review.add_rule(
                session,
                actor=actor,
                integration_name=work["integration"],
                rule=work["rule"],
                answer=Answer(work["answer"]),
                now=now,
            )
        _respond(
            respond,
            text=f":white_check_mark: Rule `{work['rule']}` → `{recorded.answer}` on"
            f" `{recorded.integration}`: {recorded.count} identit"
            f"{'y' if recorded.count == 1 else 'ies'} declared now; new ones it matches will be"
            " declared as they arrive.",
        )
        publish_home(client, runtime, user_id=work["user"])
    elif kind == "sync":
        actor = Actor.slack_user(work["user"], settings.admins)
        outcome = sync_integration(runtime, actor=actor, integration_name=work["integration"])
        _respond(respond, text=answers.sync_text(outcome))
    elif kind == "report":
        with runtime.reading() as session:
            evidence = build_report(
                session, review_days=settings.review_days, integration=work["integration"], now=now
            )
        scope = f"`{work['integration']}`" if work["integration"] else "every integration"
        _respond(respond, text="evidence summary", blocks=answers.report_blocks(evidence, scope))


def _respond(respond: Respond, *, text: str, blocks: list[dict[str, Any]] | None = None) -> None:
    respond(text=text, blocks=blocks, response_type="ephemeral", replace_original=False)


def register(app: App, runtime: Runtime) -> None:
    def acknowledge(ack: Ack, command: dict[str, Any], context: BoltContext) -> None:
        reply = answer(runtime, command, context)
        if reply:
            reply.setdefault("response_type", "ephemeral")
        ack(**reply)

    @reported(Command.BOUNDARY)
    def later(context: BoltContext, client: WebClient, respond: Respond) -> None:
        work = planned(context)
        if work is not None:
            follow_up(runtime, work, client, respond)

    # Subcommands answered entirely in the acknowledgement get a listener with no lazy part:
    # bolt copies the request and starts a thread for every lazy listener, which cost more
    # than a whole `who` lookup (see docs/benchmarks/slack-http.md).
    app.command(Command.BOUNDARY, matchers=[answered_in_ack])(acknowledge)
    app.command(Command.BOUNDARY)(ack=acknowledge, lazy=[later])


# Never plan slow work: their whole answer is the acknowledgement's body.
ANSWERED_IN_ACK = frozenset({"help", "who", "owner", "add"})


def answered_in_ack(command: dict[str, Any]) -> bool:
    words = str(command.get("text") or "").split(maxsplit=1)
    return not words or words[0].lower() in ANSWERED_IN_ACK
