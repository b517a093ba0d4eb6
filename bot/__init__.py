"""The dialogue engine: pure, channel-agnostic; no Telegram or Slack imports."""
