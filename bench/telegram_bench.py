"""Updates per second and CPU milliseconds per update through the real Telegram adapter, side by
side with the baseline a Telegram developer would write (bench/telegram_baseline.py).

Each side long-polls a stand-in Bot API running in a process of its own (its serving is neither
counted nor in the way), over real HTTP on 127.0.0.1. Two waves are queued at once: 2,000
updates from distinct chats (half "I lost my smartphone", half /start), then a press of the
lost-phone button in each of the 1,000 menus. CPU is ``time.process_time`` of the bot's process
(every thread). Ours persists every turn to SQLite (``build_app``), and answers at the
baseline's moment (``AT``, when their messages are the same). Telegram's overall flood
limit (30 messages a second) is lifted, since it would measure nothing but itself.

Ours runs with the garbage collector as the command settles it before it serves
(``settle_collector``); a row shows the baseline settled likewise, a tuning its author could
have made too. Two more rows say where our time goes: the adapter with the service stubbed out
(it returns the real replies, computed once), and the service alone (``BotService.handle``,
same turns, no Telegram). Medians of several rounds. Run: ``python -m bench.telegram_bench``.
"""

from __future__ import annotations

import asyncio
import gc
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager, nullcontext
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import aiohttp
from telegram import Update
from telegram.ext import TypeHandler

from adapters.bootstrap import App, NoCounters, build_app, settle_collector
from adapters.telegram.app import Context, TelegramApp
from adapters.telegram.channel import API_URL, RATE, TelegramSession
from adapters.telegram.channel import TOKEN as TOKEN_SETTING
from adapters.telegram.outbound import address
from bench.telegram_baseline import AT, build_baseline, polling
from bot.channel import Bot
from bot.messages import Event, Reply
from bot.runner import TurnRunner
from bot.service import Answer
from bot.settings import Settings
from testkit.telegram.stand_in import TOKEN
from testkit.telegram.updates import callback_update, message_update

CHATS = 2000
WARM_UP = 50
ROUNDS = 3
WAVES = ("messages", "button presses")


@dataclass(frozen=True, slots=True)
class Wave:
    updates: int
    seconds: float
    cpu_seconds: float

    @property
    def per_second(self) -> float:
        return self.updates / self.seconds

    @property
    def cpu_ms(self) -> float:
        return self.cpu_seconds / self.updates * 1000


def _waves(button: str) -> list[list[dict[str, Any]]]:
    texts = [
        message_update(
            1000 + n, chat_id=1000 + n, text="I lost my smartphone" if n % 2 else "/start"
        )
        for n in range(CHATS)
    ]
    presses = [callback_update(9000 + n, chat_id=1000 + n, data=button) for n in range(0, CHATS, 2)]
    return [texts, presses]


class _Counter:
    """Counts the updates the application has finished with (its own handlers are group 0)."""

    def __init__(self) -> None:
        self.count, self.target, self.reached = 0, 0, asyncio.Event()

    async def __call__(self, _update: object, _context: Context) -> None:
        self.count += 1
        if self.count >= self.target:
            self.reached.set()

    async def until(self, target: int) -> None:
        self.target = target
        if self.count < target:
            self.reached.clear()
            await asyncio.wait_for(self.reached.wait(), 300)


async def _run(
    application: TelegramApp, url: str, button: str, session_of: TelegramSession | None = None
) -> list[Wave]:
    counter = _Counter()
    application.add_handler(TypeHandler(Update, counter), group=1)
    results = []
    serving = polling(application) if session_of is None else _session(session_of)
    async with aiohttp.ClientSession() as session, serving:
        warm = [
            message_update(n, chat_id=10**9 + n, text="I lost my smartphone")
            for n in range(1, WARM_UP + 1)
        ]
        await session.post(f"{url}/control/updates", json=warm)
        await counter.until(done := WARM_UP)
        for updates in _waves(button):
            body = json.dumps(updates).encode()
            gc.collect()
            cpu, wall = time.process_time(), time.perf_counter()
            await session.post(
                f"{url}/control/updates", data=body, headers={"Content-Type": "application/json"}
            )
            await counter.until(done := done + len(updates))
            results.append(
                Wave(len(updates), time.perf_counter() - wall, time.process_time() - cpu)
            )
    return results


class _Stub:
    """The service stubbed out: the real service's replies to these turns, computed once."""

    def __init__(self, app: App) -> None:
        self.engine = app.service.engine
        self.replies: dict[str | None, tuple[Reply, ...]] = {
            key: app.service.handle(Event(conversation="stub", at=AT, **{kind: key}))
            for kind, key in (
                ("text", "I lost my smartphone"),
                ("text", "/start"),
                ("button", "topic:lost_phone"),
            )
        }

    def answer(self, event: Event) -> Answer:
        return Answer(self.replies[event.button or event.text])


