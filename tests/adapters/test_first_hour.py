"""What a newcomer meets on a fresh clone: a new conversation per `chat` (``--resume`` to go on),
how to leave, a pipe closed early, bad options in one line, `.env`, and `db upgrade`'s words."""

from __future__ import annotations

import os
import pty
import select
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from adapters.dotenv import load_env_file, read_env_file
from bot.catalog import Catalog
from common.errors import EnvFileError

REPO = Path(__file__).resolve().parents[2]


def cli(*args: str, cwd: Path = REPO, stdin: str = "", env: dict[str, str] | None = None):
    return subprocess.run(
        [sys.executable, "-m", "adapters.cli", *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "PYTHONPATH": str(REPO), **(env or {})},
    )


def test_each_chat_is_a_new_conversation_and_resume_goes_on(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path}/c.sqlite3"
    first = cli("chat", "--db", db, "--locale", "ja", stdin="こんにちは\n")
    assert "マイナンバーカード" in first.stdout, first.stderr
    # The README's next example: no locale, English typed; the earlier Japanese chat is not it.
    second = cli("chat", "--db", db, "--at", "2026-11-25T02:00", stdin="I lost my phone\n")
    assert "0120-0178-27" in second.stdout and "Open now" in second.stdout, second.stdout
    assert "マイナンバー" not in second.stdout
    # A bare number picks from the menu that conversation showed last: only the same one's.
    cli("chat", "--db", db, "--at", "2026-11-25T02:00", stdin="menu\n")
    resumed = cli("chat", "--db", db, "--resume", "--at", "2026-11-25T02:00", stdin="2\n")
    assert "0120-0178-27" in resumed.stdout, resumed.stdout
    fresh = cli("chat", "--db", db, "--at", "2026-11-25T02:00", stdin="2\n")
    welcome = Catalog.load().text("en", "welcome")
    assert "0120-0178-27" not in fresh.stdout and welcome in fresh.stdout, fresh.stdout


def _read_until(fd: int, wanted: bytes, timeout: float = 60.0) -> bytes:
    seen = b""
    deadline = time.monotonic() + timeout
    while wanted not in seen:
        left = deadline - time.monotonic()
        if left <= 0:
            raise AssertionError(f"never saw {wanted!r} in {seen.decode(errors='replace')!r}")
        ready, _, _ = select.select([fd], [], [], left)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            seen += chunk
    return seen


@pytest.mark.parametrize("leave", [b"\x04", b"/quit\r"], ids=["ctrl-d", "quit"])
def test_an_interactive_chat_says_how_to_leave_and_leaves_cleanly(
    tmp_path: Path, leave: bytes
) -> None:
    pid, fd = pty.fork()
    if pid == 0:  # the child: the command on a terminal of its own
        os.chdir(REPO)
        os.execv(
            sys.executable,
            [sys.executable, "-m", "adapters.cli", "chat", "--db", f"sqlite:///{tmp_path}/i.db"],
        )
    try:
        greeting = _read_until(fd, b"> ")
        assert b"Ctrl-D, /quit or /exit leaves the chat" in greeting
        os.write(fd, leave)
        rest = _read_until(fd, b"\x00", timeout=30)  # until the child closes the terminal
    finally:
        _, status = os.waitpid(pid, 0)
        os.close(fd)
    assert os.waitstatus_to_exitcode(status) == 0
    assert rest.endswith(b"\n"), rest  # the shell's prompt starts on a line of its own
    assert b"Traceback" not in rest


def test_a_reader_that_stops_early_gets_no_traceback(tmp_path: Path) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "adapters.cli", "chat", "--db", f"sqlite:///{tmp_path}/p.db"],
        cwd=REPO,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdin and process.stdout and process.stderr
    process.stdin.write(b"hello\n" * 2000)
    process.stdin.close()
    process.stdout.readline()  # `| head -1`
    process.stdout.close()
    assert process.wait(timeout=120) == 0
    assert b"Traceback" not in process.stderr.read()


