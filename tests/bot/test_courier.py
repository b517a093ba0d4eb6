"""The outbox and its courier, over the in-memory store, with a clock the test moves."""

from __future__ import annotations

import dataclasses
import json
import threading
from datetime import UTC, datetime, timedelta

import pytest

from bot.courier import MAX_AGE, MAX_ATTEMPTS, Courier
from bot.messages import Button, Event, PhoneCard, Reply, StatusLine
from bot.parcel import dump_replies, load_replies
from common.errors import Refused
from knowledge.hours import Status
from testkit.memory import MemoryStore
from tests.bot.helpers import event, make_service
from tests.clocks import MovingClock as Clock

LEASE = timedelta(seconds=60)
TO = '{"chat": 7}'


class Platform:
    """Records what it accepted; fails as told."""

    def __init__(self) -> None:
        self.accepted: list[tuple[str, str]] = []
        self.failures: list[Exception] = []

    def __call__(self, to: str, reply: Reply, key: str = "") -> None:
        if self.failures:
            raise self.failures.pop(0)
        self.accepted.append((to, reply.text))


def addressed(text: str, **options) -> Event:
    return dataclasses.replace(event(text, **options), channel="telegram", address=TO)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(clock: Clock) -> MemoryStore:
    return MemoryStore(lease=LEASE, clock=clock)


def courier_for(store: MemoryStore, clock: Clock, platform: Platform) -> Courier:
    courier = Courier(store, lease=LEASE)
    courier.route("telegram", platform)
    return courier


def lease_over(store: MemoryStore, clock: Clock) -> None:
    """Move the clock past every lease the store holds."""
    clock.now = max(until for _, until in store.outbox.values()) + timedelta(seconds=1)


def test_a_turn_with_an_address_commits_its_replies_to_the_outbox(store: MemoryStore) -> None:
    service = make_service(store)
    answer = service.answer(addressed("I lost my smartphone"))
    assert answer.parcel is not None
    [(parcel, _until)] = store.outbox.values()
    assert parcel == answer.parcel and parcel.address == TO and parcel.channel == "telegram"
    assert parcel.replies == answer.replies
    assert "0120-0178-27" in parcel.replies[0].text


def test_without_an_address_or_for_a_redelivery_nothing_is_kept(store: MemoryStore) -> None:
    service = make_service(store)
    assert service.answer(event("I lost my smartphone")).parcel is None
    first = dataclasses.replace(addressed("hello"), delivery_id="u1")
    assert service.answer(first).parcel is not None
    again = service.answer(first)
    assert again.replies == () and again.parcel is None
    assert len(store.outbox) == 1


def test_a_sent_parcel_is_forgotten_and_never_pumped(store: MemoryStore, clock: Clock) -> None:
    platform = Platform()
    courier = courier_for(store, clock, platform)
    answer = make_service(store).answer(addressed("I lost my smartphone"))
    with courier.delivery(answer) as sent:
        for reply in answer.replies:
            platform(TO, reply)
            sent.one()
    courier.pump()  # forgets what was sent
    assert store.outbox == {}
    lease_over_now = clock.now + LEASE * 2
    clock.now = lease_over_now
    assert courier.pump() == 0
    assert len(platform.accepted) == len(answer.replies)


def test_a_worker_that_died_after_the_commit_leaves_the_parcel_to_a_pump(
    store: MemoryStore, clock: Clock
) -> None:
    answer = make_service(store).answer(addressed("I lost my smartphone"))  # then it died
    platform = Platform()
    other = courier_for(store, clock, platform)
    assert other.pump() == 0, "sent by another worker while the first one's lease held"
    lease_over(store, clock)
    assert other.pump() == 1
    assert [text for _, text in platform.accepted] == [reply.text for reply in answer.replies]
    other.pump()
    assert store.outbox == {}
    clock.advance(3600)
    assert other.pump() == 0
    assert len(platform.accepted) == len(answer.replies)


