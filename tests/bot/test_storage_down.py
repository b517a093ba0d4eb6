"""A database that is down: numbers and hours still answered, the inquiry refused cleanly."""

import dataclasses
from contextlib import contextmanager

from common.errors import StorageUnavailable
from testkit.memory import MemoryStore
from tests.bot.helpers import event, make_service, said


class DownStore(MemoryStore):
    """A store that cannot be reached while ``down`` is set: on entry, or only at commit."""

    def __init__(self, *, at_commit: bool = False) -> None:
        super().__init__()
        self.down = True
        self.at_commit = at_commit

    @contextmanager
    def transaction(self, conversation):
        if self.down and not self.at_commit:
            raise StorageUnavailable("down")
        with super().transaction(conversation) as transaction:
            yield transaction
            if self.down:
                raise StorageUnavailable("down at commit")


def test_numbers_and_hours_need_no_database():
    service = make_service(DownStore())
    text = said(service.handle(event("I lost my phone", at="2026-11-25T02:00")))
    assert "0120-0178-27" in text and "Open now" in text


def test_the_inquiry_is_not_started_while_the_database_is_down():
    store = DownStore()
    text = said(make_service(store).handle(event("write an inquiry")))
    assert "unavailable for a moment" in text
    assert "Do you agree" not in text
    assert not store.states  # nothing was half-stored


def test_a_send_that_fails_keeps_nothing_and_can_be_repeated():
    store = DownStore(at_commit=True)
    store.down = False
    announced = []
    service = make_service(store, on_inquiry=[announced.append])
    for text in (
        "write an inquiry",
        "I agree",
        "a@example.com",
        "a@example.com",
        "Where is my card? I applied in May.",
    ):
        service.handle(event(text))
    store.down = True
    failed = said(service.handle(event("send")))
    assert "could not be sent" in failed
    assert "Send it?" in failed  # the confirmation is asked again
    assert not store.inquiries and not announced
    store.down = False
    sent = said(service.handle(event("send")))
    (draft,) = store.inquiries.values()
    assert f"Your reference is {draft.reference}" in sent
    assert announced == [draft]


def test_a_failing_listener_does_not_fail_the_turn():
    def broken(draft):
        raise RuntimeError("staff channel down")

    service = make_service(on_inquiry=[broken])
    for text in (
        "write an inquiry",
        "yes",
        "b@example.com",
        "b@example.com",
        "Please tell me about renewal of my card.",
    ):
        service.handle(event(text))
    assert "Your reference is MN-" in said(service.handle(event("send")))


def test_no_reminder_is_offered_while_the_database_is_down():
    service = make_service(DownStore())
    # One message says it all: nothing is remembered between turns while the store is down.
    asked = event("tax question, in English", at="2026-11-28T21:00")
    text = said(service.handle(dataclasses.replace(asked, address="console:1")))
    assert "0120-0178-26" in text and "Closed now" in text
    assert "Remind me" not in text


def test_a_reminder_button_pressed_while_the_database_is_down_says_so():
    service = make_service(DownStore())
    pressed = dataclasses.replace(event(None), button="remind:yes", address="console:1")
    text = said(service.handle(pressed))
    assert "reminders cannot be set or shown right now" in text
