"""What every table shares: the constraint naming convention and timestamp columns."""

from __future__ import annotations

from typing import Any

from sqlmodel import Field, SQLModel

from storage.types import UtcDateTime

SQLModel.metadata.naming_convention = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def when(*, nullable: bool = False, index: bool = False) -> Any:
    if nullable:
        return Field(default=None, sa_type=UtcDateTime, nullable=True, index=index)
    # No default: the wall clock is read only by the composition root, so every write names its
    # moment (a forgotten one fails on NOT NULL instead of silently using today's date).
    return Field(sa_type=UtcDateTime, nullable=False, index=index)