def side(name: str) -> list[Wave]:
    """One side's waves, against a fresh stand-in process."""
    stand_in = subprocess.Popen(
        [sys.executable, "-m", "testkit.telegram.stand_in"], stdout=subprocess.PIPE, text=True
    )
    assert stand_in.stdout is not None
    url = stand_in.stdout.readline().strip()
    try:
        if name.startswith("baseline"):
            baseline = build_baseline(token=TOKEN, api_url=url)
            with _settled() if name == "baseline settled" else nullcontext():
                return asyncio.run(_run(baseline, url, "lost_phone"))
        with tempfile.TemporaryDirectory() as scratch:
            app = build_app(f"sqlite:///{scratch}/bench.sqlite3")
            try:
                service: Any = _Stub(app) if name == "stubbed" else app.service
                # Turns on the event loop, as `mynumber-bot telegram` runs them on SQLite.
                runner = TurnRunner(service, app.courier, threads=0)
                bot = Bot(service, app.courier, runner, None, NoCounters())
                settings = Settings({TOKEN_SETTING.name: TOKEN, API_URL.name: url, RATE.name: 0.0})
                # The baseline's moment: messages of the same size.
                ours = TelegramSession(bot, settings, polling=True, clock=lambda: AT)
                app.courier.start()
                with _settled():  # as the command does before it serves
                    return asyncio.run(
                        _run(ours.application, url, "topic:lost_phone", session_of=ours)
                    )
            finally:
                app.courier.close()
                app.database.dispose()
    finally:
        stand_in.terminate()
        stand_in.wait()


@asynccontextmanager
async def _session(session: TelegramSession) -> AsyncIterator[None]:
    """The channel's session polling, as `mynumber-bot telegram` runs it."""
    await session.start()
    try:
        yield
    finally:
        await session.stop()


@contextmanager
def _settled() -> Iterator[None]:
    """The collector as ``settle_collector`` leaves it, for one side only: every side runs in
    this process."""
    threshold = gc.get_threshold()
    settle_collector()
    try:
        yield
    finally:
        gc.unfreeze()
        gc.set_threshold(*threshold)


def service_alone() -> list[Wave]:
    """``BotService.handle`` on the same turns, one after another, no Telegram."""
    results = []
    with tempfile.TemporaryDirectory() as scratch:
        app = build_app(f"sqlite:///{scratch}/bench.sqlite3")
        for n in range(WARM_UP):
            app.service.handle(Event(conversation=f"warm:{n}", at=AT, text="I lost my smartphone"))
        with _settled():
            for wave in _waves("topic:lost_phone"):
                events = [_event(update, AT) for update in wave]
                gc.collect()
                cpu, wall = time.process_time(), time.perf_counter()
                for event in events:
                    app.service.handle(event)
                took = Wave(len(events), time.perf_counter() - wall, time.process_time() - cpu)
                results.append(took)
        app.database.dispose()
    return results


def _event(update: dict[str, Any], at: datetime) -> Event:
    """The event the adapter makes of ``update``."""
    message: dict[str, Any] = update.get("message") or update["callback_query"]["message"]
    return Event(
        conversation=f"telegram:{message['chat']['id']}",
        at=at,
        channel="telegram",
        locale="en",
        delivery_id=str(update["update_id"]),
        text=update["message"]["text"] if "message" in update else None,
        button=update["callback_query"]["data"] if "callback_query" in update else None,
        address=address(message["chat"]["id"]),  # its replies kept in the outbox too
    )


def _median(rounds: list[list[Wave]], wave: int, figure: Callable[[Wave], float]) -> float:
    return statistics.median(figure(waves[wave]) for waves in rounds)


ROWS = (
    ("baseline", "baseline (ConversationHandler)"),
    ("baseline settled", "  baseline, collector settled"),
    ("ours", "ours (adapter + engine + SQLite)"),
    ("stubbed", "  adapter alone (service stubbed)"),
    ("service", "  service alone (no Telegram)"),
)


def main() -> None:
    runs: dict[str, list[list[Wave]]] = {name: [] for name, _ in ROWS}
    for _ in range(ROUNDS):
        for name in runs:
            runs[name].append(service_alone() if name == "service" else side(name))
    print(f"Telegram, {CHATS} chats, stand-in Bot API on 127.0.0.1; medians of {ROUNDS} rounds")
    for index, wave in enumerate(WAVES):
        base_rate = _median(runs["baseline"], index, lambda w: w.per_second)
        base_cpu = _median(runs["baseline"], index, lambda w: w.cpu_ms)
        print(f"\n{wave} ({runs['ours'][0][index].updates} updates)")
        print(f"  {'':34}{'updates/s':>10}{'vs base':>9}{'CPU ms/update':>15}{'vs base':>9}")
        for name, label in ROWS:
            rate = _median(runs[name], index, lambda w: w.per_second)
            cpu = _median(runs[name], index, lambda w: w.cpu_ms)
            print(
                f"  {label:34}{rate:10.0f}{rate / base_rate:8.2f}x{cpu:15.2f}{cpu / base_cpu:8.2f}x"
            )


if __name__ == "__main__":
    main()
