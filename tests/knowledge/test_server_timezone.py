"""The answers do not depend on the server's zone (TZ): Japan time, always.

Three checks:
- a probe computes a fixed set of statuses under several TZ values, each in a fresh process (TZ
  is read when a process starts); the outputs must be identical to each other, to this
  process's, and to a few answers written by hand;
- the whole test session runs under TZ=America/New_York (``tests/conftest.py``): checked here;
- the tests/knowledge suite runs again, in a fresh process, under TZ=UTC and must pass.
"""

import json
import os
import subprocess
import sys
from datetime import UTC, datetime

import pytest

from knowledge import Need
from tests.conftest import SESSION_ZONE
from tests.knowledge.helpers import REPO, engine, knowledge

PROBE_ZONES = ["UTC", "America/New_York", "Pacific/Auckland", "Asia/Tokyo"]
SUITE_ZONES = ["UTC"]  # and the session's own zone, America/New_York (tests/conftest.py)
# Instants chosen where a zone mix-up shows: around Japan's midnight (15:00 UTC), across the
# New Year's closure, at the card lines' 8:30 and 20:00, and at New York's and Auckland's DST
# changes.
PROBE_INSTANTS = [
    "2026-11-27T14:59:00+00:00",
    "2026-11-27T15:00:00+00:00",
    "2026-11-28T09:00:00+00:00",
    "2026-11-28T18:00:00+09:00",
    "2026-11-23T09:30:00+09:00",
    "2026-12-28T10:59:00+00:00",
    "2026-12-28T11:00:00+00:00",
    "2026-12-31T23:30:00-05:00",
    "2027-01-03T15:00:00+00:00",
    "2027-03-14T02:30:00-05:00",
    "2027-04-04T02:30:00+13:00",
    "2026-11-24T17:10:00+00:00",
    "2026-11-24T23:29:00+00:00",
    "2026-11-24T23:30:00+00:00",
]
HAND_WRITTEN = {
    ("2026-11-28T18:00:00+09:00", "general", "en", "regular"): [
        False,
        None,
        "2026-11-29T09:30:00+09:00",
    ],
    ("2026-11-28T18:00:00+09:00", "card", "en", "regular"): [
        True,
        "2026-11-28T20:00:00+09:00",
        None,
    ],
    # 2026-11-27 15:00 UTC is Saturday 2026-11-28 00:00 in Japan.
    ("2026-11-27T15:00:00+00:00", "general", "en", "regular"): [
        False,
        None,
        "2026-11-28T09:30:00+09:00",
    ],
    ("2026-12-28T11:00:00+00:00", "general", None, "regular"): [
        False,
        None,
        "2027-01-04T09:30:00+09:00",
    ],
    ("2026-11-24T17:10:00+00:00", "card", "th", "smartphone_suspension"): [
        True,
        "2026-11-25T08:30:00+09:00",
        None,
    ],
    ("2026-11-24T23:30:00+00:00", "card", "th", "smartphone_suspension"): [
        False,
        None,
        "2026-11-25T09:00:00+09:00",
    ],
}


def probe():
    """Statuses of every line, for one language of each group and None, both needs, each instant."""
    rows = []
    for text in PROBE_INSTANTS:
        at = datetime.fromisoformat(text)
        for line in knowledge().lines:
            languages = [None, line.languages[0], *[code for code in ("th",) if line.serves(code)]]
            for language in languages:
                for need in Need:
                    status = engine().status(line, at, language=language, need=need)
                    rows.append(
                        [
                            text,
                            line.id,
                            language,
                            need.value,
                            status.open,
                            status.closes_at and status.closes_at.isoformat(),
                            status.opens_at and status.opens_at.isoformat(),
                        ]
                    )
    rows.sort(key=lambda row: [str(part) for part in row])
    return {"rows": rows, "local_offsets": _local_offsets()}


def _local_offsets():
    """The process's UTC offset in January and July: what its TZ really is."""
    return [
        str(datetime(2026, month, 15, 12, tzinfo=UTC).astimezone().utcoffset()) for month in (1, 7)
    ]


PROBE_SCRIPT = (
    "import json\n"
    "from tests.knowledge.test_server_timezone import probe\n"
    "print(json.dumps(probe()))\n"
)
EXPECTED_LOCAL_OFFSETS = {
    "UTC": ["0:00:00", "0:00:00"],
    "America/New_York": ["-1 day, 19:00:00", "-1 day, 20:00:00"],
    "Pacific/Auckland": ["13:00:00", "12:00:00"],
    "Asia/Tokyo": ["9:00:00", "9:00:00"],
}


def _env(zone):
    return {**os.environ, "TZ": zone, "MYNUMBER_TEST_TZ": zone}


def _run_probe(zone):
    done = subprocess.run(
        [sys.executable, "-c", PROBE_SCRIPT],
        cwd=REPO,
        env=_env(zone),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def probes():
    return {zone: _run_probe(zone) for zone in PROBE_ZONES}


@pytest.mark.parametrize("zone", PROBE_ZONES)
def test_probe_really_ran_in_that_zone(probes, zone):
    """Guards against a vacuous pass: an unknown TZ would silently be UTC."""
    assert probes[zone]["local_offsets"] == EXPECTED_LOCAL_OFFSETS[zone]


@pytest.mark.parametrize("zone", PROBE_ZONES)
def test_statuses_identical_under_server_zone(probes, zone):
    here = probe()["rows"]
    assert len(here) > 100
    assert probes[zone]["rows"] == here


def test_probe_matches_hand_written_answers(probes):
    for zone in PROBE_ZONES:
        found = {tuple(row[:4]): row[4:] for row in probes[zone]["rows"]}
        for key, expected in HAND_WRITTEN.items():
            assert found[key] == expected, (zone, key)


def test_this_session_runs_in_its_configured_zone():
    """Every test of the session runs under the conftest's zone (so under a zone that is not
    Japan's): guards against a vacuous pass of the whole suite."""
    assert os.environ["TZ"] == SESSION_ZONE
    if SESSION_ZONE in EXPECTED_LOCAL_OFFSETS:
        assert _local_offsets() == EXPECTED_LOCAL_OFFSETS[SESSION_ZONE]


@pytest.mark.parametrize("zone", SUITE_ZONES)
def test_knowledge_suite_passes_under_server_zone(zone):
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "tests/knowledge",
            "-q",
            "-p",
            "no:cacheprovider",
            "-x",
            "-k",
            "not server_timezone",
        ],
        cwd=REPO,
        env=_env(zone),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert " passed" in done.stdout
