"""The Telegram channel: the `mynumber-bot telegram` command, the python-telegram-bot
application that translates between Telegram and the engine, and a stand-in Bot API server for
tests, transcript replays and benchmarks. Only ``command`` is imported eagerly (by the CLI);
the rest loads python-telegram-bot when a command needs it."""

from adapters.telegram.command import add_telegram_parser

__all__ = ["add_telegram_parser"]
