"""Every test runs with the server's zone far from Japan's, whatever the machine's.

Answers are in Japan time whatever the server's ``TZ`` (DESIGN.md); a developer in Japan, or a
CI machine on UTC, would never see a zone mix-up in the suite, so the whole session runs on New
York's clock: 13 or 14 hours from Japan's, with daylight saving time. ``MYNUMBER_TEST_TZ``
chooses another zone (``tests/knowledge/test_server_timezone.py`` checks the session's zone,
and reruns the hours suite under UTC as well). Subprocesses inherit it.
"""

from __future__ import annotations

import os
import time

import pytest

SESSION_ZONE = os.environ.get("MYNUMBER_TEST_TZ", "America/New_York")


def pytest_configure(config: pytest.Config) -> None:
    os.environ["TZ"] = SESSION_ZONE
    time.tzset()
