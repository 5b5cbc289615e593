"""Connector syncs: pull identities and SSO/SCIM facts from a source into one integration.

`run` holds the use cases, `pull` what one sync writes, `runs` the sync runs on record."""

from bot.sync.run import SCHEDULER, connect_integration, sync_all, sync_integration
from bot.sync.runs import Notify, SyncOutcome

__all__ = [
    "SCHEDULER",
    "Notify",
    "SyncOutcome",
    "connect_integration",
    "sync_all",
    "sync_integration",
]
