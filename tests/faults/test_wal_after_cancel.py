"""After a decline or a cancel, what the user typed is in no file of the database, not even
in SQLite's write-ahead log, also when the process is killed right after the reply."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from bot.catalog import Catalog
from tests.serve.processes import ROOT, environ

MARKER = "walmarker7q"


def _files(path: Path) -> bytes:
    parts = [path.with_name(path.name + suffix) for suffix in ("", "-wal", "-shm", "-journal")]
    return b"".join(part.read_bytes() for part in parts if part.exists())


@pytest.mark.parametrize(
    ("last", "said"),
    [("cancel", "inquiry.cancelled"), ("/forget", "forget.done")],
)
def test_a_cancelled_inquiry_leaves_nothing_even_when_killed_after_the_reply(
    tmp_path: Path, last: str, said: str
) -> None:
    path = tmp_path / "bot.sqlite3"
    lines = ["write an inquiry", "I agree", f"{MARKER}@example.com", f"{MARKER}@example.com",
             f"My question about the card, {MARKER}.", last]  # fmt: skip
    process = subprocess.Popen(
        [sys.executable, "-m", "adapters.cli", "chat", "--db", f"sqlite:///{path}"],
        cwd=ROOT, env=environ({}), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    assert process.stdin and process.stdout
    process.stdin.write("\n".join(lines) + "\n")
    process.stdin.flush()
    answer = Catalog.load().text("en", said).splitlines()[0]
    seen = ""
    while answer not in seen:
        line = process.stdout.readline()
        assert line, f"the chat ended before {answer!r}"
        seen += line
    os.kill(process.pid, signal.SIGKILL)  # right after the reply: no close, no checkpoint
    process.wait(timeout=30)
    disk = _files(path)
    assert disk, "no database at all"
    assert MARKER.encode() not in disk
