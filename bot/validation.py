"""Checks on the values people type: integration names, Slack user ids, emails, notes."""

from __future__ import annotations

import re

from email_validator import EmailNotValidError, validate_email

from bot.errors import InvalidInput

NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}[a-z0-9]$|^[a-z0-9]$")
SLACK_USER_PATTERN = re.compile(r"^[UW][A-Z0-9]{2,31}$")
MAX_NOTE = 500
MAX_EXTERNAL_ID = 255


def integration_name(value: str) -> str:
    name = value.strip().lower()
    if not NAME_PATTERN.match(name):
        raise InvalidInput(
            "An integration name is a slug: lowercase letters, digits and dashes, at most 64"
            f" characters (like `openai-platform`); got `{clip(value)}`."
        )
    return name


def slack_user_id(value: str) -> str:
    user = value.strip()
    if not SLACK_USER_PATTERN.match(user):
        raise InvalidInput(f"`{clip(value)}` is not a Slack user id (like `U0123ABCD`).")
    return user


def looks_like_slack_user(value: str) -> bool:
    return bool(SLACK_USER_PATTERN.match(value))


def email(value: str) -> str:
    """The normalised (lower-case) address, or InvalidInput with email-validator's reason.

    email-validator costs 100-200 µs an address, mostly checking the domain, and an import
    repeats the same few domains thousands of times. So an address goes the fast way only when
    it is plain ASCII, its local part is an unquoted dot-atom (the first thing the validator
    accepts) and its domain is one the validator has already accepted whole; everything else,
    and every rejection with its message, comes from the validator itself.
    """
    text = value.strip()
    local, at, domain = text.partition("@")
    known = _accepted_domains.get(domain) if at and text.isascii() else None
    if known is not None and _DOT_ATOM.fullmatch(local):
        normalised_domain, longest = known
        if len(local) + 1 + longest <= _EMAIL_MAX_LENGTH:
            return f"{local}@{normalised_domain}".lower()
    try:
        checked = validate_email(text, check_deliverability=False)
    except EmailNotValidError as error:
        raise InvalidInput(f"`{clip(value)}` is not a valid email: {error}") from None
    if at and text.isascii() and _DOT_ATOM.fullmatch(local) and checked.ascii_domain:
        _remember_domain(domain, checked.domain, checked.ascii_domain)
    return checked.normalized.lower()


# What email-validator 2.x checks, restated for the fast path of `email`:
# - an ASCII address without quotes or angle brackets splits at its only `@` (split_email);
# - such a local part is valid exactly when it matches the dot-atom pattern below (the
#   validator's DOT_ATOM_TEXT); its length is only checked in strict mode, which we do not use;
# - the domain is checked on its own (validate_email_domain_name depends only on the domain
#   string and module-level options we never change), so one acceptance holds for every address
#   with the same domain string;
# - the one check that couples the two halves is the 254-octet limit on the address as given,
#   as normalised and with the IDNA ASCII domain: `longest` is the longest of those domains.
_ATEXT = r"a-zA-Z0-9_!#$%&'*+\-/=?^`{|}~"
_DOT_ATOM = re.compile(rf"[{_ATEXT}]+(?:\.[{_ATEXT}]+)*")
_EMAIL_MAX_LENGTH = 254
_MAX_REMEMBERED_DOMAINS = 10_000
_accepted_domains: dict[str, tuple[str, int]] = {}


def _remember_domain(domain: str, normalised: str, ascii_domain: str) -> None:
    if len(_accepted_domains) >= _MAX_REMEMBERED_DOMAINS:
        _accepted_domains.clear()  # bounded memory; the next addresses simply refill it
    longest = max(len(form.encode()) for form in (domain, normalised, ascii_domain))
    _accepted_domains[domain] = (normalised, longest)


def external_id(value: str) -> str:
    identifier = value.strip()
    if not identifier:
        raise InvalidInput("An identity needs an id.")
    if len(identifier) > MAX_EXTERNAL_ID:
        raise InvalidInput(f"An identity id is at most {MAX_EXTERNAL_ID} characters.")
    return identifier


def note(value: str | None) -> str | None:
    if value is None:
        return None
    text = value.strip()
    if len(text) > MAX_NOTE:
        raise InvalidInput(f"A note is at most {MAX_NOTE} characters; this one has {len(text)}.")
    return text or None


def domain(value: str) -> str:
    text = value.strip().lower().lstrip("@")
    if not re.match(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$", text):
        raise InvalidInput(f"`{clip(value)}` is not a domain (like `acme.com`).")
    return text


def clip(value: str, limit: int = 60) -> str:
    value = value.replace("`", "'")
    return value if len(value) <= limit else value[: limit - 1] + "…"
