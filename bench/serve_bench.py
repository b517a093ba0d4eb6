"""Load on `mynumber-bot serve --workers W`: Telegram webhooks over HTTP, on SQLite and PostgreSQL.

Simulated users each run a short conversation ("I lost my phone", "card question", "Thai",
"thanks"...) as Telegram webhook updates POSTed to ``/telegram`` (aiohttp, keep-alive, at most
``CONCURRENCY`` requests in flight; each user's updates in order, the users concurrently). The
server is the real command in a subprocess, for W = 1, 2 and 4 workers, on a fresh SQLite file
and on a fresh PostgreSQL schema (``db upgrade`` first, dropped afterwards; skipped, saying why,
when PostgreSQL cannot be reached). Telegram is configured against the stand-in Bot API, run in
a process of its own (this module with ``--stand-in``), which also tells how many messages it
received in each chat.

Per configuration: turns/s (updates answered 200 per second of wall time), p50 and p99 of the
webhook request's latency, errors (non-200 answers and exceptions), and duplicate or missing
replies (``sendMessage`` calls per chat against what the service says those turns answer,
computed in-process beforehand: some turns answer with two messages).

Telegram's flood limit (30 messages a second for the whole bot, shared by the workers) is
lifted with ``TELEGRAM_MAX_MESSAGES_PER_SECOND=0``: with it, the limit and not the server would
set the pace. Warm-up users are
sent first on the same connections (every worker builds its matchers lazily) and checked, not
timed. Everything on 127.0.0.1; every process started is stopped (SIGTERM, then SIGKILL).
Run: ``python -m bench.serve_bench``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import aiohttp

from tests.serve.processes import free_port

ROOT = Path(__file__).resolve().parents[1]
USERS = 200
WARM_USERS = 32
CONCURRENCY = 32
WORKERS = (1, 2, 4)
CONVERSATIONS = [
    ["I lost my phone", "card question", "Thai", "thanks"],
    ["hello", "3", "menu", "bank account"],
    ["card question in English", "Another phone language", "日本語", "thanks"],
    ["helth insurence", "menu", "points", "thanks"],
    ["スマホをなくしました", "ありがとう"],
    ["asdfgh", "my card was stolen", "thanks"],
]
SECRET = "serve-bench-secret_0123456789"
REQUEST_TIMEOUT = 30.0  # seconds for one webhook request
CONFIG_TIMEOUT = 180.0  # seconds for one configuration's load
START_TIMEOUT = 60.0  # seconds for every worker to start
STOP_TIMEOUT = 30.0  # seconds from SIGTERM to SIGKILL (serve's graceful shutdown is 20 s)
PG_HOST, PG_PORT, PG_DATABASE, PG_USERS = "127.0.0.1", 5432, "test", ("postgres", "root")
_CHANNEL_SETTINGS = ("TELEGRAM_", "SLACK_", "DATABASE_URL")


@dataclass
class Result:
    name: str
    workers: int
    turns: int = 0
    seconds: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0
    duplicates: int = 0
    missing: int = 0
    log_errors: int = 0
    per_worker: list[int] = field(default_factory=list)
    messages: int = 0  # sendMessage calls the timed turns answer with
    checked: bool = False  # whether the replies were counted
    failure: str | None = None

    @property
    def rate(self) -> float:
        return self.turns / self.seconds if self.seconds else 0.0

    def quantile(self, q: int) -> float:
        if len(self.latencies_ms) < 2:
            return float("nan")
        return statistics.quantiles(self.latencies_ms, n=100)[q - 1]


# --- the stand-in Bot API, in a process of its own -----------------------------------------------


async def _stand_in_serve() -> None:
    from aiohttp import web

    from testkit.telegram.stand_in import StandIn

    stand_in = StandIn()
    api_url = await stand_in.start()

    async def counts(_request: web.Request) -> web.Response:
        sent = Counter(
            call.params.get("chat_id")
            for call in list(stand_in.calls)
            if call.method == "sendMessage" and call.result is not None
        )
        return web.json_response({str(chat): n for chat, n in sent.items()})

    app = web.Application()
    app.router.add_get("/counts", counts)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    print(api_url, f"http://127.0.0.1:{runner.addresses[0][1]}/counts", flush=True)
    await asyncio.Event().wait()


def _stop(process: subprocess.Popen[Any], timeout: float) -> None:
    """SIGTERM, then SIGKILL to its process group (its own session: the workers are in it)."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    # Workers left behind by a parent that died on its own.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)