@pytest.mark.parametrize(
    "args",
    [
        ("hours", "--at", "9999-12-31T23:00"),
        ("chat", "--at", "0001-01-01T12:00"),
        ("hours", "--at", "9999-12-31T23:00-12:00"),
        ("hours", "--at", "tomorrow"),
        ("hours", "--language", "xx"),
        ("serve", "--workers", "0"),
    ],
)
def test_a_bad_option_gets_one_clear_line_and_exit_2(args: tuple[str, ...]) -> None:
    done = cli(*args)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith(f"mynumber-bot {args[0]}: ") and "--help" in lines[0]
    assert done.stdout == ""


def test_the_env_file_is_read_and_the_environment_wins(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(
        "# settings\n"
        f"DATABASE_URL=sqlite:///{tmp_path}/from-file.sqlite3\n"
        "export SLACK_STAFF_LOCALE='ja'  # a comment\n",
        encoding="utf-8",
    )
    done = cli("chat", cwd=tmp_path, stdin="hello\n")
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "from-file.sqlite3").exists()
    overridden = cli(
        "chat",
        cwd=tmp_path,
        stdin="hello\n",
        env={"DATABASE_URL": f"sqlite:///{tmp_path}/from-env.sqlite3"},
    )
    assert overridden.returncode == 0, overridden.stderr
    assert (tmp_path / "from-env.sqlite3").exists()


def test_a_broken_env_file_is_named_with_its_line(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("A=1\nthis is not a setting\n", encoding="utf-8")
    done = cli("hours", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.strip() == "mynumber-bot: .env: .env:2: not a NAME=value setting"


def test_env_file_values(tmp_path: Path) -> None:
    path = tmp_path / ".env"
    path.write_text(
        "PLAIN = spaced value   # comment\n"
        "EMPTY=\n"
        "SINGLE='kept # as $written'\n"
        'DOUBLE="line\\nnext \\"quoted\\""\n'
        "export EXPORTED=yes\n"
        "\n   # indented comment\n",
        encoding="utf-8",
    )
    assert read_env_file(path) == {
        "PLAIN": "spaced value",
        "EMPTY": "",
        "SINGLE": "kept # as $written",
        "DOUBLE": 'line\nnext "quoted"',
        "EXPORTED": "yes",
    }
    environ = {"PLAIN": "from the environment"}
    assert load_env_file(environ, path) == {
        "EMPTY": "",
        "SINGLE": "kept # as $written",
        "DOUBLE": 'line\nnext "quoted"',
        "EXPORTED": "yes",
    }
    assert environ["PLAIN"] == "from the environment"
    assert load_env_file({}, tmp_path / "missing.env") == {}


@pytest.mark.parametrize("line", ["NAME='open", 'NAME="open', "NAME='a' b", "1NAME=x", "NAME"])
def test_env_file_mistakes_are_refused(tmp_path: Path, line: str) -> None:
    path = tmp_path / ".env"
    path.write_text(f"OK=1\n{line}\n", encoding="utf-8")
    with pytest.raises(EnvFileError, match=r"\.env:2: "):
        read_env_file(path)


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_db_upgrade_of_an_unreachable_database_says_so_in_one_line() -> None:
    url = f"postgresql+psycopg://bot:secret@127.0.0.1:{_closed_port()}/mynumber"
    done = cli("db", "upgrade", "--db", url)
    assert done.returncode == 2
    [line] = done.stderr.strip().splitlines()
    assert line.startswith("mynumber-bot db upgrade: cannot reach postgresql+psycopg://bot:***@")
    assert "secret" not in line and "check --db or DATABASE_URL" in line


def test_db_upgrade_says_what_it_did(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path}/u.sqlite3"
    first = cli("db", "upgrade", "--db", db)
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip().startswith("upgraded the database schema from nothing to revision")
    again = cli("db", "upgrade", "--db", db)
    assert again.stdout.strip().startswith("the database schema is already at revision")


@pytest.mark.postgres
def test_db_upgrade_of_a_new_postgresql_schema(postgres_url: str) -> None:
    first = cli("db", "upgrade", "--db", postgres_url)
    assert first.returncode == 0, first.stderr
    assert "from nothing to revision" in first.stdout
    assert "already at revision" in cli("db", "upgrade", "--db", postgres_url).stdout
