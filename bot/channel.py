"""What a channel is to the bot: the one contract every channel folder implements.

A channel (Telegram, Slack, the console, ...) is a translator between a platform and the engine.
It says, as :class:`Channel`:

- which **settings** it reads (:mod:`bot.settings`), and what is wrong with a given set;
- how it is **served**: :meth:`Channel.open` gives a :class:`Session` with the web routes it
  answers (in the bot's own request and response shapes below, so that no web framework
  reaches the channel) and what it runs beside them (long polling, a socket);
- how it **sends one reply to an address** (:data:`~bot.courier.Sender`, raising
  :class:`~common.errors.Refused` for what the platform refuses for good), for the courier to
  send what the outbox holds;
- how it is **replayed**: :attr:`Channel.replay_kit` names the module of its test kit, whose
  ``running(bot)`` gives a :class:`Driver` that plays transcript turns through the channel's
  real code against a stand-in platform (named, not imported: the kits depend on the
  channels, never the other way round).

Turns themselves run through :class:`bot.runner.TurnRunner`, written once for all channels.
The host (``adapters.host``) reads the registry of channels, builds the bot, opens the
channels it serves and names none of them.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from bot.catalog import Catalog
from bot.courier import Courier, Sender
from bot.messages import Reply
from bot.runner import TurnRunner
from bot.service import BotService
from bot.settings import Setting, Settings
from bot.staff import StaffInbox

MAX_BODY = 1024 * 1024  # bytes a request body may have, unless a route says otherwise


@dataclass(frozen=True, slots=True)
class HttpRequest:
    """A web request as a channel sees it: headers by lower-case name, the body read whole
    (never beyond its route's ``max_body``)."""

    method: str
    path: str
    headers: Mapping[str, str]
    body: bytes = b""
    query: Mapping[str, str] = field(default_factory=dict)
    client: str | None = None  # the peer's address

    def json(self) -> Any:
        """The body as JSON. Raises ValueError for a body that is not JSON (or nested past
        what a parser can take)."""
        try:
            return json.loads(self.body)
        except RecursionError as exc:
            raise ValueError("JSON nested too deep") from exc


@dataclass(frozen=True, slots=True)
class HttpResponse:
    """A web answer; ``stream`` (server-sent events, say) is sent after the headers as it
    comes, in place of ``body``."""

    status: int = 200
    body: bytes = b""
    content_type: str = "application/json"
    headers: Mapping[str, str] = field(default_factory=dict)
    stream: AsyncIterator[bytes] | None = None

    @classmethod
    def of_json(cls, data: object, status: int = 200) -> HttpResponse:
        return cls(status, json.dumps(data, ensure_ascii=False).encode())

    @classmethod
    def error(cls, status: int, message: str) -> HttpResponse:
        return cls.of_json({"error": message}, status)


Handler = Callable[[HttpRequest], Awaitable[HttpResponse]]


@dataclass(frozen=True, slots=True)
class Route:
    """A path a channel answers; bodies over ``max_body`` bytes are refused (413) before they
    are read whole, with or without a Content-Length."""

    path: str
    handler: Handler
    methods: tuple[str, ...] = ("POST",)
    max_body: int = MAX_BODY


class Session(Protocol):
    """A channel opened for serving. The host mounts :attr:`routes`, awaits :meth:`start` in
    its event loop, then routes :meth:`senders` to the courier; at the end it unroutes them
    and awaits :meth:`stop`."""

    @property
    def routes(self) -> Sequence[Route]: ...

    async def start(self) -> None: ...

    def senders(self) -> Mapping[str, Sender]:
        """The outbox channels this session sends, each with its sender (valid once started)."""
        ...

    async def stop(self) -> None: ...


class Counters(Protocol):
    """Where a channel counts what the host's metrics show (pushes sent, say)."""

    def count(self, name: str, channel: str, amount: int = 1) -> None: ...


@dataclass(frozen=True, slots=True)
class Bot:
    """What a channel is given to work with: the service behind the runner, the courier that
    sends what the outbox holds, the staff inbox, and the host's counters."""

    service: BotService
    courier: Courier
    runner: TurnRunner
    inbox: StaffInbox | None
    counters: Counters


class Driver(Protocol):
    """Plays transcript turns through a channel (``mynumber-bot replay --channel NAME``)."""

    def send(
        self,
        *,
        conversation: str,
        at: datetime,
        locale: str | None,
        text: str | None = None,
        button: str | None = None,
    ) -> tuple[Reply, ...]:
        """One turn; what the bot said to it."""
        ...

    def wait(self, *, conversation: str, at: datetime) -> tuple[Reply, ...]:
        """Move the clock to ``at``; what the bot sent the conversation meanwhile."""
        ...

    def notes(self, conversation: str) -> list[str]:
        """What the last :meth:`wait` saw happen, to explain a message that did not come."""
        ...


@dataclass(frozen=True, slots=True)
class Option:
    """A command-line option that sets one of the channel's settings: on the channel's own
    command (``alone``) and/or on ``serve`` (``served``); a ``switch`` takes no value."""

    flag: str
    setting: Setting[Any]
    help: str
    alone: bool = True
    served: bool = False
    switch: bool = False


@dataclass(frozen=True, slots=True)
class Command:
    """The subcommand that runs a channel alone. ``run`` None: the host serves it (its routes
    on ``--port``, what it polls beside them); otherwise ``run(arguments, app)`` does, with
    the bot built for it (``adapters.bootstrap.App``), after ``arguments(parser)`` added what
    it takes beyond its options. ``page``: the path of a page among its routes for a person to
    open (the web chat's demo), printed as a full address once the routes answer."""

    name: str
    help: str
    description: str = ""
    arguments: Callable[[Any], None] | None = None
    run: Callable[[Any, Any], int] | None = None
    port: int = 8443  # of its routes, served alone
    page: str | None = None


class Channel(Protocol):
    """A channel: see the module's docstring. ``name`` is the outbox's channel and the prefix
    of its conversations' keys. ``alone``: served by its own command (long polling, a socket)
    rather than among every channel's routes by ``serve``."""

    @property
    def name(self) -> str: ...

    @property
    def command(self) -> Command | None: ...

    @property
    def settings(self) -> Sequence[Setting[Any]]: ...

    @property
    def options(self) -> Sequence[Option]: ...

    def problems(self, settings: Settings, *, alone: bool) -> list[str]:
        """Why it cannot be served with ``settings``: one sentence each; empty when it can."""
        ...

    async def prepare(self, bot: Bot, settings: Settings, *, alone: bool) -> None:
        """What is done once per deployment before serving (a webhook set), not per worker."""
        ...

    def open(self, bot: Bot, settings: Settings, *, alone: bool) -> Session: ...

    def notices(self, settings: Settings, catalog: Catalog) -> Mapping[str, Sender]:
        """Outbox channels of staff notices this channel posts (its staff inbox), each with its
        sender: routed wherever the bot runs, whichever channels it serves."""
        ...

    @property
    def replay_kit(self) -> str:
        """The module whose ``running(bot)`` replays transcripts through this channel."""
        ...
