"""Slack only: listeners by surface, Block Kit builders and the Slack ids. No SQL, no HTTP."""
