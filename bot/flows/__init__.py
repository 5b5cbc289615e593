"""Request-sized use cases: each opens its own unit of work over the domain modules of bot/ and
returns domain values, so a Slack handler only translates (see docs/architecture.md)."""
