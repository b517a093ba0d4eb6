"""Which workers are alive: each holds a lock for as long as its process lives, and the
operating system or PostgreSQL releases it the moment the process dies.

The outbox names each parcel's owner (the worker that committed or claimed it): a parcel whose
owner is dead is claimed by another worker's pump at once instead of when its lease runs out
(see :mod:`adapters.sql.outbox`). The lease stays, as the guard against a worker that is alive
but cut off from its platform.

- PostgreSQL: a session advisory lock per worker, on a connection of its own outside the pool
  (as Que and Oban do); the server lets go of it when that connection ends, which the kernel
  closes with the process.
- SQLite in a file: a lock file per worker beside the database, held with ``flock``, which the
  kernel releases with the process.
- SQLite in memory: one process, so no other worker to be dead.

An owner is a random positive 31-bit number, new with each process: a worker restarted is
another owner, so nothing it left behind waits for it. A worker that holds no lock (its folder
cannot be written, the database was away when it started) writes no owner: its parcels wait
for their lease, as before, rather than being taken for a dead worker's.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import secrets
import threading
from collections.abc import Collection
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import Connection, Engine, bindparam, text

log = logging.getLogger(__name__)

# The first key of every worker's advisory lock ("mynb"): no other use of advisory locks by this
# bot takes two keys (conversations lock on one 64-bit hash), so none can be mistaken for it.
LOCK_NAMESPACE = 0x6D796E62
_ALIVE = text(
    "SELECT objid::bigint FROM pg_locks WHERE locktype = 'advisory' AND granted"
    " AND classid = :namespace AND objsubid = 2 AND objid::bigint IN :owners"
    " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
).bindparams(bindparam("owners", expanding=True))
_LOCK_SUFFIX = ".lock"


def new_owner() -> int:
    return secrets.randbelow(2**31 - 1) + 1


class Liveness(Protocol):
    """This worker's name as an owner, and who among other owners is dead."""

    def owner(self) -> int | None:
        """The owner to write on this worker's parcels: None while it holds no lock."""
        ...

    def dead(self, connection: Connection, owners: Collection[int]) -> set[int]:
        """Those of ``owners`` whose worker has died (``connection``: the caller's, in its
        transaction). Never this worker."""
        ...

    def close(self) -> None: ...


class Alone:
    """SQLite in memory (only this process sees it), or no lock to be had: leases alone."""

    def owner(self) -> int | None:
        return None

    def dead(self, connection: Connection, owners: Collection[int]) -> set[int]:
        return set()

    def close(self) -> None:
        pass


class AdvisoryLocks:
    """PostgreSQL: this worker holds ``pg_advisory_lock(LOCK_NAMESPACE, mine)`` on a connection
    of its own; an owner whose lock nobody holds is dead."""

    def __init__(self, engine: Engine, connect_args: dict[str, object]) -> None:
        self.mine = new_owner()
        self._engine = engine
        self._connect_args = connect_args
        self._held: Any = None  # the DBAPI connection holding the lock
        self._lock = threading.Lock()
        self._hold()

    def owner(self) -> int | None:
        return None if self._held is None else self.mine

    def dead(self, connection: Connection, owners: Collection[int]) -> set[int]:
        asked = set(owners) | {self.mine}
        values = {"namespace": LOCK_NAMESPACE, "owners": sorted(asked)}
        alive = {row[0] for row in connection.execute(_ALIVE, values)}
        if self.mine not in alive:
            # The lock's connection ended (the server restarted, the link dropped): others may
            # have taken this worker for dead meanwhile, which costs at most a reply sent twice.
            log.warning("this worker's liveness lock was lost; taking it again")
            self._hold()
        return set(owners) - alive - {self.mine}

    def _hold(self) -> None:
        with self._lock:
            self._release()
            try:
                cargs, cparams = self._engine.dialect.create_connect_args(self._engine.url)
                held = self._engine.dialect.connect(*cargs, **{**cparams, **self._connect_args})
                held.autocommit = True
                cursor = held.cursor()
                cursor.execute("SELECT pg_advisory_lock(%s, %s)", (LOCK_NAMESPACE, self.mine))
                cursor.close()
            except Exception as exc:  # the database is away: the next claim tries again
                log.warning("could not take this worker's liveness lock (%s)", type(exc).__name__)
                return
            self._held = held

    def _release(self) -> None:
        held, self._held = self._held, None
        if held is not None:
            with contextlib.suppress(Exception):
                held.close()

    def close(self) -> None:
        with self._lock:
            self._release()


class LockFiles:
    """SQLite in a file: this worker holds an exclusive ``flock`` on ``<folder>/<mine>.lock``;
    an owner whose file is missing, or can be locked, is dead."""

    def __init__(self, folder: Path) -> None:
        self.mine = new_owner()
        self.folder = folder
        folder.mkdir(mode=0o700, exist_ok=True)
        # Locked under a temporary name and then renamed, so that no other worker ever sees
        # this worker's file unlocked (and takes it for dead).
        making = folder / f"{self.mine}.new"
        self._file = os.open(making, os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(self._file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        os.rename(making, self._path(self.mine))
        self._sweep()

    def owner(self) -> int | None:
        return self.mine

    def dead(self, connection: Connection, owners: Collection[int]) -> set[int]:
        return {owner for owner in owners if owner != self.mine and self._is_dead(owner)}

    def _path(self, owner: int) -> Path:
        return self.folder / f"{owner}{_LOCK_SUFFIX}"

    def _is_dead(self, owner: int) -> bool:
        try:
            probe = os.open(self._path(owner), os.O_RDWR)
        except FileNotFoundError:
            return True
        try:
            fcntl.flock(probe, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        else:
            with contextlib.suppress(FileNotFoundError):
                self._path(owner).unlink()
            return True
        finally:
            os.close(probe)

    def _sweep(self) -> None:
        """Remove the files of workers that died with no parcel left to find them by."""
        for found in self.folder.glob(f"*{_LOCK_SUFFIX}"):
            if found.stem.isdigit() and int(found.stem) != self.mine:
                self._is_dead(int(found.stem))

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self._path(self.mine).unlink()
        os.close(self._file)


def liveness_for(engine: Engine, database: str | None, connect_args: dict[str, object]) -> Liveness:
    """The liveness of ``engine``'s workers: ``database`` is SQLite's file (None in memory)."""
    if engine.dialect.name != "sqlite":
        return AdvisoryLocks(engine, connect_args)
    if not database or database == ":memory:":
        return Alone()
    try:
        return LockFiles(Path(database).with_name(Path(database).name + ".workers"))
    except OSError as exc:  # a folder that cannot be written: other workers wait for leases
        log.warning("no lock file for this worker (%s); leases alone tell it is gone", exc)
        return Alone()
