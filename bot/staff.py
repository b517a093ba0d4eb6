"""The staff's inbox of written inquiries: told of each new one without personal data, its
details shown only to a staff member who asks (and that is recorded first), marked answered
once. A channel (Slack today) renders it; the rules are here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from bot.inquiry import InquiryDraft


@dataclass(frozen=True, slots=True, kw_only=True)
class StoredInquiry:
    """An inquiry as stored: what export and staff read. ``email``, ``text`` and
    ``application_id`` are personal; ``answered_by``/``at`` say who marked it answered."""

    reference: str
    created_at: datetime
    consent_at: datetime
    notice_version: str
    channel: str
    locale: str
    topic: str | None
    email: str
    text: str
    application_id: str | None
    answered_by: str | None = None
    answered_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Notice:
    """What staff are told of a new inquiry at once: no e-mail, no text. It travels as the
    address of an outbox parcel (:meth:`as_address`), written with the inquiry itself."""

    reference: str
    topic: str | None
    locale: str
    channel: str
    created_at: datetime

    @classmethod
    def of(cls, draft: InquiryDraft) -> Notice:
        return cls(draft.reference, draft.topic, draft.locale, draft.channel, draft.created_at)

    def as_address(self) -> str:
        fields = {
            "reference": self.reference,
            "topic": self.topic,
            "locale": self.locale,
            "channel": self.channel,
            "created_at": self.created_at.isoformat(),
        }
        return json.dumps(fields)

    @classmethod
    def from_address(cls, address: str) -> Notice:
        """Raises ValueError for an address :meth:`as_address` did not write."""
        try:
            fields = json.loads(address)
            return cls(
                str(fields["reference"]),
                fields["topic"],
                str(fields["locale"]),
                str(fields["channel"]),
                datetime.fromisoformat(fields["created_at"]),
            )
        except (TypeError, KeyError) as exc:
            raise ValueError(f"not a staff notice: {exc}") from exc


class StaffLog(Protocol):
    """Where inquiries are read back and staff actions kept (``adapters.sql.staff``)."""

    def lookup(self, reference: str) -> StoredInquiry | None: ...

    def record_details_viewed(self, reference: str, staff: str, at: datetime) -> None: ...

    def mark_answered(self, reference: str, staff: str, at: datetime) -> bool:
        """True if this call marked it; False if it was answered before (or is gone)."""
        ...


@dataclass(frozen=True, slots=True)
class Marked:
    """The outcome of marking answered: ``now`` True when this call did; ``inquiry`` as stored
    after it (None when it is gone)."""

    now: bool
    inquiry: StoredInquiry | None


class StaffInbox:
    """The inbox's rules over a :class:`StaffLog`; ``staff`` names who acts, as the channel
    knows them (``slack:T1:U2``)."""

    def __init__(self, log: StaffLog) -> None:
        self.log = log

    def details(self, reference: str, staff: str, at: datetime) -> StoredInquiry | None:
        """The inquiry with its personal data, for ``staff`` alone: recorded before it is
        returned, so that nobody sees the details without leaving a trace."""
        found = self.log.lookup(reference)
        if found is not None:
            self.log.record_details_viewed(reference, staff, at)
        return found

    def mark_answered(self, reference: str, staff: str, at: datetime) -> Marked:
        marked = self.log.mark_answered(reference, staff, at)
        return Marked(marked, self.log.lookup(reference))
