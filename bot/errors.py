"""Domain errors: each carries a short message that is safe to show the person who acted."""

from __future__ import annotations

from collections.abc import Callable, Mapping


class DomainError(Exception):
    """Something the user can fix; `str(error)` is the answer they see.

    A message that names people says `{name}` where each goes and passes their user ids in
    `people`; each surface renders them its own way (Slack as mentions, the CLI as ids), so the
    domain never writes a surface's syntax.
    """

    def __init__(self, message: str, *, people: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.people = dict(people or {})

    def render(self, person: Callable[[str], str] = str) -> str:
        if not self.people:
            return self.message
        return self.message.format_map({key: person(uid) for key, uid in self.people.items()})

    def __str__(self) -> str:
        return self.render()


class NotFound(DomainError):
    pass


class NotAllowed(DomainError):
    pass


class InvalidInput(DomainError):
    pass


class Conflict(DomainError):
    pass
