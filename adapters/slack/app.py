"""The Slack adapter: events, the slash command and button presses in; the engine's replies out.

A translator only. Each inbound becomes an :class:`Event` for the turn runner: the
conversation is ``slack:<team>:<channel>:<user>``; the clock is Slack's own timestamp of the
message or press (what the user asked about is that moment); the locale is the user's Slack
locale; the delivery id is the event_id (or the interaction's trigger_id), which the service
claims in the turn's transaction, so a redelivered event is never answered twice. Each Reply
becomes one Block Kit message, in a DM, in the thread of a mention, or ephemerally for the
slash command (``/mynumber hours th`` is a turn like any other: the engine's ``hours``).
Bolt acknowledges first (``process_before_response=False``) and the turn runs after, in its
thread pool: Slack's 3 seconds are never spent on the engine or the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from slack_bolt import Ack, Respond
from slack_bolt import App as BoltApp
from slack_sdk import WebClient

from adapters.slack.blocks import CHOICE_PATTERN, plain_text
from adapters.slack.home import home_view
from adapters.slack.language import Texts, UserLocales
from adapters.slack.outbound import address, sender
from adapters.slack.staff import StaffDesk
from bot.channel import Bot
from bot.messages import Event

CHANNEL = "slack"
COMMAND = "/mynumber"
MENU = "menu"  # what `/mynumber` alone sends the engine: one of its own commands


def build_bolt_app(
    bot: Bot, *, client: WebClient, signing_secret: str, desk: StaffDesk | None = None
) -> BoltApp:
    """The Bolt app for ``bot``: Slack's events, command and buttons as turns of its runner,
    and the staff channel's buttons when ``desk`` is given."""
    bolt = BoltApp(client=client, signing_secret=signing_secret, process_before_response=False)
    adapter = SlackAdapter(bot=bot, client=client)
    bolt.event("message")(adapter.on_message)
    bolt.event("app_mention")(adapter.on_mention)
    bolt.event("app_home_opened")(adapter.on_home)
    bolt.command(COMMAND)(adapter.on_command)
    bolt.action(CHOICE_PATTERN)(adapter.on_choice)
    if desk is not None and bot.inbox is not None:
        desk.register(bolt, bot.inbox, bot.runner.finished)
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

    def __init__(self, *, bot: Bot, client: WebClient) -> None:
        self.runner = bot.runner
        self.client = client
        self.send = sender(client)
        self.texts = Texts(bot.service.engine.catalog)
        self.renderer = bot.service.engine.renderer
        self.locales = UserLocales(client)

    def on_message(self, body: dict[str, Any], event: dict[str, Any]) -> None:
        """A direct message. Messages in channels are answered through app_mention only."""
        if event.get("channel_type") == "im" and not _from_bot(event):
            origin = _event_origin(body, event, thread=event.get("thread_ts"))
            self._turn(origin, text=plain_text(event.get("text", "")))
        else:
            self.runner.finished(body["event_id"])  # no turn: handled all the same

    def on_mention(self, body: dict[str, Any], event: dict[str, Any], context: Any) -> None:
        """A mention in a channel, answered in its thread."""
        if _from_bot(event):
            self.runner.finished(body["event_id"])
            return
        text = plain_text(event.get("text", ""), drop_user=context.bot_user_id)
        thread = event.get("thread_ts") or event["ts"]
        self._turn(_event_origin(body, event, thread=thread), text=text)

    def on_command(self, ack: Ack, command: dict[str, Any], respond: Respond) -> None:
        """``/mynumber [text]``, answered ephemerally (``/mynumber hours th`` too)."""
        ack()  # within Slack's 3 seconds; the answer follows through the response_url
        text = " ".join(plain_text(command.get("text", "")).split())
        origin = Origin(
            command["trigger_id"],
            command["team_id"],
            command["channel_id"],
            command["user_id"],
            None,
            response_url=respond.response_url,
        )
        self._turn(origin, text=text or MENU)

    def on_choice(
        self, ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond
    ) -> None:
        """A reply's button: the next turn, answered where the pressed message is."""
        ack()
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
        try:
            if event.get("tab") == "home":
                user = event["user"]
                view = home_view(
                    self.renderer, self.texts, self.locales.get(user), _clock(event["event_ts"])
                )
                self.client.views_publish(user_id=user, view=view)
        finally:
            self.runner.finished(body["event_id"])

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
        self.runner.run(event, self.send)


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
