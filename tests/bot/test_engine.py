"""Engine behaviour that transcripts cannot see: state, storage, clock, and never going silent."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adapters.bootstrap import build_engine
from bot.messages import Event
from bot.state import ConversationState
from testkit.memory import MemoryStore
from tests.bot.helpers import event, jst, make_service, said

ENGINE = build_engine()
PAYLOADS = [
    f"{choice.id}:{option.id}"
    for choice in ENGINE.flows.choices.values()
    for option in choice.options
]


def test_the_clock_is_the_events():
    service = make_service()
    night = said(service.handle(event("card question in English", at="2026-11-25T02:00")))
    day = said(service.handle(event("card question in English", at="2026-11-25T10:00")))
    assert "Closed now, opens 08:30" in night
    assert "Open now, until 20:00" in day


def test_state_survives_a_restart_mid_conversation():
    store = MemoryStore()
    make_service(store).handle(event("Individual Number Card questions"))
    assert json.loads(store.states["t:1"])["awaiting"] == "phone_language"
    # A new engine and service over the same store: the question is still open.
    replies = make_service(store).handle(event("Thai"))
    text = said(replies)
    assert "0120-0178-27" in text and "Open now, until 18:00" in text


def test_a_stored_state_that_no_longer_fits_falls_back_to_the_menu():
    store = MemoryStore()
    ghost = ConversationState(flow="main", step="removed_step", awaiting="topic")
    store.states["t:1"] = ghost.to_json()
    store.states["t:2"] = '{"version": 99, "flow": "main"}'
    store.states["t:3"] = "not json at all"
    for conversation in ("t:1", "t:2", "t:3"):
        text = said(make_service(store).handle(event("hello", conversation=conversation)))
        assert "What is your question about?" in text
        state = ConversationState.from_json(store.states[conversation])
        assert state.step == "topic"


def test_forget_erases_the_conversation():
    store = MemoryStore()
    service = make_service(store)
    service.handle(event("card question"))
    assert "t:1" in store.states
    text = said(service.handle(event("/forget")))
    assert "t:1" not in store.states
    assert "erased" in text


def test_numbers_pick_from_the_buttons_last_shown():
    service = make_service()
    menu = service.handle(event("hello"))
    labels = [button.label for reply in menu for button in reply.buttons]
    second = labels[1]
    assert "smartphone" in second
    assert "0120-0178-27" in said(service.handle(event("２")))


def test_client_locale_and_script_choose_the_language():
    assert "受付" in said(make_service().handle(event("スマホをなくしました")))
    assert "受付" in said(make_service().handle(event("lost phone", locale="ja-JP")))
    english = said(make_service().handle(event("lost phone", locale="en_US")))
    assert "Open now" in english and "受付" not in english


def test_state_round_trips_through_json():
    state = ConversationState(
        flow="main",
        step="topic",
        awaiting="topic",
        slots={"phone_language": "th"},
        misses=1,
        locale="ja",
        buttons=("topic:card",),
        last_answer="answer_card",
    )
    assert ConversationState.from_json(state.to_json()) == state
    # Written by the standard library, as versions before orjson wrote it: read the same.
    older = json.dumps(json.loads(state.to_json()), ensure_ascii=False, indent=1)
    assert ConversationState.from_json(older) == state
    assert json.loads(ConversationState(flow="main", step="日本").to_json())["step"] == "日本"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.one_of(
            st.text(max_size=300).map(lambda text: ("text", text)),
            st.sampled_from(PAYLOADS).map(lambda payload: ("button", payload)),
            st.sampled_from(
                [
                    "help",
                    "menu",
                    "cancel",
                    "/start",
                    "yes",
                    "send",
                    "1",
                    "13",
                    "foo@example.com",
                    "I lost my phone",
                    "Thai",
                    "a" * 10_000,
                ]
            ).map(lambda text: ("text", text)),
            st.text(max_size=30).map(lambda junk: ("button", junk)),
        ),
        min_size=1,
        max_size=12,
    )
)
def test_never_silent_never_crashes(actions):
    service = make_service()
    for kind, value in actions:
        replies = service.handle(
            event(value, at="2026-11-28T18:00")
            if kind == "text"
            else event(None, button=value, at="2026-11-28T18:00")
        )
        assert replies, f"no reply to {kind} {value!r}"
        assert all(reply.text.strip() for reply in replies)
        for reply in replies:
            assert all(len(button.payload.encode()) < 64 for button in reply.buttons)


def test_a_redelivered_update_is_answered_once():
    service = make_service()
    first = service.handle(
        Event(conversation="t:1", at=jst("2026-11-25T10:00"), text="lost phone", delivery_id="7")
    )
    again = service.handle(
        Event(conversation="t:1", at=jst("2026-11-25T10:00"), text="lost phone", delivery_id="7")
    )
    other = service.handle(
        Event(conversation="t:1", at=jst("2026-11-25T10:00"), text="thanks", delivery_id="8")
    )
    assert "0120-0178-27" in said(first)
    assert again == ()
    assert "welcome" in said(other)


def test_language_chosen_by_name_or_command_outranks_the_client_locale():
    service = make_service()
    service.handle(event("hello", locale="en"))
    switched = said(service.handle(event("日本語", locale="en")))
    assert "日本語で表示します" in switched
    # the client still says English; the choice stands
    assert "受付" in said(service.handle(event("lost phone", locale="en")))
    menu = service.handle(event("/language", locale="en"))
    assert "English" in said(menu)
    back = said(service.handle(event(None, button="ui_language:en", locale="en")))
    assert "From now on I write in English." in back


def test_a_language_name_after_an_answer_gives_the_answer_in_it():
    service = make_service()
    service.handle(event("I lost my phone", at="2026-11-25T02:00", locale="en"))
    again = said(service.handle(event("日本語", at="2026-11-25T02:00", locale="en")))
    assert "0570-783-578" in again and "受付中" in again


def test_the_written_language_group_comes_first():
    service = make_service()
    text = said(
        service.handle(event("lost card - Tôi bị mất thẻ", at="2026-11-25T10:00", locale="en"))
    )
    assert text.index("Tiếng Việt, ภาษาไทย") < text.index("English, 中文")


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("紛失", "ja"),  # 紛: the bot's Japanese writes it, its Chinese never does
        ("暗証番号", "ja"),
        ("保険証", "ja"),
        ("丢失", "zh"),  # 丢: Chinese only
        ("补办", "zh"),
        ("电话号码", "zh"),
        ("再発行", "zh"),  # both tell (発 and 再): the default, as before
        ("遺失", "zh"),  # neither tells: the default
    ],
)
def test_chinese_characters_alone_tell_japanese_from_chinese_where_they_can(text, language):
    engine = build_engine()
    assert engine.language_for(event(text), None) == language
    reply = said(engine.respond(event(text), None).replies)
    assert any("\u3040" <= char <= "\u30ff" for char in reply) == (language == "ja"), reply


def test_a_question_about_consent_is_no_consent():
    understanding = build_engine().understanding
    for question in ("同意って何ですか", "동의가 뭐예요?", "ยินยอมคืออะไร", "sí, ¿no?"):
        assert understanding.answer("consent", question) is None, question
    for agreement in ("同意します", "동의합니다", "Yes, I agree!"):
        assert understanding.answer("consent", agreement) == "agree", agreement


def test_client_locale_aliases_reach_their_catalog():
    assert "Bukas ngayon" in said(make_service().handle(event("lost phone", locale="fil-PH")))
    assert "Sedang buka" in said(make_service().handle(event("lost phone", locale="in")))


def test_skip_is_understood_in_every_language():
    from bot.inquiry import check_application_id

    for word in (
        "skip",
        "スキップ",
        "omitir",
        "pular",
        "lewati",
        "laktawan",
        "bỏ qua",
        "ข้าม",
        "跳过",
        "건너뛰기",
        "छोड्नुहोस्",
    ):
        assert check_application_id(word, {}).value == "", word
