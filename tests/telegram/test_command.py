"""`mynumber-bot telegram` as deployed: a process polling, or serving a webhook that checks
TELEGRAM_WEBHOOK_SECRET, against the stand-in Bot API."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import aiohttp

from testkit.telegram.stand_in import TOKEN, StandIn
from tests.serve.processes import free_port
from tests.telegram.helpers import SUSPENSION_NUMBER, say, texts

REPO = Path(__file__).resolve().parents[2]
SECRET = "a-webhook-secret_123"


async def _until(condition: Callable[[], bool], timeout: float = 20.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        assert loop.time() < deadline, "timed out"
        await asyncio.sleep(0.05)


@asynccontextmanager
async def _bot(
    stand_in: StandIn, tmp_path: Path, *args: str
) -> AsyncIterator[asyncio.subprocess.Process]:
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": stand_in.url,
        "TELEGRAM_WEBHOOK_SECRET": SECRET,
        "DATABASE_URL": f"sqlite:///{tmp_path}/bot.sqlite3",
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "adapters.cli", "telegram", *args,
        cwd=REPO, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        yield process
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGINT)  # PTB stops gracefully on SIGINT
            await asyncio.wait_for(process.wait(), 20)


async def test_the_command_long_polls_and_answers(stand_in: StandIn, tmp_path: Path) -> None:
    async with _bot(stand_in, tmp_path) as process:
        stand_in.push(say("I lost my smartphone"))
        await _until(lambda: bool(texts(stand_in.calls)))
        # The menu is set beside the polling, which may answer first: it must come all the same.
        await _until(lambda: "setMyCommands" in [call.method for call in stand_in.calls])
    assert await process.wait() == 0
    assert SUSPENSION_NUMBER in texts(stand_in.calls)[0]


async def test_the_webhook_answers_only_requests_with_the_secret(
    stand_in: StandIn, tmp_path: Path
) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram"
    async with _bot(stand_in, tmp_path, "--webhook-url", url, "--port", str(port)) as process:
        await _until(lambda: any(call.method == "setWebhook" for call in stand_in.calls))
        [registered] = [call for call in stand_in.calls if call.method == "setWebhook"]
        assert registered.params["url"] == url
        assert registered.params["secret_token"] == SECRET
        async with aiohttp.ClientSession() as session:

            async def post(chat_id: int, secret: str | None) -> int:
                headers = {"Content-Type": "application/json"}
                if secret is not None:
                    headers["X-Telegram-Bot-Api-Secret-Token"] = secret
                body = json.dumps(say("I lost my smartphone", chat_id=chat_id))
                async with session.post(url, data=body, headers=headers) as response:
                    return response.status

            assert await post(1, None) == 403
            assert await post(2, "a-wrong-secret") == 403
            assert await post(3, SECRET) == 200
            await _until(lambda: bool(texts(stand_in.calls)))
            await asyncio.sleep(0.3)  # time enough for a wrongly accepted update to be answered
    assert await process.wait() == 0
    answered = {call.params["chat_id"] for call in stand_in.calls if call.method == "sendMessage"}
    assert answered == {3}


async def test_a_webhook_without_a_secret_is_refused(stand_in: StandIn, tmp_path: Path) -> None:
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_URL": stand_in.url}
    env.pop("TELEGRAM_WEBHOOK_SECRET", None)
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "adapters.cli", "telegram", "--webhook-url", "https://example.org/t",
        cwd=REPO, env=env, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    _, error = await process.communicate()
    assert process.returncode == 2
    assert b"TELEGRAM_WEBHOOK_SECRET" in error
