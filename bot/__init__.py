"""boundary-bot: identity boundary reviews from Slack."""