def test_a_pump_sends_to_several_addresses_at_once_each_in_order(
    store: MemoryStore, clock: Clock
) -> None:
    """A dead worker's users are not queued behind each other's slow sends: the first send to
    each of four addresses waits until all four are in flight, which one-at-a-time never is."""
    addresses = [f'{{"chat": {chat}}}' for chat in range(4)]
    service = make_service(store)
    expected: dict[str, list[str]] = {}
    for address in addresses:
        for text in ("I lost my smartphone", "hello"):
            turn = event(text, conversation=address)
            replies = service.answer(
                dataclasses.replace(turn, channel="telegram", address=address)
            ).replies
            expected.setdefault(address, []).extend(reply.text for reply in replies)
    all_in_flight = threading.Barrier(len(addresses), timeout=10)
    accepted: dict[str, list[str]] = {}

    def platform(to: str, reply: Reply, key: str = "") -> None:
        if to not in accepted:
            all_in_flight.wait()
        accepted.setdefault(to, []).append(reply.text)

    courier = Courier(store, lease=LEASE)
    courier.route("telegram", platform)
    lease_over(store, clock)  # the worker that committed them died
    assert courier.pump() == 2 * len(addresses)
    assert accepted == expected
    assert store.outbox == {}


def test_a_long_send_keeps_its_lease(store: MemoryStore, clock: Clock) -> None:
    courier = courier_for(store, clock, Platform())
    answer = make_service(store).answer(addressed("I lost my smartphone"))
    with courier.delivery(answer):
        for _ in range(10):  # ten minutes in the flood limiter's queue, say
            clock.advance(LEASE.total_seconds() / 2)
            assert courier.pump() == 0
        assert answer.parcel is not None and answer.parcel.id in store.outbox


def test_a_failure_half_way_keeps_only_the_unsent_replies(store: MemoryStore, clock: Clock) -> None:
    platform = Platform()
    courier = courier_for(store, clock, platform)
    replies = (Reply("first"), Reply("second"), Reply("third"))
    with store.transaction("t:1") as transaction:
        parcel = transaction.enqueue("telegram", TO, replies)
    answer = dataclasses.replace(
        make_service(store).answer(event("hi")), parcel=parcel, replies=replies
    )
    with pytest.raises(ConnectionError), courier.delivery(answer) as sent:
        platform(TO, replies[0])
        sent.one()
        raise ConnectionError("the network went away")
    assert courier.pump() == 0  # backing off
    clock.advance(2)
    assert courier.pump() == 1
    assert [text for _, text in platform.accepted] == ["first", "second", "third"]


def test_a_refused_parcel_is_dropped(store: MemoryStore, clock: Clock) -> None:
    platform = Platform()
    platform.failures.append(Refused("bot blocked by the user"))
    make_service(store).answer(addressed("I lost my smartphone"))
    courier = courier_for(store, clock, platform)
    lease_over(store, clock)
    assert courier.pump() == 0
    assert store.outbox == {}
    assert platform.accepted == []


def test_failures_back_off_and_end_in_giving_up(store: MemoryStore, clock: Clock) -> None:
    platform = Platform()
    platform.failures += [ConnectionError("down")] * (MAX_ATTEMPTS + 5)
    make_service(store).answer(addressed("hello"))
    courier = courier_for(store, clock, platform)
    lease_over(store, clock)
    tried = 0
    for _ in range(MAX_ATTEMPTS + 3):
        before = len(platform.failures)
        courier.pump()
        tried += before - len(platform.failures)
        clock.advance(LEASE.total_seconds())
    assert tried == MAX_ATTEMPTS
    assert store.outbox == {}


def test_a_parcel_older_than_a_day_is_given_up(store: MemoryStore, clock: Clock) -> None:
    platform = Platform()
    make_service(store).answer(addressed("hello"))
    clock.now += MAX_AGE + timedelta(minutes=1)
    assert courier_for(store, clock, platform).pump() == 0
    assert store.outbox == {} and platform.accepted == []


@pytest.mark.parametrize("days", [-400, -2, 2, 400, 4 * 365])
def test_a_parcels_age_is_the_outboxs_whatever_the_conversations_clock_says(
    store: MemoryStore, clock: Clock, days: int
) -> None:
    """A transcript dated long ago (or ahead), a Slack message's own timestamp: the reply is
    as young as its row in the outbox, and is sent."""
    platform = Platform()
    moment = clock.now + timedelta(days=days)
    answer = make_service(store).answer(
        dataclasses.replace(addressed("I lost my smartphone"), at=moment)
    )
    lease_over(store, clock)
    assert courier_for(store, clock, platform).pump() == 1
    assert [text for _, text in platform.accepted] == [reply.text for reply in answer.replies]


