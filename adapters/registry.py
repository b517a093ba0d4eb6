"""Every channel of the bot, in one list: the command line, serve and replay read it and name
no channel themselves. A new channel is a folder implementing :class:`bot.channel.Channel` and
one line here."""

from __future__ import annotations

from adapters.console.channel import CHANNEL as CONSOLE
from adapters.line.channel import CHANNEL as LINE
from adapters.slack.channel import CHANNEL as SLACK
from adapters.telegram.channel import CHANNEL as TELEGRAM
from adapters.webchat.channel import CHANNEL as WEBCHAT
from bot.channel import Channel

CHANNELS: tuple[Channel, ...] = (CONSOLE, TELEGRAM, SLACK, LINE, WEBCHAT)


def named(name: str) -> Channel:
    """Raises KeyError for a name no channel has."""
    for channel in CHANNELS:
        if channel.name == name:
            return channel
    raise KeyError(name)
