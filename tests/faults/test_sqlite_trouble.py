"""SQLite that cannot be used gives what PostgreSQL down gives: the numbers and the hours, always,
and `chat` ends as it should (exit 0, no traceback), whether the file cannot be opened, cannot be
written, is locked by another process, or the disk fills mid-conversation."""

from __future__ import annotations

import os
import resource
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.serve.processes import ROOT, environ

SUSPENSION = "0120-0178-27"


def chat(db: str, lines: list[str], **options: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "adapters.cli", "chat", "--db", db, "--at", "2026-11-25T10:00"],
        cwd=ROOT, env=environ({}), input="".join(f"{line}\n" for line in lines),
        capture_output=True, text=True, timeout=120, check=False, **options,
    )  # fmt: skip


def _answered_without_storage(done: subprocess.CompletedProcess[str]) -> None:
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    assert SUSPENSION in done.stdout


def test_a_folder_that_does_not_exist(tmp_path: Path) -> None:
    done = chat(f"sqlite:///{tmp_path}/missing/bot.sqlite3", ["I lost my card"])
    _answered_without_storage(done)
    assert "cannot be opened" in done.stderr


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes to read-only files: no refusal to see")
def test_a_read_only_file(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    chat(f"sqlite:///{path}", ["hello"])
    path.chmod(stat.S_IRUSR)
    _answered_without_storage(chat(f"sqlite:///{path}", ["I lost my card"]))


def test_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    """Another file where the database should be (or one damaged beyond reading)."""
    path = tmp_path / "bot.sqlite3"
    path.write_bytes(b"this is not an SQLite database, but it is where one should be" * 100)
    done = chat(f"sqlite:///{path}", ["I lost my card", "write an inquiry"])
    _answered_without_storage(done)


def test_a_file_locked_by_another_process(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    chat(f"sqlite:///{path}", ["hello"])
    holder = sqlite3.connect(path, isolation_level=None)
    try:
        holder.execute("BEGIN EXCLUSIVE")  # as another program holding it for longer than we wait
        _answered_without_storage(chat(f"sqlite:///{path}", ["I lost my card"]))
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_a_disk_that_fills_mid_conversation(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    chat(f"sqlite:///{path}", ["hello"])  # created and migrated
    size = sum(p.stat().st_size for p in tmp_path.iterdir())
    limit = size + 64 * 1024  # room for a few turns, not for a long inquiry

    def small_disk() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    text = "A question about my card. " * 76  # each state with it is about 2 KB
    lines = ["write an inquiry", "I agree", "a@example.com", "a@example.com"] + [text] * 40
    done = chat(f"sqlite:///{path}", ["I lost my card", *lines, "I lost my card"],
                preexec_fn=small_disk)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    assert done.stdout.count(SUSPENSION) >= 2  # the first answer, and the last, when full
