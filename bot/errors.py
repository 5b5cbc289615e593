"""Domain errors: each carries a short message that is safe to show the person who acted."""

from __future__ import annotations


class DomainError(Exception):
    """Something the user can fix; `str(error)` is the answer they see."""


class NotFound(DomainError):
    pass


class NotAllowed(DomainError):
    pass


class InvalidInput(DomainError):
    pass


class Conflict(DomainError):
    pass
