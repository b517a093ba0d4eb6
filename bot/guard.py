"""No user waits on a store that hangs: a deadline on each turn's storage, and once the store
is known to fail or hang, turns answered without it until it has had time to come back.

A store that is down fails at once and the service answers without it; one that hangs (a link
that carries nothing, a server that stopped answering) would hold every turn for as long as
its network timeouts. With a deadline, a turn's storage runs in a thread of its own: past the
deadline the turn is answered as if the store were down, what it was writing is abandoned
(rolled back, never committed late), and the wait of its thread is cut (the store's
``interrupt``: a server that never answers would hold that thread, and its connection, for
as long as it hangs). Either way the guard then keeps the next turns from the
store for ``retry_after`` seconds; the first turn after that tries it again.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as Late
from typing import TypeVar

T = TypeVar("T")
RETRY_AFTER = 2.0  # seconds a failing store is left alone
STUCK_THREADS = 16  # turns that may wait on a hanging store at once


class StoreGuard:
    """``deadline``: seconds a turn may spend on the store (None: as long as it takes, for a
    local file whose failures are quick)."""

    def __init__(
        self,
        *,
        deadline: float | None = None,
        retry_after: float = RETRY_AFTER,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.deadline = deadline
        self.retry_after = retry_after
        self.clock = clock
        self._shut_until = 0.0
        self._pool = ThreadPoolExecutor(STUCK_THREADS, "store") if deadline else None
        self.interrupt: Callable[[int], None] = lambda _thread: None

    def down(self) -> bool:
        """Whether the store failed or hung too recently to be tried again."""
        return self.clock() < self._shut_until

    def failed(self) -> None:
        self._shut_until = self.clock() + self.retry_after

    def run(self, work: Callable[[threading.Event], T]) -> T | None:
        """``work(abandoned)``, or None once past the deadline: ``abandoned`` is then set, and
        ``work`` must not commit anything after it (see :meth:`BotService.answer`)."""
        abandoned = threading.Event()
        if self._pool is None:
            return work(abandoned)
        thread: list[int] = []

        def job() -> T:
            thread.append(threading.get_ident())
            return work(abandoned)

        future = self._pool.submit(job)
        try:
            return future.result(timeout=self.deadline)
        except Late:
            abandoned.set()
            self.failed()
            if thread:
                self.interrupt(thread[0])
            return None
