"""Scheduled nudges: one digest per owner per cycle, snoozes, escalation and the orphan check."""

from __future__ import annotations

from bot.nudges.cycle import CycleReport, run_cycle

__all__ = ["CycleReport", "run_cycle"]
