"""A small threaded TCP proxy to inject network faults between the bot and its database.

``TcpProxy(("127.0.0.1", 5432))`` listens on a free port of 127.0.0.1 and forwards every
connection to the target. ``cut()`` closes every open connection and, until ``restore()``,
closes each new one as soon as it is accepted: to a client, the server has gone away.
``blackhole()`` is the worse failure: connections stay open and new ones are accepted, but
nothing is carried either way (what is sent is read and dropped): to a client, the server has
stopped answering. ``restore()`` ends it; connections a client gave up on meanwhile are closed
on the server's side too, so that the server rolls back what they had begun.
Every thread is a daemon and every socket has a timeout, so a test can never hang on it.
"""

from __future__ import annotations

import contextlib
import select
import socket
import threading
from collections.abc import Callable
from types import TracebackType

_TICK = 0.2  # how often blocked threads look at the stop flag, in seconds
_CONNECT_TIMEOUT = 2.0
_IO_TIMEOUT = 5.0  # a send that cannot progress for this long drops the connection


class TcpProxy:
    def __init__(self, target: tuple[str, int], *, host: str = "127.0.0.1") -> None:
        self.target = target
        self._lock = threading.Lock()
        self._open: set[socket.socket] = set()
        self._threads: list[threading.Thread] = []
        self._cut = False
        self._blackholed = False
        self._stopped = threading.Event()
        # Counters, for tests to check that traffic really went through the proxy.
        self.forwarded = 0  # connections accepted and connected to the target
        self.refused = 0  # connections accepted while cut, closed at once
        self.bytes_up = 0  # client -> target
        self.bytes_down = 0  # target -> client
        self._listener = socket.create_server((host, 0))
        self._listener.settimeout(_TICK)
        self.host, self.port = self._listener.getsockname()[:2]
        self._start(self._accept_loop, name=f"proxy-accept:{self.port}")

    # -- faults ----------------------------------------------------------------------------------

    def cut(self) -> None:
        """Close every open connection; close new ones at once until restore()."""
        with self._lock:
            self._cut = True
            sockets, self._open = self._open, set()
        for sock in sockets:
            _close(sock)

    def blackhole(self) -> None:
        """Carry nothing, keep every connection open, accept new ones: until restore()."""
        with self._lock:
            self._blackholed = True

    def restore(self) -> None:
        with self._lock:
            self._cut = False
            self._blackholed = False

    @property
    def open_connections(self) -> int:
        with self._lock:
            return len(self._open) // 2

    # -- lifecycle -------------------------------------------------------------------------------

    def close(self, timeout: float = 2.0) -> None:
        """Stop accepting, close every connection, wait (bounded) for the threads."""
        self._stopped.set()
        self.cut()
        _close(self._listener)
        for thread in list(self._threads):
            thread.join(timeout)

    def __enter__(self) -> TcpProxy:
        return self

    def __exit__(
        self,
        _type: type[BaseException] | None,
        _value: BaseException | None,
        _traceback: TracebackType | None,
    ) -> None:
        self.close()

    # -- internals -------------------------------------------------------------------------------

    def _start(self, target: Callable[..., None], *args: object, name: str) -> None:
        thread = threading.Thread(target=target, args=args, name=name, daemon=True)
        with self._lock:
            self._threads = [t for t in self._threads if t.is_alive()]
            self._threads.append(thread)
        thread.start()

    def _accept_loop(self) -> None:
        while not self._stopped.is_set():
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return  # the listener was closed
            with self._lock:
                cut, blackholed = self._cut, self._blackholed
                if cut:
                    self.refused += 1
            if cut:
                _close(client)
                continue
            if blackholed:  # accepted, and never answered: a server that stopped replying
                self._start(self._swallow, client, name=f"proxy-hole:{self.port}")
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=_CONNECT_TIMEOUT)
            except OSError:
                _close(client)
                continue
            with self._lock:
                if self._cut:  # cut while connecting
                    self.refused += 1
                    _close(client)
                    _close(upstream)
                    continue
                self.forwarded += 1
                self._open.update((client, upstream))
            for sock in (client, upstream):
                sock.settimeout(_IO_TIMEOUT)
            self._start(self._pump, client, upstream, "up", name=f"proxy-up:{self.port}")
            self._start(self._pump, upstream, client, "down", name=f"proxy-down:{self.port}")

    def _pump(self, source: socket.socket, sink: socket.socket, direction: str) -> None:
        try:
            while not self._stopped.is_set():
                readable, _, _ = select.select([source], [], [], _TICK)
                if not readable:
                    continue
                data = source.recv(65536)
                if not data:
                    break
                with self._lock:
                    blackholed = self._blackholed
                if blackholed:
                    continue  # read and dropped: nothing reaches the other side
                sink.sendall(data)
                with self._lock:
                    if direction == "up":
                        self.bytes_up += len(data)
                    else:
                        self.bytes_down += len(data)
        except (OSError, ValueError):
            pass  # closed by cut(), close() or the other side (ValueError: fd already closed)
        finally:
            with self._lock:
                self._open.discard(source)
                self._open.discard(sink)
            _close(source)
            _close(sink)

    def _swallow(self, client: socket.socket) -> None:
        """A connection accepted while blackholed: read and dropped until the client leaves."""
        client.settimeout(_TICK)
        try:
            while not self._stopped.is_set():
                try:
                    if not client.recv(65536):
                        break
                except TimeoutError:
                    continue
        except OSError:
            pass
        finally:
            _close(client)


def _close(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)  # wakes a thread blocked on it, unlike close()
    with contextlib.suppress(OSError):
        sock.close()
