"""Reading `/boundary` text the way Slack sends it: escaped mentions, channels, links and HTML
entities turned back into plain words."""

from __future__ import annotations

import re
from dataclasses import dataclass

# `<@U123|name>`, `<#C123|name>`, `<mailto:a@b.com|a@b.com>`, `<https://x|x>`, `<!here>`, or
# any run of non-space characters.
_TOKEN = re.compile(r"<[^<>]*>|\S+")
_USER = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")
_CHANNEL = re.compile(r"^<#([CGD][A-Z0-9]+)(?:\|[^>]*)?>$")
_MAILTO = re.compile(r"^<mailto:([^|>]+)(?:\|[^>]*)?>$")
_LINK = re.compile(r"^<([^|>@#!][^|>]*)\|([^>]*)>$|^<([^|>@#!][^>]*)>$")
_EMBEDDED = re.compile(r"<(?:mailto:)?([^|<>]*)(?:\|([^<>]*))?>")

MAX_TEXT = 2000


@dataclass(frozen=True)
class Token:
    """One word of the command: what it says, and whether it was a user or channel mention."""

    text: str
    user: str | None = None
    channel: str | None = None


@dataclass(frozen=True)
class Parsed:
    name: str  # the subcommand, lowercased; "" when the text is empty
    args: tuple[Token, ...]
    too_long: bool = False


def _unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def token(raw: str) -> Token:
    if match := _USER.match(raw):
        return Token(match.group(1), user=match.group(1))
    if match := _CHANNEL.match(raw):
        return Token(match.group(1), channel=match.group(1))
    if match := _MAILTO.match(raw):
        return Token(_unescape(match.group(1)))
    if match := _LINK.match(raw):
        # Slack links things that look like domains: `<http://acme.com|acme.com>`; the label
        # is what the person typed.
        return Token(_unescape(match.group(2) if match.group(2) is not None else match.group(3)))
    # A link inside a word, as in `domain:<http://acme.com|acme.com>`: keep the label.
    embedded = _EMBEDDED.sub(lambda m: m.group(2) if m.group(2) is not None else m.group(1), raw)
    return Token(_unescape(embedded))


def parse(text: str) -> Parsed:
    text = (text or "").strip()
    if len(text) > MAX_TEXT:
        return Parsed(name="", args=(), too_long=True)
    words = [token(raw) for raw in _TOKEN.findall(text)]
    if not words:
        return Parsed(name="", args=())
    return Parsed(name=words[0].text.lower(), args=tuple(words[1:]))
