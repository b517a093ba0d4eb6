"""The staff channel: each new inquiry announced without personal data, and its two buttons.

The channel post carries reference, topic, language and time only: a channel is read by many
and kept for long. "Show details" shows the e-mail and text to the one who pressed, ephemerally,
after recording who and when; "Mark answered" records who and when, once.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from slack_bolt import Ack
from slack_bolt import App as BoltApp
from slack_sdk import WebClient

from adapters.slack.blocks import Block, button, escape, section, sections
from adapters.slack.language import Texts, UserLocales
from adapters.slack.outbound import post_message
from bot.messages import Reply

JAPAN = ZoneInfo("Asia/Tokyo")
DETAILS_ACTION = "staff-details"
ANSWERED_ACTION = "staff-answered"


@dataclass(frozen=True, slots=True, kw_only=True)
class InquiryDetails:
    """A stored inquiry as staff see it; ``email``, ``text``, ``application_id`` are personal."""

    reference: str
    topic: str | None
    locale: str
    channel: str
    created_at: datetime
    email: str
    text: str
    application_id: str | None
    answered_by: str | None = None
    answered_at: datetime | None = None


class StaffLog(Protocol):
    """Where staff actions are kept (:class:`adapters.slack.staff_store.SqlStaffLog`)."""

    def lookup(self, reference: str) -> InquiryDetails | None: ...

    def record_details_viewed(self, reference: str, staff: str, at: datetime) -> None: ...

    def mark_answered(self, reference: str, staff: str, at: datetime) -> bool: ...


NOTICES = "slack-staff"  # the outbox channel of the staff's posts


class StaffDesk:
    """Announces inquiries in ``channel`` (the sender of the outbox's :data:`NOTICES`
    parcels, written with each inquiry) and serves its buttons."""

    def __init__(
        self, *, client: WebClient, channel: str, texts: Texts, locale: str | None = None
    ) -> None:
        self.client = client
        self.channel = channel
        self.texts = texts
        self.locale = locale  # the channel's language, for what everyone in it reads

    def announce(self, notice: str, _reply: Reply) -> None:
        """Post an inquiry's notice (:meth:`InquiryDraft.staff_notice`) to the staff channel:
        the courier's sender of the ``staff`` outbox channel."""
        fields = json.loads(notice)
        post = self._post(
            fields["reference"],
            fields["topic"],
            fields["locale"],
            fields["channel"],
            datetime.fromisoformat(fields["created_at"]),
        )
        post_message(self.client, channel=self.channel, **post)

    def register(
        self, bolt: BoltApp, store: StaffLog, *, on_finished: Callable[[str], None] | None = None
    ) -> None:
        """Answer the two buttons of the posts; ``on_finished`` as in the adapter."""
        locales = UserLocales(self.client)

        def handle(ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
            ack()
            try:
                self._press(body, action, store, locales)
            finally:
                if on_finished is not None:
                    on_finished(body["trigger_id"])

        bolt.action(DETAILS_ACTION)(handle)
        bolt.action(ANSWERED_ACTION)(handle)

    def _press(
        self, body: dict[str, Any], action: dict[str, Any], store: StaffLog, locales: UserLocales
    ) -> None:
        user, channel = body["user"]["id"], body["channel"]["id"]
        locale = locales.get(user)
        reference = action["value"]
        if channel != self.channel:  # a post forwarded elsewhere: its buttons stay inert
            self._tell(channel, user, self.texts(locale, "staff.wrong_channel"))
            return
        details = store.lookup(reference)
        if details is None:
            self._tell(channel, user, self.texts(locale, "staff.not_found", reference=reference))
            return
        at = datetime.fromtimestamp(float(action["action_ts"]), UTC)
        staff = f"slack:{body['team']['id']}:{user}"
        if action["action_id"] == DETAILS_ACTION:
            # Recorded before it is shown: nobody sees the details without leaving a trace.
            store.record_details_viewed(reference, staff, at)
            self._tell(channel, user, self._details(locale, details))
        elif store.mark_answered(reference, staff, at):
            post = self._post(*_fields(details), answered=(staff, at))
            self.client.chat_update(channel=channel, ts=body["message"]["ts"], **post)
        else:
            said = self.texts(
                locale,
                "staff.already_answered",
                reference=reference,
                user="{user}",
                time=_time(details.answered_at),
            )
            self._tell(channel, user, said, mention=details.answered_by)

    def _post(
        self,
        reference: str,
        topic: str | None,
        language: str,
        origin: str,
        created_at: datetime,
        answered: tuple[str, datetime] | None = None,
    ) -> dict[str, Any]:
        t, locale = self.texts, self.locale
        topic_label = t(locale, f"topic.{topic}") if topic else t(locale, "staff.topic_none")
        title = t(locale, "staff.new_inquiry", reference=reference)
        lines = [
            f"{t(locale, 'staff.field_topic')}: {topic_label}",
            f"{t(locale, 'staff.field_language')}: {t(locale, f'lang.{language}')} ({origin})",
            f"{t(locale, 'staff.field_received')}: {_time(created_at)}",
        ]
        blocks: list[Block] = [section(f"{title}\n" + "\n".join(lines))]
        buttons = [button(t(locale, "staff.show_details"), DETAILS_ACTION, reference)]
        if answered is None:
            label = t(locale, "staff.mark_answered")
            buttons.append(button(label, ANSWERED_ACTION, reference, style="primary"))
        else:
            said = t(locale, "staff.answered_by", user="{user}", time=_time(answered[1]))
            text = _mrkdwn(said, mention=answered[0])
            blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": text}]})
        blocks.append({"type": "actions", "elements": buttons})
        return {"text": escape(title), "blocks": blocks}

    def _details(self, locale: str | None, details: InquiryDetails) -> str:
        return self.texts(
            locale,
            "staff.details",
            reference=details.reference,
            email=details.email,
            application_id=details.application_id or "-",
            text=details.text,
        )

    def _tell(self, channel: str, user: str, text: str, *, mention: str | None = None) -> None:
        """Only ``user`` sees it (ephemeral), and Slack keeps no copy in the channel's history."""
        mrkdwn = _mrkdwn(text, mention=mention)
        blocks = sections(text)  # an inquiry's text can be longer than one section holds
        if mention is not None:
            blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": mrkdwn}}]
        self.client.chat_postEphemeral(channel=channel, user=user, text=mrkdwn, blocks=blocks)


def _fields(details: InquiryDetails) -> tuple[str, str | None, str, str, datetime]:
    return (details.reference, details.topic, details.locale, details.channel, details.created_at)


def _time(moment: datetime | None) -> str:
    return moment.astimezone(JAPAN).strftime("%Y-%m-%d %H:%M JST") if moment else "-"


def _mrkdwn(text: str, *, mention: str | None = None) -> str:
    """``text`` escaped, with a ``{user}`` left in it as a live mention of ``mention``
    (``slack:T1:U2`` mentions U2; staff of another channel are written as recorded)."""
    escaped = escape(text)
    if mention is None:
        return escaped
    shown = f"<@{mention.rsplit(':', 1)[1]}>" if mention.startswith("slack:") else escape(mention)
    return escaped.replace("{user}", shown)
