"""Scaffolding the tests share: signed Slack requests, and the real bot run as a process."""
