"""The Slack app manifest asks for what the adapter listens to and calls, and no more."""

from __future__ import annotations

from pathlib import Path

import yaml

from adapters.slack.app import COMMAND
from adapters.slack.web import EVENTS_PATH

MANIFEST = Path(__file__).resolve().parents[2] / "adapters" / "slack" / "manifest.yaml"


def test_the_manifest_matches_the_adapter() -> None:
    manifest = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    settings = manifest["settings"]
    assert set(settings["event_subscriptions"]["bot_events"]) == {
        "app_home_opened",
        "app_mention",
        "message.im",
    }
    assert set(manifest["oauth_config"]["scopes"]["bot"]) == {
        "app_mentions:read",
        "chat:write",
        "commands",
        "im:history",
        "users:read",
    }
    (command,) = manifest["features"]["slash_commands"]
    assert command["command"] == COMMAND
    urls = [
        command["url"],
        settings["event_subscriptions"]["request_url"],
        settings["interactivity"]["request_url"],
    ]
    assert all(url.endswith(EVENTS_PATH) for url in urls)
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
