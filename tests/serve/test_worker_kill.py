"""A worker of `mynumber-bot serve --workers 2` is SIGKILLed mid-conversation.

The conversation is the card question asked in English, whose language question is answered
after the kill. The worker that answered the first turn is the one killed (the workers' own
/metrics pages say which one it was), so the second turn can only be answered correctly if the
state that worker stored is read by another one: on its own, "Thai" only notes the language and
asks what the question is about, with no number. The stand-in Bot API counts what was sent,
redeliveries included, and the server must still stop cleanly on SIGTERM afterwards (uvicorn
replaces the dead worker: the replacement and the survivor shut down, the dead one cannot).
"""

from __future__ import annotations

import html
import os
import re
import signal
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from testkit.telegram.updates import message_update
from tests.serve.helpers import SUSPENSION_NUMBER, environment, sent_to, telegram_stand_in, wait_for
from tests.serve.processes import REDELIVERIES, STARTED, TURNS, children, deliver, serve

CHAT = 40_000
LANGUAGE_QUESTION = "Which language do you want to speak on the phone?"
TOKYO = ZoneInfo("Asia/Tokyo")


def _thai_status(line: str, *instants: datetime) -> bool:
    """Whether ``line`` is the Thai group's status at one of ``instants`` (a turn's start and
    end, should it straddle a boundary): 09:00-18:00 every day, Japan time (lines.yaml, from
    the call center's page), where the line's other languages say 08:30-20:00."""
    for at in instants:
        if 9 <= at.astimezone(TOKYO).hour < 18:
            if line == "Open now, until 18:00":
                return True
        elif re.match(r"Closed now, opens (tomorrow )?09:00\b", line):
            return True
    return False


def _card_line_status(answer: str) -> str:
    """The status line of the 0120-0178-27 card in an answer (sent with parse_mode HTML)."""
    plain = html.unescape(re.sub(r"<[^>]*>", "", answer))
    [block] = [b for b in plain.split("\n\n") if b.startswith(f"☎ {SUSPENSION_NUMBER}")]
    [status] = [line for line in block.splitlines() if line.startswith(("Open", "Closed"))]
    return status


def test_a_killed_worker_loses_no_conversation_and_answers_nothing_twice(
    tmp_path: Path, served_db: str
) -> None:
    retried: list[str] = []
    with (
        telegram_stand_in() as stand_in,
        serve(tmp_path, environment(db=served_db, telegram=stand_in)) as served,
    ):
        before = served.workers(2)
        assert [page[TURNS] for page in before.values()] == [0, 0]

        card = message_update(1, chat_id=CHAT, text="card question", language_code="en")
        assert deliver(served.base, card, retried).status_code == 200
        assert [LANGUAGE_QUESTION in text for text in sent_to(stand_in, CHAT)] == [True]

        after_first = served.workers(2)
        [killed] = [pid for pid, page in after_first.items() if page[TURNS] == 1]
        [survivor] = set(after_first) - {killed}
        os.kill(killed, signal.SIGKILL)
        # uvicorn notices within its 0.5 s loop and reaps it (then starts a replacement).
        pid = served.process.pid
        wait_for(lambda: killed not in children(pid), timeout=10, what="the reaping")

        thai = message_update(2, chat_id=CHAT, text="Thai", language_code="en", message_id=2)
        asked_at = datetime.now(TOKYO)
        assert deliver(served.base, thai, retried).status_code == 200
        # Telegram redelivers both the update answered by the dead worker and the new one.
        assert deliver(served.base, card, retried).status_code == 200
        assert deliver(served.base, thai, retried).status_code == 200
        more = message_update(
            3, chat_id=CHAT, text="and I also lost my card", language_code="en", message_id=3
        )
        assert deliver(served.base, more, retried).status_code == 200

        answers = sent_to(stand_in, CHAT)
        assert len(answers) == 3, f"3 updates, {len(answers)} messages: {answers}"
        # "Thai" continued the card question: the state the dead worker stored was read.
        assert SUSPENSION_NUMBER in answers[1], answers[1]
        assert LANGUAGE_QUESTION not in answers[1]
        status = _card_line_status(answers[1])
        assert _thai_status(status, asked_at, datetime.now(TOKYO)), (
            f"not the Thai group's status at {asked_at:%H:%M} Japan time: {status!r}"
        )
        # ... and the next turn still speaks Thai, without asking the language again.
        assert SUSPENSION_NUMBER in answers[2] and LANGUAGE_QUESTION not in answers[2]
        later = _card_line_status(answers[2])
        assert _thai_status(later, asked_at, datetime.now(TOKYO)), later

        # The replacement starts; the dead worker never comes back, and the living ones
        # handled the two turns after the kill once and recognised both redeliveries.
        wait_for(
            lambda: served.text().count(STARTED) == 3,
            timeout=20,
            what="uvicorn's replacement worker to start",
        )
        assert f"Child process [{killed}] died" in served.text()
        living = served.workers(2)
        assert killed not in living and survivor in living, (killed, survivor, living.keys())
        assert sum(page[TURNS] for page in living.values()) == 2
        assert sum(page[REDELIVERIES] for page in living.values()) == 2
        served.stop(stopped=2)  # the survivor and the replacement
    after = {pid: page[TURNS] for pid, page in living.items()}
    print(f"killed {killed}; turns after the kill by worker: {after}; retried: {retried or 0}")
