"""A database that is down: numbers and hours still answered, the inquiry refused cleanly."""

from bot.storage import MemoryStore, StorageUnavailable
from tests.bot.helpers import ListSink, event, make_service, said


class DownStore(MemoryStore):
    """A conversation store whose database cannot be reached while ``down`` is set."""

    def __init__(self) -> None:
        super().__init__()
        self.down = True

    def load(self, conversation):
        if self.down:
            raise StorageUnavailable("down")
        return super().load(conversation)

    def save(self, conversation, state):
        if self.down:
            raise StorageUnavailable("down")
        super().save(conversation, state)


class FlakySink(ListSink):
    def __init__(self) -> None:
        super().__init__()
        self.down = False

    def submit(self, draft):
        if self.down:
            raise StorageUnavailable("down")
        return super().submit(draft)


def test_numbers_and_hours_need_no_database():
    service = make_service(DownStore())
    text = said(service.handle(event("I lost my phone", at="2026-11-25T02:00")))
    assert "0120-0178-27" in text and "Open now" in text


def test_the_inquiry_is_not_started_while_the_database_is_down():
    store = DownStore()
    text = said(make_service(store).handle(event("write an inquiry")))
    assert "unavailable for a moment" in text
    assert "Do you agree" not in text
    store.down = False
    assert store.load("t:1") is None  # nothing was half-stored


def test_a_send_that_fails_keeps_nothing_and_can_be_repeated():
    sink = FlakySink()
    service = make_service(MemoryStore(), sink)
    for text in (
        "write an inquiry",
        "I agree",
        "a@example.com",
        "a@example.com",
        "Where is my card? I applied in May.",
    ):
        service.handle(event(text))
    sink.down = True
    failed = said(service.handle(event("send")))
    assert "could not be sent" in failed and not sink.drafts
    assert "Send it?" in failed  # the confirmation is asked again
    sink.down = False
    sent = said(service.handle(event("send")))
    assert "Your reference is REF-1" in sent
    assert len(sink.drafts) == 1
