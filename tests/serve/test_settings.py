"""What `serve` reads from the environment."""

from adapters.serve.app import Settings


def test_the_workers_share_telegrams_limit():
    alone = Settings.from_environ({})
    assert alone.telegram_rate_per_worker == 30.0
    shared = Settings.from_environ({"MYNUMBER_BOT_WORKERS": "3"})
    assert shared.telegram_rate_per_worker == 10.0
    granted = Settings.from_environ(
        {"MYNUMBER_BOT_WORKERS": "4", "TELEGRAM_MAX_MESSAGES_PER_SECOND": "100"}
    )
    assert granted.telegram_rate_per_worker == 25.0
    assert Settings.from_environ({"TELEGRAM_MAX_MESSAGES_PER_SECOND": "0"}).telegram_rate == 0
