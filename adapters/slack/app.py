"""The Slack adapter: events, the slash command and button presses in; the engine's replies out.

A translator only. Each inbound becomes an :class:`Event`: the conversation is
``slack:<team>:<channel>:<user>``; the clock is Slack's own timestamp of the message or press
(what the user asked about is that moment); the locale is the user's Slack locale; the
delivery id is the event_id (or the interaction's trigger_id), which the service claims in the
turn's transaction, so a redelivered event is never answered twice. Each Reply becomes one
Block Kit message, in a DM, in the thread of a mention, or ephemerally for the slash command;
the replies are committed to the outbox with the turn, and the :class:`Courier` sends them
again from any worker should this one die before it could.
Bolt acknowledges first (``process_before_response=False``) and the turn runs after, in its
thread pool: Slack's 3 seconds are never spent on the engine or the database.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from slack_bolt import Ack, Respond
from slack_bolt import App as BoltApp
from slack_sdk import WebClient

from adapters.bootstrap import App
from adapters.slack.blocks import CHOICE_PATTERN, plain_text
from adapters.slack.home import answer_hours, home_view
from adapters.slack.language import Texts, UserLocales
from adapters.slack.outbound import address, sender
from adapters.slack.staff import StaffDesk, StaffLog
from adapters.slack.web import skip_timeout_retries
from bot.courier import Courier
from bot.messages import Event, Reply
from bot.service import Answer

log = logging.getLogger(__name__)
CHANNEL = "slack"
COMMAND = "/mynumber"
MENU = "menu"  # what `/mynumber` alone sends the engine: one of its own commands
Finished = Callable[[str], None]


def build_bolt_app(
    bot: App,
    *,
    client: WebClient,
    signing_secret: str,
    staff: tuple[StaffDesk, StaffLog] | None = None,
    on_finished: Finished | None = None,
) -> BoltApp:
    """The Bolt app for ``bot``, whose courier from now on pumps Slack's parcels through
    ``client``. ``on_finished(delivery_id)`` is called once a delivery has been fully handled
    (replies posted or failed): Slack's ack comes before, so this is the only point that says
    a turn is over (the replay driver waits for it)."""
    bolt = BoltApp(client=client, signing_secret=signing_secret, process_before_response=False)
    bolt.middleware(skip_timeout_retries)
    adapter = SlackAdapter(bot=bot, client=client, on_finished=on_finished)
    bot.courier.route(CHANNEL, adapter.send)
    bolt.event("message")(adapter.on_message)
    bolt.event("app_mention")(adapter.on_mention)
    bolt.event("app_home_opened")(adapter.on_home)
    bolt.command(COMMAND)(adapter.on_command)
    bolt.action(CHOICE_PATTERN)(adapter.on_choice)
    if staff is not None:
        desk, store = staff
        desk.register(bolt, store, on_finished=on_finished)
    return bolt


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a turn comes from, and where its replies go."""

    delivery: str  # event_id, or the interaction's trigger_id
    team: str
    channel: str
    user: str
    ts: str | None  # Slack's timestamp of the message or press: the turn's clock
    thread: str | None = None  # replies in this thread
    response_url: str | None = None  # replies ephemeral, through it


