"""``POST /webchat/messages``: one message of the widget becomes a turn.

The user's message is put in the mailbox first (keyed by its client id: a retry adds nothing),
then the turn runs with the message's id as its delivery id (the service claims it in the turn's
transaction: a retry is never answered twice), and each reply goes into the mailbox through the
channel's sender, keyed by its outbox key. The answer says the user's message's number, and
whether the turn erased the conversation (``/forget``: its mailbox goes too, and the replies
saying so come in the answer itself, ``direct``). With the database down the bot still answers
numbers and hours; those replies, kept nowhere, come in the answer too.
"""

from __future__ import annotations

import asyncio
import json
import logging
import weakref
from collections.abc import Callable, Mapping
from concurrent.futures import Executor
from dataclasses import dataclass, field
from typing import TypeVar

from adapters.sql.mailbox import SqlMailbox
from adapters.webchat.guard import Limits, Origins, retry_after
from adapters.webchat.inbound import MAX_TEXT, Message, Unreadable, conversation_key, read
from adapters.webchat.texts import Words
from bot.channel import HttpRequest, HttpResponse
from bot.clock import Clock
from bot.messages import Reply
from bot.mynumber import mask_individual_numbers
from bot.parcel import dump_replies
from bot.runner import TurnRunner
from bot.service import Answer
from common.errors import StorageUnavailable

log = logging.getLogger(__name__)
T = TypeVar("T")
Deliver = Callable[[str, Reply, str], None]


@dataclass(frozen=True, slots=True, kw_only=True)
class Desk:
    """Answers the widget's posts (see the module's docstring)."""

    runner: TurnRunner
    mailbox: SqlMailbox
    words: Words
    origins: Origins
    limits: Limits
    deliver: Deliver
    wake: Callable[[str], None]
    written: Callable[[str], str | None]  # the language a text is written in
    clock: Clock
    executor: Executor
    # Weak: a conversation's lock lives only while one of its posts holds or awaits it.
    locks: weakref.WeakValueDictionary[str, asyncio.Lock] = field(
        default_factory=weakref.WeakValueDictionary
    )

    async def handle(self, request: HttpRequest) -> HttpResponse:
        preflight = request.method == "OPTIONS"
        cors = self.origins.preflight(request) if preflight else self.origins.headers(request)
        if cors is None:
            return HttpResponse.error(403, "this page's origin may not use the web chat")
        if preflight:
            return HttpResponse(204, headers=cors)
        try:
            message = read(request)
        except Unreadable as exc:
            language = self.words.language(None, self.words.accepted(_accept(request)))
            return json_answer(
                {"error": str(exc), "message": self._refusal(language, exc.key)}, 400, cors
            )
        wait = self.limits.wait(message.conversation, request.client)
        if wait:
            language = self.words.language(message.locale, self.words.accepted(_accept(request)))
            text = self.words.text(language, "rate_limited", seconds=wait)
            body = {"error": "too many messages", "message": text, "retry_after": wait}
            return json_answer(body, 429, {**cors, **retry_after(wait)})
        # One message of a conversation at a time in this worker, so that its number comes
        # after the replies to the one before (the widget itself sends one at a time).
        async with self.locks.setdefault(message.conversation, asyncio.Lock()):
            seq = await self._keep(message)
            answer, direct = await self._turn(message)
            forgotten = await self._forgotten(message, answer)
        if forgotten:  # the replies went with the mailbox: the answer carries them
            direct = list(answer.replies)
        shown = [{"text": reply.text, "buttons": _buttons(reply)} for reply in direct]
        return json_answer({"seq": seq, "direct": shown, "forgotten": forgotten}, 200, cors)

    async def _keep(self, message: Message) -> int | None:
        """The user's message in the mailbox (never an Individual Number: masked); its
        number, or None while the mailbox cannot be reached."""
        masked = mask_individual_numbers(message.shown)[0]
        lang = self.written(message.text) if message.text is not None else None
        body = dump_replies((Reply(masked),))
        try:
            seq, _new = await self._run(
                lambda: self.mailbox.post(
                    message.conversation,
                    key=f"user:{message.id}",
                    sender="user",
                    body=body,
                    lang=lang,
                )
            )
        except StorageUnavailable:
            return None
        self.wake(message.conversation)
        return int(seq)

    async def _turn(self, message: Message) -> tuple[Answer, list[Reply]]:
        """The turn, and the replies the mailbox could not take and no outbox keeps."""
        delivered: list[Reply] = []

        async def send(address: str, reply: Reply, key: str) -> None:
            await self._run(lambda: self.deliver(address, reply, key))
            delivered.append(reply)

        answer = await self.runner.arun(message.event(self.clock()), send)
        if answer.parcel is not None:  # the pump sends whatever is still unsent
            return answer, []
        return answer, [r for r in answer.replies if all(r is not d for d in delivered)]

    async def _forgotten(self, message: Message, answer: Answer) -> bool:
        """Whether the turn erased the conversation: it was kept (its replies were), and the
        bot keeps no state for it now. Its mailbox is erased then, the reply to it included."""
        if answer.parcel is None:
            return False
        try:
            if await self._run(lambda: self.mailbox.kept(conversation_key(message.conversation))):
                return False
            await self._run(lambda: self.mailbox.erase(message.conversation))
        except StorageUnavailable:
            log.warning("a web chat conversation's mailbox could not be checked for /forget")
            return False
        return True

    def _refusal(self, language: str, key: str) -> str:
        return self.words.text(language, key, limit=MAX_TEXT)

    async def _run(self, job: Callable[[], T]) -> T:
        return await asyncio.get_running_loop().run_in_executor(self.executor, job)


def _buttons(reply: Reply) -> list[dict[str, str]]:
    return [{"label": button.label, "payload": button.payload} for button in reply.buttons]


def _accept(request: HttpRequest) -> str | None:
    return request.headers.get("accept-language")


def json_answer(data: object, status: int, headers: Mapping[str, str]) -> HttpResponse:
    """A JSON answer that no cache keeps."""
    body = json.dumps(data, ensure_ascii=False).encode()
    return HttpResponse(status, body, headers={**headers, "cache-control": "no-store"})
