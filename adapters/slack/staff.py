"""The staff's inbox (:mod:`bot.staff`) rendered in a Slack channel: each new inquiry posted
without personal data, and its two buttons.

The channel post carries reference, topic, language and time only: a channel is read by many
and kept for long. "Show details" shows the e-mail and text to the one who pressed, ephemerally
(the inbox records who and when first); "Mark answered" records who and when, once.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from slack_bolt import Ack
from slack_bolt import App as BoltApp
from slack_sdk import WebClient

from adapters.slack.blocks import Block, button, escape, section, sections
from adapters.slack.language import Texts, UserLocales
from adapters.slack.outbound import post_message
from bot.messages import Reply
from bot.staff import Notice, StaffInbox, StoredInquiry

JAPAN = ZoneInfo("Asia/Tokyo")
DETAILS_ACTION = "staff-details"
ANSWERED_ACTION = "staff-answered"


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

    def announce(self, address: str, _reply: Reply, _key: str) -> None:
        """Post an inquiry's notice (:class:`bot.staff.Notice`) to the staff channel: the
        courier's sender of the :data:`NOTICES` outbox channel."""
        notice = Notice.from_address(address)
        post = self._post(
            notice.reference, notice.topic, notice.locale, notice.channel, notice.created_at
        )
        post_message(self.client, channel=self.channel, **post)

    def register(self, bolt: BoltApp, inbox: StaffInbox, finished: Callable[[str], None]) -> None:
        """Answer the two buttons of the posts; ``finished`` once each press is handled."""
        locales = UserLocales(self.client)

        def handle(ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
            ack()
            try:
                self._press(body, action, inbox, locales)
            finally:
                finished(body["trigger_id"])

        bolt.action(DETAILS_ACTION)(handle)
        bolt.action(ANSWERED_ACTION)(handle)

    def _press(
        self, body: dict[str, Any], action: dict[str, Any], inbox: StaffInbox, locales: UserLocales
    ) -> None:
        user, channel = body["user"]["id"], body["channel"]["id"]
        locale = locales.get(user)
        reference = action["value"]
        if channel != self.channel:  # a post forwarded elsewhere: its buttons stay inert
            self._tell(channel, user, self.texts(locale, "staff.wrong_channel"))
            return
        at = datetime.fromtimestamp(float(action["action_ts"]), UTC)
        staff = f"slack:{body['team']['id']}:{user}"
        if action["action_id"] == DETAILS_ACTION:
            details = inbox.details(reference, staff, at)
            if details is None:
                self._not_found(channel, user, locale, reference)
            else:
                self._tell(channel, user, self._details(locale, details))
            return
        marked = inbox.mark_answered(reference, staff, at)
        if marked.inquiry is None:
            self._not_found(channel, user, locale, reference)
        elif marked.now:
            post = self._post(*_fields(marked.inquiry), answered=(staff, at))
            self.client.chat_update(channel=channel, ts=body["message"]["ts"], **post)
        else:
            said = self.texts(
                locale,
                "staff.already_answered",
                reference=reference,
                user="{user}",
                time=_time(marked.inquiry.answered_at),
            )
            self._tell(channel, user, said, mention=marked.inquiry.answered_by)

    def _not_found(self, channel: str, user: str, locale: str | None, reference: str) -> None:
        self._tell(channel, user, self.texts(locale, "staff.not_found", reference=reference))

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

    def _details(self, locale: str | None, details: StoredInquiry) -> str:
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


def _fields(details: StoredInquiry) -> tuple[str, str | None, str, str, datetime]:
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
