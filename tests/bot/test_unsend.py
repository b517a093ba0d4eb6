"""A message taken back (LINE's unsend): what it gave is forgotten, and nothing is said."""

from __future__ import annotations

import dataclasses

from testkit.memory import MemoryStore
from tests.bot.helpers import event, make_service


def _said(service, text, message_id):
    return service.handle(dataclasses.replace(event(text), message_id=message_id))


def test_an_email_taken_back_leaves_no_trace_and_ends_the_inquiry() -> None:
    store = MemoryStore()
    service = make_service(store)
    for number, text in enumerate(("write an inquiry", "I agree", "taken@example.com"), 1):
        _said(service, text, f"m{number}")
    assert "taken@example.com" in store.states["t:1"]
    replies = service.handle(dataclasses.replace(event(None), unsent="m3"))
    assert replies == ()
    state = store.states["t:1"]
    assert "taken@example.com" not in state and "m3" not in state
    assert '"flow":"main"' in state.replace(" ", "")  # the inquiry cannot go on without it


def test_taking_back_a_message_that_gave_nothing_changes_nothing() -> None:
    store = MemoryStore()
    service = make_service(store)
    _said(service, "I lost my phone", "m1")
    before = store.states["t:1"]
    assert service.handle(dataclasses.replace(event(None), unsent="m1")) == ()
    assert service.handle(dataclasses.replace(event(None), unsent="unknown")) == ()
    assert store.states["t:1"] == before
    assert service.handle(dataclasses.replace(event(None, conversation="t:new"), unsent="m")) == ()