class SlackAdapter:
    """Bolt's listeners: each translates one kind of Slack request into a turn."""

    def __init__(self, *, bot: App, client: WebClient, on_finished: Finished | None) -> None:
        self.service = bot.service
        self.courier: Courier = bot.courier
        self.client = client
        self.send = sender(client)
        self.texts = Texts(bot.service.engine.catalog)
        self.renderer = bot.service.engine.renderer
        self.locales = UserLocales(client)
        self.on_finished = on_finished

    def on_message(self, body: dict[str, Any], event: dict[str, Any]) -> None:
        """A direct message. Messages in channels are answered through app_mention only."""
        with self._finishing(body["event_id"]):
            if event.get("channel_type") == "im" and not _from_bot(event):
                origin = _event_origin(body, event, thread=event.get("thread_ts"))
                self._turn(origin, text=plain_text(event.get("text", "")))

    def on_mention(self, body: dict[str, Any], event: dict[str, Any], context: Any) -> None:
        """A mention in a channel, answered in its thread."""
        with self._finishing(body["event_id"]):
            if not _from_bot(event):
                text = plain_text(event.get("text", ""), drop_user=context.bot_user_id)
                thread = event.get("thread_ts") or event["ts"]
                self._turn(_event_origin(body, event, thread=thread), text=text)

    def on_command(self, ack: Ack, command: dict[str, Any], respond: Respond) -> None:
        """``/mynumber [text]``, answered ephemerally; ``/mynumber hours [language]`` is the
        table of ``mynumber-bot hours [--language]``."""
        ack()  # within Slack's 3 seconds; the answer follows through the response_url
        delivery = command["trigger_id"]
        with self._finishing(delivery):
            user = command["user_id"]
            words = plain_text(command.get("text", "")).split()
            if words and self.service.engine.understanding.command(words[0]) == "hours":
                locale = self.locales.get(user)
                answer_hours(self.renderer, self.texts, locale, words[1:], respond)
                return
            channel = command["channel_id"]
            origin = Origin(
                delivery, command["team_id"], channel, user, None, response_url=respond.response_url
            )
            self._turn(origin, text=" ".join(words) or MENU)

    def on_choice(
        self, ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond
    ) -> None:
        """A reply's button: the next turn, answered where the pressed message is."""
        ack()
        with self._finishing(body["trigger_id"]):
            ephemeral = bool(body["container"].get("is_ephemeral"))
            origin = Origin(
                delivery=body["trigger_id"],
                team=body["team"]["id"],
                channel=body["channel"]["id"],
                user=body["user"]["id"],
                ts=action["action_ts"],
                thread=(body.get("message") or {}).get("thread_ts"),
                response_url=respond.response_url if ephemeral else None,
            )
            self._turn(origin, button=action["value"])

    def on_home(self, body: dict[str, Any], event: dict[str, Any]) -> None:
        """The App Home tab: every line and whether it is open, at the moment it is opened."""
        with self._finishing(body["event_id"]):
            if event.get("tab") == "home":
                user = event["user"]
                view = home_view(
                    self.renderer, self.texts, self.locales.get(user), _clock(event["event_ts"])
                )
                self.client.views_publish(user_id=user, view=view)

    def _turn(self, origin: Origin, *, text: str | None = None, button: str | None = None) -> None:
        locale = self.locales.get(origin.user)
        to = address(
            origin.channel, origin.thread, response_url=origin.response_url, user=origin.user
        )
        event = Event(
            conversation=f"{CHANNEL}:{origin.team}:{origin.channel}:{origin.user}",
            at=_clock(origin.ts),
            text=text,
            button=button,
            locale=locale,
            channel=CHANNEL,
            user=origin.user,
            delivery_id=origin.delivery,
            address=to,
        )
        try:
            answer = self.service.answer(event)
        except Exception:
            # Only adapters catch broadly: the user gets an apology, the log the traceback.
            log.exception("the bot failed on a Slack turn")
            answer = Answer((Reply(self.texts(locale, "error.apology")),))
        try:
            with self.courier.delivery(answer) as sent:
                for reply in answer.replies:
                    self.send(to, reply)
                    sent.one()
        except Exception:
            # The outbox keeps what is unsent for the courier's pump (or drops a refusal).
            log.warning("posting to Slack failed", exc_info=True)

    @contextmanager
    def _finishing(self, delivery: str) -> Iterator[None]:
        try:
            yield
        finally:
            if self.on_finished is not None:
                self.on_finished(delivery)


def _event_origin(
    body: dict[str, Any], event: dict[str, Any], *, thread: str | None = None
) -> Origin:
    return Origin(
        body["event_id"], body["team_id"], event["channel"], event["user"], event["ts"], thread
    )


def _from_bot(event: dict[str, Any]) -> bool:
    # Bolt drops this bot's own events; other bots' messages, edits (message_changed),
    # deletions and joins carry a bot_id or a subtype: only what a person typed is a turn.
    return bool(event.get("bot_id") or event.get("subtype") or not event.get("user"))


def _clock(ts: str | None) -> datetime:
    return datetime.fromtimestamp(float(ts), UTC) if ts else datetime.now(UTC)