def test_a_channel_without_a_sender_is_left_to_the_workers_serving_it(
    store: MemoryStore, clock: Clock
) -> None:
    make_service(store).answer(dataclasses.replace(addressed("hello"), channel="slack"))
    courier = courier_for(store, clock, Platform())
    lease_over(store, clock)
    assert courier.pump() == 0
    assert len(store.outbox) == 1


def test_replies_survive_the_outbox_as_they_were() -> None:
    moment = datetime(2026, 11, 28, 20, 30, tzinfo=UTC)
    card = PhoneCard(
        number="0120-0178-26",
        name="Card",
        charge="toll-free",
        statuses=(
            StatusLine("Closed now", Status(open=False, opens_at=moment), ("en", "zh")),
            StatusLine("Unknown", Status(open=None)),
        ),
        note="a note",
    )
    replies = (Reply("text ☎ 日本", (Button("Main menu", "after_answer:menu"),), (card,)),)
    assert load_replies(dump_replies(replies)) == replies


@pytest.mark.parametrize("junk", ["{}", "[1]", '[{"text": "x"}]', "not json"])
def test_damaged_parcels_are_a_value_error(junk: str) -> None:
    with pytest.raises(ValueError):
        load_replies(junk)


STAFF = "slack-staff"
INQUIRY = ("write an inquiry", "I agree", "a@example.com", "a@example.com",
           "Where do I renew my card's certificate?", "send")  # fmt: skip


def _inquire(service, courier: Courier):
    """Every turn of an inquiry, the replies of all but the last delivered as a channel does;
    the last answer."""
    for text in INQUIRY:
        answer = service.answer(addressed(text))
        if text != INQUIRY[-1]:
            courier.handed_over(answer)
    return answer


@pytest.mark.parametrize("days_later", [0, 400])
def test_a_staff_notice_is_committed_with_its_inquiry_and_sent_once(
    store: MemoryStore, clock: Clock, days_later: int
) -> None:
    clock.advance(days_later * 86400)  # the inquiry's conversation was that long ago
    service = make_service(store, notices=(STAFF,))
    staff = Platform()
    courier = Courier(store, lease=LEASE)
    courier.route(STAFF, staff)
    answer = _inquire(service, courier)
    [notice] = answer.notices
    assert notice.channel == STAFF and notice.id in store.outbox
    details = json.loads(notice.address)
    assert details["reference"] in answer.replies[0].text
    assert "a@example.com" not in notice.address and "renew" not in notice.address
    courier.handed_over(answer)
    courier.pump()  # what the thread does once woken
    assert staff.accepted == [(notice.address, details["reference"])]
    lease_over_now = clock.now + LEASE * 2
    clock.now = lease_over_now
    courier.pump()
    assert len(staff.accepted) == 1
    assert store.outbox == {}


def test_a_staff_notice_survives_a_worker_dying_before_posting_it(
    store: MemoryStore, clock: Clock
) -> None:
    dying = Courier(store, lease=LEASE)
    answer = _inquire(make_service(store, notices=(STAFF,)), dying)  # then the worker died
    staff = Platform()
    other = Courier(store, lease=LEASE)
    other.route(STAFF, staff)
    other.route("telegram", Platform())
    lease_over(store, clock)
    other.pump()
    [notice] = answer.notices
    assert staff.accepted == [(notice.address, json.loads(notice.address)["reference"])]


def test_watchers_hear_what_became_of_each_parcel(store: MemoryStore, clock: Clock) -> None:
    platform = Platform()
    courier = courier_for(store, clock, platform)
    heard: list[tuple[int, str]] = []
    courier.watch(lambda outcome: heard.append((outcome.parcel.id, outcome.result)))
    service = make_service(store)
    sent = service.answer(addressed("hello"))
    courier.handed_over(sent)
    platform.failures.append(ConnectionError("down"))
    failing = service.answer(addressed("I lost my smartphone"))
    lease_over(store, clock)
    courier.pump()
    platform.failures.append(Refused("blocked"))
    clock.advance(LEASE.total_seconds())
    courier.pump()
    old = service.answer(addressed("hello again"))
    clock.now += MAX_AGE + timedelta(minutes=1)
    courier.pump()
    assert sent.parcel and failing.parcel and old.parcel
    assert heard == [
        (sent.parcel.id, "sent"),
        (failing.parcel.id, "failed"),
        (failing.parcel.id, "refused"),
        (old.parcel.id, "given up"),
    ]
