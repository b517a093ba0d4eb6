"""The Telegram channel (:mod:`adapters.telegram.channel`): python-telegram-bot translating
between Telegram and the turn runner. Importing this loads no part of python-telegram-bot."""
