"""Scheduled nudges: one digest per owner per cycle, snoozes, escalation and the orphan check.

Nothing is imported here, so that importing one module of the package never pulls in the rest
(the cycle, for one, needs the Messenger port, which needs the digest values)."""
