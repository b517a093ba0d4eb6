"""The bot's two clocks, and which decides what.

- The **conversation's clock** (``Event.at``): the moment the user asked about. It decides
  everything the bot says: open or closed, when a line opens next, the times quoted to users
  and staff, when a reminder is due, when consent was given and an inquiry sent. A transcript
  sets it (``at:``, ``wait:``), Slack gives it (a message's ``ts``), ``chat --at`` fixes it;
  otherwise it is the wall clock at the moment the event arrived.
- The **wall clock** (:func:`wall_clock`): the machine's time. It decides what happens between
  workers and to what is stored: a parcel's lease and age in the outbox, when a delivery id or
  an idle conversation is forgotten, retention. The outbox owns it (:meth:`Outbox.now`), so the
  courier and the store can never read two different clocks.

The two never meet in one comparison: a parcel's age is the outbox's clock minus the outbox's
creation time, never the conversation's.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]


def wall_clock() -> datetime:
    """Now, in UTC: the clock of leases, ages and retention."""
    return datetime.now(UTC)
