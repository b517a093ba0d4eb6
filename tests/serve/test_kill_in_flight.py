"""One of two workers of `mynumber-bot serve` is SIGKILLed with 32 updates in flight
(`tests/serve/kill_in_flight.py`). Every user must get an answer, well before the replies'
leases (a minute) run out; a reply may be sent twice only when the dead worker's send of it was
in flight; any other reply, once. A kill that found no send in flight (the other worker had
taken the updates) is run again with new users, and must itself double nothing.
"""

from __future__ import annotations

from pathlib import Path

from tests.serve.helpers import SUSPENSION_NUMBER
from tests.serve.kill_in_flight import ATTEMPTS, USERS, kill_until_in_flight


def test_a_worker_killed_with_updates_in_flight_doubles_only_sends_in_flight(
    tmp_path: Path, served_db: str
) -> None:
    outcomes = kill_until_in_flight(tmp_path, served_db)
    for outcome in outcomes:  # a run whose kill found nothing in flight must double nothing
        assert outcome.statuses == [200] * USERS
        answers = outcome.answers
        assert all(SUSPENSION_NUMBER in texts[0] for texts in answers.values()), answers
        assert outcome.doubled <= outcome.in_flight, (
            f"{outcome.doubled} replies sent twice, {outcome.in_flight} sends in flight"
        )
        print(
            f"all {USERS} answered {outcome.answered_after:.1f} s after the kill; "
            f"{outcome.doubled} doubled of {outcome.in_flight} in flight; "
            f"{outcome.retried} webhook retries"
        )
    assert outcomes[-1].in_flight > 0, f"no kill of {ATTEMPTS} found a send in flight"
