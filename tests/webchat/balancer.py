"""A load balancer for the two-worker test: a TCP proxy on a free port of 127.0.0.1 that hands
each new connection to the next of its backends in turn, and to the one after when a backend
refuses (a worker killed). Connections to a dead backend end with it, as they would behind a
real balancer. Threads are daemons and every wait is bounded."""

from __future__ import annotations

import contextlib
import itertools
import select
import socket
import threading

_TICK = 0.2  # seconds between looks at the stop flag


class Balancer:
    def __init__(self, backends: list[tuple[str, int]]) -> None:
        self.backends = backends
        self.served = [0] * len(backends)  # connections handed to each backend
        self._turn = itertools.cycle(range(len(backends)))
        self._lock = threading.Lock()
        self._stopped = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(_TICK)
        self.port = self._listener.getsockname()[1]
        threading.Thread(target=self._accept, name="balancer", daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def close(self) -> None:
        self._stopped.set()
        self._listener.close()

    def _accept(self) -> None:
        while not self._stopped.is_set():
            try:
                client, _ = self._listener.accept()
            except (TimeoutError, OSError):
                continue
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _connect(self) -> socket.socket | None:
        with self._lock:
            first = next(self._turn)
        for offset in range(len(self.backends)):
            index = (first + offset) % len(self.backends)
            with contextlib.suppress(OSError):
                upstream = socket.create_connection(self.backends[index], timeout=2)
                with self._lock:
                    self.served[index] += 1
                return upstream
        return None

    def _serve(self, client: socket.socket) -> None:
        upstream = self._connect()
        if upstream is None:
            client.close()
            return
        peers = {client: upstream, upstream: client}
        try:
            while not self._stopped.is_set():
                readable, _, _ = select.select(list(peers), [], [], _TICK)
                for side in readable:
                    data = side.recv(65536)
                    if not data:
                        return
                    peers[side].sendall(data)
        except OSError:
            return
        finally:
            for side in peers:
                side.close()
