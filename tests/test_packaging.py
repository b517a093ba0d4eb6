"""A plain `pip install .` (not editable) carries every data file the bot reads at run time."""

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = [
    "knowledge/data/lines.yaml",
    "knowledge/data/calendar.yaml",
    "knowledge/data/notices.yaml",
    "flows/main.yaml",
    "flows/inquiry.yaml",
    "flows/choices.yaml",
    "flows/locale/en/LC_MESSAGES/messages.po",
    "flows/locale/ja/LC_MESSAGES/messages.po",
    "adapters/sql/migrations/env.py",
    "adapters/sql/migrations/script.py.mako",
    "adapters/sql/migrations/versions/0001_conversations_and_inquiries.py",
    "adapters/webchat/static/widget.js",
    "adapters/webchat/static/widget.css",
    "adapters/webchat/static/page.css",
    "adapters/webchat/static/contact-us.txt",
    "flows/locale/ja/LC_MESSAGES/webchat.po",
]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    # A copy without build/ or *.egg-info: a stale build folder would hide a missing file.
    source = tmp_path_factory.mktemp("source") / "mynumber-bot"
    shutil.copytree(
        ROOT,
        source,
        ignore=shutil.ignore_patterns(
            ".venv", ".git", "build", "*.egg-info", "__pycache__", ".*_cache", ".hypothesis"
        ),
    )
    out = tmp_path_factory.mktemp("wheel")
    # --no-build-isolation: setuptools comes from the test extra, so no download is needed.
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (found,) = out.glob("mynumber_bot-*.whl")
    return found


def test_wheel_has_every_data_file(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    missing = [path for path in DATA if path not in names]
    assert not missing, f"not in the wheel: {missing}"


def test_installed_wheel_runs_outside_the_source_tree(wheel, tmp_path):
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    # Run from an empty folder with only the installed copy importable ahead of the venv.
    script = (
        "import sys; from adapters.cli import main; "
        "sys.exit(main(['chat', '--db', 'sqlite:///bot.sqlite3', '--at', '2026-11-25T02:00']))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        input="I lost my phone\n",
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "0120-0178-27" in done.stdout and "Open now" in done.stdout
    import_check = subprocess.run(
        [sys.executable, "-c", "import knowledge; print(knowledge.__file__)"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={"PYTHONPATH": str(target)},
        check=True,
    )
    assert import_check.stdout.startswith(str(target))
