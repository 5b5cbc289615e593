"""The local playground: the real bot against the Slack stand-in, driven from a browser page."""
