"""Telegram for tests: a stand-in Bot API, updates as Telegram sends them, the replay driver."""
