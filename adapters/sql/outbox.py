"""The outbox in SQL: parcels claimed by leases, so that one worker at a time sends each.

On PostgreSQL, workers claiming at once skip each other's rows (``FOR UPDATE SKIP LOCKED``)
instead of queueing for them; on SQLite the write lock taken at ``BEGIN IMMEDIATE`` serializes
the claims. Each parcel names its owner, so that a worker known dead loses its leases at once.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, bindparam, delete, func, insert, or_, select, update

from adapters.sql.database import Database
from adapters.sql.driver import DriverStatements
from adapters.sql.schema import outbox
from bot.clock import Clock, wall_clock
from bot.messages import Reply
from bot.parcel import Parcel, dump_replies, load_replies
from bot.storage import LEASE

log = logging.getLogger(__name__)

_DUE = (
    select(outbox.c.id)
    .where(
        outbox.c.channel.in_(bindparam("channels", expanding=True)),
        or_(
            outbox.c.lease_until <= bindparam("now"),
            outbox.c.owner.in_(bindparam("dead", expanding=True)),
        ),
    )
    .order_by(outbox.c.id)
    .limit(bindparam("limit"))
    .with_for_update(skip_locked=True)
)
_CLAIM = (
    update(outbox)
    .where(outbox.c.id.in_(_DUE.scalar_subquery()))
    .values(
        lease_until=bindparam("until"), owner=bindparam("owner"), attempts=outbox.c.attempts + 1
    )
    .returning(*outbox.c)
)
# The workers holding leases that have not run out: the only ones whose death matters.
_OWNERS = (
    select(outbox.c.owner)
    .distinct()
    .where(
        outbox.c.channel.in_(bindparam("channels", expanding=True)),
        outbox.c.lease_until > bindparam("now"),
        outbox.c.owner.is_not(None),
    )
)
_ENQUEUE = DriverStatements(
    lambda _dialect: {
        "enqueue": insert(outbox)
        .values(
            {
                column: bindparam(column)
                for column in (
                    "channel",
                    "address",
                    "replies",
                    "created_at",
                    "lease_until",
                    "owner",
                )
            }
        )
        .returning(outbox.c.id)
    }
)
_FORGET = delete(outbox).where(outbox.c.id.in_(bindparam("ids", expanding=True)))
_RENEW = (
    update(outbox)
    .where(outbox.c.id.in_(bindparam("ids", expanding=True)))
    .values(lease_until=bindparam("until"))
)
_POSTPONE = (
    update(outbox)
    .where(outbox.c.id == bindparam("parcel"))
    .values(replies=bindparam("replies"), lease_until=bindparam("until"))
)


class SqlOutbox:
    """:class:`~bot.storage.Outbox` over SQLAlchemy; ``clock``: the outbox's (the wall clock,
    but in tests that move it)."""

    def __init__(
        self, database: Database, *, lease: timedelta = LEASE, clock: Clock = wall_clock
    ) -> None:
        self.database = database
        self.lease = lease
        self.clock = clock

    def now(self) -> datetime:
        return self.clock()

    def claim_parcels(self, channels: Sequence[str], *, limit: int) -> list[Parcel]:
        """The parcels whose lease has run out, and those of workers known dead however long
        their lease (:mod:`adapters.sql.liveness`)."""
        now = self.now()
        liveness = self.database.liveness()
        values = {"channels": list(channels), "now": now, "limit": limit, "until": now + self.lease}
        with self.database.begin() as connection:
            owners = connection.execute(_OWNERS, values).scalars().all()
            dead = sorted(liveness.dead(connection, owners)) if owners else []
            if dead:
                log.info("taking over the parcels of %d dead worker(s)", len(dead))
            values |= {"dead": dead, "owner": liveness.owner()}
            rows = connection.execute(_CLAIM, values).all()
        return sorted((_parcel(row._mapping) for row in rows), key=lambda parcel: parcel.id)

    def renew(self, ids: Sequence[int]) -> None:
        with self.database.begin() as connection:
            connection.execute(_RENEW, {"ids": list(ids), "until": self.now() + self.lease})

    def acknowledge(self, ids: Sequence[int]) -> None:
        with self.database.begin() as connection:
            connection.execute(_FORGET, {"ids": list(ids)})

    def postpone(self, parcel: int, replies: tuple[Reply, ...], *, until: datetime) -> None:
        values = {"parcel": parcel, "replies": dump_replies(replies), "until": until}
        with self.database.begin() as connection:
            connection.execute(_POSTPONE, values)

    def purge(self, *, before: datetime) -> int:
        """Delete parcels created before ``before``, sent or not: a reply can quote what the user
        typed (the inquiry's summary), and one no worker could send in a day answers nothing."""
        with self.database.begin() as connection:
            result = connection.execute(delete(outbox).where(outbox.c.created_at < before))
            return result.rowcount

    def pending(self) -> int:
        """Parcels not yet sent, by any worker."""
        with self.database.begin() as connection:
            count: int = connection.execute(select(func.count()).select_from(outbox)).scalar_one()
            return count


def enqueue(
    connection: Connection,
    channel: str,
    address: str,
    replies: tuple[Reply, ...],
    *,
    lease: timedelta,
    now: datetime,
    owner: int | None,
) -> Parcel:
    """A parcel, in the caller's transaction, created ``now`` and leased to ``owner`` (the
    caller's worker) from then; ``now`` is the outbox's clock, whatever time the conversation
    is at."""
    values = {
        "channel": channel,
        "address": address,
        "replies": dump_replies(replies),
        "created_at": now,
        "lease_until": now + lease,
        "owner": owner,
    }
    parcel: int = _ENQUEUE.of(connection)["enqueue"].run(connection, values).fetchone()[0]
    return Parcel(parcel, channel, address, replies, now)


def _parcel(row: Any) -> Parcel:
    return Parcel(
        id=row["id"],
        channel=row["channel"],
        address=row["address"],
        replies=load_replies(row["replies"]),
        created_at=row["created_at"],
        attempts=row["attempts"],
    )