@contextlib.contextmanager
def stand_in() -> Iterator[tuple[str, str]]:
    """The stand-in's API base URL and its counts URL."""
    process = subprocess.Popen(
        [sys.executable, "-m", "bench.serve_bench", "--stand-in"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        assert process.stdout is not None
        api_url, counts_url = process.stdout.readline().split()
        yield api_url, counts_url
    finally:
        _stop(process, 5)


# --- the server under load ---------------------------------------------------------------------


@contextlib.contextmanager
def serve(db: str, workers: int, api_url: str, log: Path) -> Iterator[str]:
    """`mynumber-bot serve --workers W` until every worker has started; its base URL."""
    from testkit.telegram.stand_in import TOKEN

    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(_CHANNEL_SETTINGS)}
    env |= {
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_WEBHOOK_SECRET": SECRET,
        "TELEGRAM_API_URL": api_url,
        # Telegram's 30 messages/s for the whole bot would measure nothing but itself: lifted,
        # as the stand-in has no such limit.
        "TELEGRAM_MAX_MESSAGES_PER_SECOND": "0",
    }
    command = [sys.executable, "-m", "adapters.cli", "serve", "--port", str(port)]
    command += ["--workers", str(workers), "--db", db]
    with log.open("wb") as output:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while log.read_text(errors="replace").count("Application startup complete.") < workers:
            if process.poll() is not None:
                raise RuntimeError(f"serve exited with {process.returncode}: {_tail(log)}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"serve did not start within {START_TIMEOUT:.0f} s")
            time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        _stop(process, STOP_TIMEOUT)


def _tail(log: Path, lines: int = 5) -> str:
    return " | ".join(log.read_text(errors="replace").splitlines()[-lines:])


def _log_errors(log: Path) -> int:
    text = log.read_text(errors="replace")
    return sum(1 for line in text.splitlines() if " ERROR " in line or "Traceback" in line)


# --- the load ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class User:
    chat_id: int
    texts: list[str]


def _users(first_chat: int, count: int) -> list[User]:
    return [User(first_chat + n, CONVERSATIONS[n % len(CONVERSATIONS)]) for n in range(count)]


def expected_messages() -> list[int]:
    """How many messages each conversation's turns are answered with, by the service itself
    (in-process, a scratch SQLite file), as the adapter would send them."""
    from adapters.bootstrap import build_app
    from adapters.telegram.outbound import MAX_MESSAGE
    from bot.messages import Event
    from bot.splitting import split_text

    counts = []
    with tempfile.TemporaryDirectory() as scratch:
        app = build_app(f"sqlite:///{scratch}/reference.sqlite3")
        try:
            for index, texts in enumerate(CONVERSATIONS):
                total = 0
                for turn, text in enumerate(texts):
                    event = Event(
                        conversation=f"reference:{index}",
                        at=datetime.now(UTC),
                        text=text,
                        locale="en",
                        channel="telegram",
                        user=str(index),
                        delivery_id=f"{index}:{turn}",
                    )
                    replies = app.service.handle(event)
                    total += sum(len(split_text(reply.text, MAX_MESSAGE)) for reply in replies)
                counts.append(total)
        finally:
            app.database.dispose()
    return counts


class Load:
    """Posts the users' updates, at most CONCURRENCY in flight, and records what came back."""

    def __init__(self, session: aiohttp.ClientSession, base: str) -> None:
        self.session, self.url = session, f"{base}/telegram"
        self.gate = asyncio.Semaphore(CONCURRENCY)
        self.next_update = 1
        self.ok = 0
        self.errors = 0
        self.latencies_ms: list[float] = []
        self.first_error: str | None = None

    async def user(self, user: User) -> None:
        from testkit.telegram.updates import message_update

        for text in user.texts:
            update_id, self.next_update = self.next_update, self.next_update + 1
            body = json.dumps(
                message_update(update_id, chat_id=user.chat_id, text=text, language_code="en")
            ).encode()
            headers = {
                "Content-Type": "application/json",
                "X-Telegram-Bot-Api-Secret-Token": SECRET,
            }
            async with self.gate:
                started = time.perf_counter_ns()
                try:
                    async with self.session.post(self.url, data=body, headers=headers) as answer:
                        await answer.read()
                        status = answer.status
                except Exception as exc:  # any failure to be answered is an error
                    self._error(f"{type(exc).__name__}: {exc}")
                    continue
                elapsed_ms = (time.perf_counter_ns() - started) / 1e6
            if status == 200:
                self.ok += 1
                self.latencies_ms.append(elapsed_ms)
            else:
                self._error(f"HTTP {status}")

    def _error(self, what: str) -> None:
        self.errors += 1
        self.first_error = self.first_error or what

    async def users(self, users: list[User]) -> float:
        """Runs every user concurrently; the wall time in seconds."""
        started = time.perf_counter()
        await asyncio.gather(*(self.user(user) for user in users))
        return time.perf_counter() - started


async def _per_worker(base: str, workers: int) -> list[int]:
    """Turns each worker answered, from its own /metrics (scraped until each has answered)."""
    pages: dict[str, float] = {}
    deadline = time.monotonic() + 10
    connector = aiohttp.TCPConnector(force_close=True)  # new connections: any worker may accept
    async with aiohttp.ClientSession(connector=connector) as session:
        while len(pages) < workers and time.monotonic() < deadline:
            async with session.get(f"{base}/metrics") as answer:
                text = await answer.text()
            worker = turns = None
            for line in text.splitlines():
                if line.startswith("mynumber_worker_info"):
                    worker = line.split(" ")[0]
                elif line.startswith('mynumber_turns_total{channel="telegram"}'):
                    turns = float(line.split(" ")[-1])
            if worker is not None:
                pages[worker] = turns or 0.0
    return sorted((int(turns) for turns in pages.values()), reverse=True)


async def _load(base: str, counts_url: str, expected: list[int], result: Result) -> None:
    warm = _users(10_000_000, WARM_USERS)
    timed = _users(20_000_000, USERS)
    connector = aiohttp.TCPConnector(limit=CONCURRENCY, force_close=False)
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        load = Load(session, base)
        await load.users(warm)
        load.ok, load.latencies_ms = 0, []
        result.seconds = await load.users(timed)
        result.turns, result.latencies_ms = load.ok, load.latencies_ms
        result.errors = load.errors
        if load.first_error:
            result.failure = f"first error: {load.first_error}"
        await asyncio.sleep(0.3)  # a 200 comes after the replies are sent; a margin all the same
        async with session.get(counts_url) as answer:
            sent = {int(chat): n for chat, n in (await answer.json()).items()}
    for index, user in enumerate(warm + timed):
        want = expected[(index if index < WARM_USERS else index - WARM_USERS) % len(expected)]
        if index >= WARM_USERS:
            result.messages += want
        got = sent.pop(user.chat_id, 0)
        result.duplicates += max(0, got - want)
        result.missing += max(0, want - got)
    result.duplicates += sum(sent.values())  # messages to chats no one wrote in
    result.checked = True
    result.per_worker = await _per_worker(base, result.workers)


def configuration(name: str, db: str, workers: int, expected: list[int], log: Path) -> Result:
    result = Result(name, workers)
    started = time.monotonic()
    try:
        with stand_in() as (api_url, counts_url), serve(db, workers, api_url, log) as base:
            asyncio.run(asyncio.wait_for(_load(base, counts_url, expected, result), CONFIG_TIMEOUT))
    except TimeoutError:
        result.failure = f"timed out after {CONFIG_TIMEOUT:.0f} s"
    except Exception as exc:  # reported in the table's notes; the next configuration runs
        result.failure = f"{type(exc).__name__}: {exc}"
    if log.exists():
        result.log_errors = _log_errors(log)
    print(
        f"  {name} x{workers}: {result.turns} turns in {result.seconds:.1f} s "
        f"({time.monotonic() - started:.0f} s with start and stop)",
        file=sys.stderr,
        flush=True,
    )
    return result


# --- databases ---------------------------------------------------------------------------------


def postgres_admin_url() -> tuple[str | None, str]:
    """A URL that connects, or None and why not."""
    try:
        socket.create_connection((PG_HOST, PG_PORT), timeout=1).close()
    except OSError as exc:
        return None, f"no PostgreSQL server accepts connections on {PG_HOST}:{PG_PORT} ({exc})"
    try:
        from sqlalchemy import create_engine, text
    except ImportError as exc:
        return None, str(exc)
    errors = []
    for user in PG_USERS:
        url = f"postgresql+psycopg://{user}@{PG_HOST}:{PG_PORT}/{PG_DATABASE}"
        try:
            engine = create_engine(url)
            try:
                with engine.connect() as connection:
                    connection.execute(text("SELECT 1"))
                return url, ""
            finally:
                engine.dispose()
        except Exception as exc:  # any failure: try the next user, then report them all
            errors.append(f"{user}: {type(exc).__name__}: {str(exc).splitlines()[0]}")
    return None, f"cannot log in to {PG_DATABASE!r} ({'; '.join(errors)})"


@contextlib.contextmanager
def postgres_schema(admin_url: str) -> Iterator[str]:
    """A URL into a fresh, migrated schema, dropped afterwards."""
    from sqlalchemy import create_engine, text

    schema = f"serve_bench_{secrets.token_hex(6)}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        try:
            url = f"{admin_url}?options={quote(f'-csearch_path={schema}')}"
            subprocess.run(
                [sys.executable, "-m", "adapters.cli", "db", "upgrade", "--db", url],
                cwd=ROOT, check=True, capture_output=True, timeout=120,
            )  # fmt: skip
            yield url
        finally:
            with admin.connect() as connection:
                connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    finally:
        admin.dispose()


# --- report ------------------------------------------------------------------------------------


def report(results: list[Result], skipped: str | None) -> None:
    print(
        f"\n`mynumber-bot serve`, Telegram webhooks: {USERS} users "
        f"({sum(len(CONVERSATIONS[n % len(CONVERSATIONS)]) for n in range(USERS))} turns) "
        f"after {WARM_USERS} warm-up users, {CONCURRENCY} requests in flight, keep-alive, "
        f"127.0.0.1, {os.cpu_count()} CPUs\n"
    )
    print("| configuration | workers | turns/s | p50 ms | p99 ms | errors | duplicates/missing |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for r in results:
        replies = f"{r.duplicates}/{r.missing}" if r.checked else "not checked"
        print(
            f"| {r.name} | {r.workers} | {r.rate:.0f} | {r.quantile(50):.1f} | "
            f"{r.quantile(99):.1f} | {r.errors} | {replies} |"
        )
    print()
    for name in dict.fromkeys(r.name for r in results):
        rows = [r for r in results if r.name == name]
        base = next((r.rate for r in rows if r.workers == 1 and r.rate), 0.0)
        if base:
            ratios = ", ".join(f"{r.workers}: {r.rate / base:.2f}x" for r in rows)
            print(f"- {name}: throughput relative to 1 worker: {ratios}")
    for r in results:
        notes = []
        if r.seconds and r.messages:
            per_worker = r.messages / r.seconds / r.workers
            notes.append(f"{per_worker:.1f} sendMessage/s per worker")
        if r.per_worker:
            notes.append(f"turns per worker (incl. warm-up) {r.per_worker}")
        if r.log_errors:
            notes.append(f"{r.log_errors} ERROR/Traceback lines in the server log")
        if r.failure:
            notes.append(r.failure)
        if notes:
            print(f"- {r.name} x{r.workers}: " + "; ".join(notes))
    if skipped:
        print(f"- PostgreSQL skipped: {skipped}")
    bad = [r for r in results if r.errors or r.duplicates or r.missing or not r.checked]
    print(f"\n{'FAILED: ' + str(len(bad)) + ' configuration(s)' if bad else 'all checks passed'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stand-in", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--workers", type=int, nargs="+", default=list(WORKERS))
    args = parser.parse_args()
    if args.stand_in:
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(_stand_in_serve())
        return

    started = time.monotonic()
    expected = expected_messages()
    results = []
    with tempfile.TemporaryDirectory() as scratch:
        for workers in args.workers:
            db = f"sqlite:///{scratch}/bench-{workers}.sqlite3"
            log = Path(scratch) / f"sqlite-{workers}.log"
            results.append(configuration("SQLite", db, workers, expected, log))
        admin_url, skipped = postgres_admin_url()
        if admin_url is None:
            print(f"PostgreSQL skipped: {skipped}", file=sys.stderr)
        else:
            for workers in args.workers:
                log = Path(scratch) / f"postgresql-{workers}.log"
                try:
                    with postgres_schema(admin_url) as db:
                        results.append(configuration("PostgreSQL", db, workers, expected, log))
                except Exception as exc:  # schema or migration: reported, the rest runs
                    failed = Result("PostgreSQL", workers, failure=f"{type(exc).__name__}: {exc}")
                    results.append(failed)
    report(results, None if admin_url else skipped)
    conversations = [n % len(CONVERSATIONS) for n in range(USERS)]
    print(
        f"\nreplies expected from the timed users: {sum(expected[c] for c in conversations)} "
        f"sendMessage "
        f"for {sum(len(CONVERSATIONS[c]) for c in conversations)} updates (the service's own "
        f"count per conversation: {expected}; some turns answer with two messages)"
    )
    print(f"run time {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
