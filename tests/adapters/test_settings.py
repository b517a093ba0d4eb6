"""Settings read once, at start: every bad value named in a line of its own, typed values."""

from __future__ import annotations

import pytest

from adapters.host import read_settings
from adapters.settings import OUTBOX_LEASE, WORKERS
from adapters.telegram.channel import RATE, SECRET, rate_per_worker
from common.errors import SettingsError
from tests.adapters.test_first_hour import cli


def test_the_workers_share_telegrams_limit() -> None:
    assert rate_per_worker(read_settings({})) == 30.0
    assert rate_per_worker(read_settings({"MYNUMBER_BOT_WORKERS": "3"})) == 10.0
    granted = {"MYNUMBER_BOT_WORKERS": "4", "TELEGRAM_MAX_MESSAGES_PER_SECOND": "100"}
    assert rate_per_worker(read_settings(granted)) == 25.0
    assert rate_per_worker(read_settings({"TELEGRAM_MAX_MESSAGES_PER_SECOND": "0"})) == 0


def test_values_are_typed_and_unset_ones_take_their_default() -> None:
    settings = read_settings({"OUTBOX_LEASE_SECONDS": " 12.5 ", "MYNUMBER_BOT_WORKERS": ""})
    assert settings.get(OUTBOX_LEASE) == 12.5
    assert settings.get(WORKERS) == 1
    assert settings.get(RATE) == 30.0


def test_every_bad_value_is_named_at_once_and_secrets_are_not_shown() -> None:
    with pytest.raises(SettingsError) as raised:
        read_settings(
            {
                "OUTBOX_LEASE_SECONDS": "soon",
                "MYNUMBER_BOT_WORKERS": "0",
                "TELEGRAM_WEBHOOK_SECRET": "has spaces and $ecret",
                "TELEGRAM_MAX_MESSAGES_PER_SECOND": "nan",
            }
        )
    problems = raised.value.problems
    assert len(problems) == 4
    assert problems[0].startswith("OUTBOX_LEASE_SECONDS: cannot be read ('soon' is not a number)")
    assert problems[1].startswith("MYNUMBER_BOT_WORKERS: cannot be read ('0' is below 1)")
    assert problems[2].startswith(f"{SECRET.name}: cannot be read; ")
    assert "$ecret" not in " ".join(problems)


def test_a_bad_setting_stops_a_command_with_one_line_each(tmp_path) -> None:
    done = cli("chat", env={"OUTBOX_LEASE_SECONDS": "soon", "MYNUMBER_BOT_WORKERS": "-1"})
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert [line.split(":")[1].strip() for line in lines] == [
        "OUTBOX_LEASE_SECONDS",
        "MYNUMBER_BOT_WORKERS",
    ]
    assert all(line.startswith("mynumber-bot chat: ") for line in lines)


def test_env_example_documents_every_setting() -> None:
    """What `serve` sets for its own workers aside, every declared setting is in
    .env.example, with a comment above it."""
    from pathlib import Path

    from adapters.host import declared
    from adapters.settings import METRICS_DIR

    lines = (Path(__file__).resolve().parents[2] / ".env.example").read_text().splitlines()
    documented = {
        line.split("=", 1)[0]: lines[index - 1]
        for index, line in enumerate(lines)
        if "=" in line and not line.startswith("#")
    }
    for setting in declared():
        if setting in (WORKERS, METRICS_DIR):
            continue
        assert setting.name in documented, f"{setting.name} is not in .env.example"
        assert documented[setting.name].startswith("#"), f"{setting.name} has no comment"
