"""DESIGN.md rules 5 and 6 through the real service on an SQLite file, down to the file's bytes.

5: consent before anything personal; only an affirmative answer counts; cancel leaves at any step,
   and then nothing typed is kept. 6: the Individual Number is never stored.
"""

from __future__ import annotations

import json
import logging
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from bot.inquiry import INQUIRY_SLOTS
from tests.adapters.helpers import (
    APPLICATION_ID,
    AT,
    CONSENT_QUESTION,
    SUSPENSION_NUMBER,
    db_file,
    exported,
    full_inquiry,
    individual_number,
    load_state,
    make_app,
    minutes,
    press,
    raw_bytes,
    reference_in,
    save_state,
    say,
    sqlite_rows,
    stored_state,
    turn,
)

MASKED_NOTICE = "Your text contained what looks like an Individual Number"
SUMMARY = re.compile(r"E-mail: (?P<email>[^\n]*)\nInquiry: (?P<text>[^\n]*)\n\nSend it\?")


def export_cli(path: Path) -> list[dict[str, object]]:
    done = subprocess.run(
        [sys.executable, "-m", "adapters.cli", "inquiries", "export", "--db", f"sqlite:///{path}"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def no_inquiry_slots(app, conversation: str = "t:1") -> bool:
    state = stored_state(app, conversation)
    return state is None or not set(state["slots"]) & set(INQUIRY_SLOTS)


# -- (a) a full inquiry: one record, with consent ----------------------------------------------


def test_a_full_inquiry_is_exported_once_with_its_consent(tmp_path):
    app = make_app(tmp_path)
    assert CONSENT_QUESTION in say(app, "write an inquiry", at=AT)
    assert "Your e-mail address" in say(app, "I agree", at=AT + minutes(1))
    say(app, "full@example.com", at=AT + minutes(2))
    say(app, "FULL＠example.com", at=AT + minutes(3))
    text = "My card never arrived 123456789018, please check."
    reply = say(app, text, at=AT + minutes(4))
    assert MASKED_NOTICE in reply
    assert "Inquiry: My card never arrived ************, please check." in reply
    reference = reference_in(say(app, "send", at=AT + minutes(5)))
    assert reference is not None
    assert no_inquiry_slots(app)
    app.database.dispose()

    [record] = export_cli(db_file(tmp_path))
    assert record["reference"] == reference
    assert record["email"] == "full@example.com"
    assert record["text"] == "My card never arrived ************, please check."
    assert record["consent_at"] == "2026-11-25T10:01:00+09:00"  # when "I agree" was said
    assert record["created_at"] == "2026-11-25T10:05:00+09:00"  # when it was sent
    assert record["notice_version"]
    disk = raw_bytes(make_app(tmp_path), db_file(tmp_path))
    assert b"full@example.com" in disk
    assert b"123456789018" not in disk


def test_application_id_is_kept_for_a_status_question(tmp_path):
    app = make_app(tmp_path)
    say(app, "application status")
    assert CONSENT_QUESTION in press(app, "after_answer:inquiry")
    assert "Application ID" in say(app, "I agree")
    assert "Your e-mail address" in say(app, "１０２９ ３８４７ ５６１０ ２９３８ ４７５６ １０２")
    full_tail = ("status@example.com", "status@example.com", "Has my application arrived?")
    for message in full_tail:
        say(app, message)
    reference = reference_in(say(app, "send"))
    [record] = exported(app)
    assert record.reference == reference
    assert record.application_id == APPLICATION_ID
    assert record.topic == "status"


def act(app, action: str) -> str:
    return (
        press(app, action.removeprefix("press:"))
        if action.startswith("press:")
        else say(app, action)
    )


@pytest.mark.parametrize(
    ("first", "second"),
    [
        pytest.param("send", "send", id="typed-twice"),
        pytest.param("press:send_cancel:send", "press:send_cancel:send", id="pressed-twice"),
        pytest.param("send", "press:send_cancel:send", id="typed-then-pressed"),
        pytest.param("press:send_cancel:send", "1", id="pressed-then-option-1"),
        pytest.param("yes", "yes", id="yes-twice"),
    ],
)
def test_sending_twice_stores_one(tmp_path, first, second):
    app = make_app(tmp_path)
    for message in ("write an inquiry", "yes", "twice@example.com", "twice@example.com"):
        say(app, message)
    say(app, "Where is my card? I applied in May.")
    reference = reference_in(act(app, first))
    assert reference is not None
    assert reference_in(act(app, second)) in (None, reference)
    assert [record.reference for record in exported(app)] == [reference]


def test_replaying_the_same_send_event_stores_one(tmp_path):
    app = make_app(tmp_path)
    for message in ("write an inquiry", "yes", "replay@example.com", "replay@example.com"):
        say(app, message)
    say(app, "Where is my card? I applied in May.")
    before = load_state(app)
    first = reference_in(press(app, "send_cancel:send", at=AT + minutes(9)))
    replies_again = []
    for _ in range(3):  # the same update delivered again, from the same stored state
        save_state(app, before)
        replies_again.append(reference_in(press(app, "send_cancel:send", at=AT + minutes(9))))
    assert replies_again == [first] * 3
    assert [record.reference for record in exported(app)] == [first]


# -- (b) anything but an affirmative answer declines, and keeps nothing ------------------------


@pytest.mark.parametrize(
    "answer",
    [
        "no",
        "No.",
        "maybe",
        "what?",
        "hmm",
        "later",
        "I do not agree",
        "I don't agree",
        "disagree",
        "not now",
        "never",
        "いいえ",
        "同意しない",
        "2",
        "decline-marker@example.com",
        "Please just tell me the number",
        pytest.param(
            "not sure",
        ),
        pytest.param(
            "I'm not sure",
        ),
        pytest.param(
            "I don't accept",
        ),
        pytest.param(
            "I cannot agree",
        ),
        pytest.param(
            "not okay",
        ),
        pytest.param(
            "同意できない",
        ),
    ],
)
def test_anything_but_agreement_declines_and_keeps_nothing(tmp_path, answer):
    app = make_app(tmp_path)
    assert CONSENT_QUESTION in say(app, "write an inquiry")
    reply = say(app, answer)
    assert "Your e-mail address" not in reply
    assert no_inquiry_slots(app)
    # whatever the person types afterwards is not taken as part of an inquiry
    for message in ("declined-marker@example.com", "declined-marker@example.com", "send"):
        say(app, message)
    say(app, "My declined inquiry text DECLINEDTEXT")
    press(app, "send_cancel:send")
    assert exported(app) == []
    assert no_inquiry_slots(app)
    disk = raw_bytes(app, db_file(tmp_path))
    assert b"declined-marker@example.com" not in disk
    assert b"decline-marker@example.com" not in disk
    assert b"DECLINEDTEXT" not in disk


def test_pressing_disagree_declines(tmp_path):
    app = make_app(tmp_path)
    say(app, "write an inquiry")
    assert "nothing about you was kept" in press(app, "consent:disagree")
    assert stored_state(app)["flow"] == "main"
    assert no_inquiry_slots(app)


def test_no_personal_data_is_asked_before_agreement(tmp_path):
    app = make_app(tmp_path)
    first = say(app, "write an inquiry")
    assert CONSENT_QUESTION in first
    assert "Purpose" in first  # the privacy notice comes with the question
    assert "Your e-mail address" not in first
    state = stored_state(app)
    assert (state["flow"], state["step"]) == ("inquiry", "consent")
    assert "consent_at" not in state["slots"]


# -- (c) leaving the inquiry at every step keeps nothing typed ---------------------------------

STEPS = ("consent", "application_id", "email", "email_again", "text", "confirm")


def walk_to(app, step: str, *, status: bool, tag: str) -> list[str]:
    """Go to ``step`` of the inquiry, typing unique markers on the way; the markers typed."""
    email = f"left-{tag}@example.com"
    text = f"LEFTTEXT{tag} where is my card, please?"
    if status:  # an application-status question first: the inquiry asks for the Application ID
        say(app, "application status")
        assert CONSENT_QUESTION in press(app, "after_answer:inquiry")
    else:
        assert CONSENT_QUESTION in say(app, "write an inquiry")
    inputs = [
        ("I agree", None),
        *([(APPLICATION_ID, APPLICATION_ID)] if status else []),
        (email, email),
        (email, email),
        (text, f"LEFTTEXT{tag}"),
    ]
    order = [s for s in STEPS if status or s != "application_id"]
    markers = []
    for message, marker in inputs[: order.index(step)]:
        say(app, message)
        if marker:
            markers.append(marker)
    state = stored_state(app)
    assert (state["flow"], state["step"]) == ("inquiry", step)
    return markers


def leave_cases():
    for step in STEPS:
        for status in (True, False) if step != "application_id" else (True,):
            for leave in ("cancel", "/cancel", "CANCEL", "キャンセル", "menu", "/start"):
                yield pytest.param(step, status, leave, id=f"{step}-{status}-{leave}")


@pytest.mark.parametrize(("step", "status", "leave"), list(leave_cases()))
def test_leaving_at_any_step_keeps_nothing_typed(tmp_path, step, status, leave):
    app = make_app(tmp_path)
    markers = walk_to(app, step, status=status, tag=f"{step}{int(status)}")
    replies = turn(app, text=leave)
    if leave in ("menu", "/start"):
        assert any(b.payload.startswith("topic:") for r in replies for b in r.buttons)
    else:
        assert "Nothing was sent" in "\n".join(r.all_text() for r in replies)
    state = stored_state(app)
    assert state["flow"] == "main"
    assert no_inquiry_slots(app)
    assert all(marker not in json.dumps(state) for marker in markers)
    # a late "send" or button press does not resurrect it
    say(app, "send")
    press(app, "send_cancel:send")
    assert exported(app) == []
    disk = raw_bytes(app, db_file(tmp_path))
    assert [marker for marker in markers if marker.encode() in disk] == []


@pytest.mark.parametrize(
    ("step", "status"),
    [(step, status) for step in STEPS for status in (True, False) if status or step != STEPS[1]],
)
def test_urgent_message_mid_inquiry_answers_first_and_sends_nothing(tmp_path, step, status):
    """Rule 1 at every step of the inquiry; what was typed is neither sent nor kept once left.

    (At the steps that wait for typed input the bot gives the urgent answer as an aside and
    stays in the inquiry; at the consent and confirm steps it leaves the inquiry.)
    """
    app = make_app(tmp_path)
    markers = walk_to(app, step, status=status, tag=f"urgent{step}{int(status)}")
    assert SUSPENSION_NUMBER in say(app, "I lost my phone")
    assert exported(app) == []
    say(app, "cancel")
    assert no_inquiry_slots(app)
    say(app, "send")
    assert exported(app) == []
    disk = raw_bytes(app, db_file(tmp_path))
    assert [marker for marker in markers if marker.encode() in disk] == []


def test_forget_erases_the_conversation(tmp_path):
    app = make_app(tmp_path)
    walk_to(app, "text", status=False, tag="forget")
    say(app, "/forget")
    assert load_state(app) is None
    assert b"left-forget@example.com" not in raw_bytes(app, db_file(tmp_path))


# -- rule 6 end to end ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "written",
    [
        "123456789018",
        "1234 5678 9018",
        "1234-5678-9018",
        "１２３４５６７８９０１８",
        "１２３４ー５６７８ー９０１８",
    ],
)
def test_individual_number_in_the_text_never_reaches_the_file(tmp_path, written):
    app = make_app(tmp_path)
    say(app, "write an inquiry")
    say(app, "yes")
    say(app, "rule6@example.com")
    say(app, "rule6@example.com")
    assert MASKED_NOTICE in say(app, f"My number is {written}, is my card ready?")
    assert reference_in(say(app, "send"))
    [record] = exported(app)
    assert "9018" not in record.text and "９０１８" not in record.text
    disk = raw_bytes(app, db_file(tmp_path))
    assert b"rule6@example.com" in disk
    assert b"123456789018" not in disk
    assert written.encode() not in disk


def test_individual_number_given_as_application_id_is_not_kept(tmp_path):
    app = make_app(tmp_path)
    say(app, "application status")
    press(app, "after_answer:inquiry")
    say(app, "yes")
    assert "not kept" in say(app, "1234 5678 9018")
    assert "123456789018" not in json.dumps(stored_state(app))
    assert b"123456789018" not in raw_bytes(app, db_file(tmp_path))


@pytest.mark.parametrize(
    "written", ["１２３４−５６７８−９０１８", "1234  5678  9018", "On 11/25 123456789018"]
)
def test_loosely_written_individual_number_never_reaches_the_file(tmp_path, written):
    app = make_app(tmp_path)
    full_inquiry(app, email="loose@example.com", text=f"My number is {written}, help")
    disk = raw_bytes(app, db_file(tmp_path))
    assert b"loose@example.com" in disk
    assert written.encode() not in disk
    assert b"123456789018" not in disk


# -- (d) random conversations ----------------------------------------------------------------------

AFFIRMATIVE = {"yes", "I agree", "1", "press:consent:agree"}
FIXED_ACTIONS = [
    "write an inquiry",
    "press:topic:inquiry",
    "yes",
    "I agree",
    "press:consent:agree",
    "1",
    "2",
    "no",
    "maybe",
    "what?",
    "press:consent:disagree",
    "cancel",
    "/cancel",
    "menu",
    "send",
    "press:send_cancel:send",
    "press:send_cancel:cancel",
    "asdf qwer zxcv",
    "???",
    "I lost my phone",
    "help",
]
ELEVEN = st.text(alphabet="0123456789", min_size=11, max_size=11)
WRITINGS = ("plain", "spaces", "hyphens", "wide", "minus", "dated")
WIDE = str.maketrans("0123456789", "０１２３４５６７８９")

# The way through, from the menu or from wherever the conversation stands, cut short anywhere.
HAPPY = st.tuples(st.just("happy"), st.one_of(st.integers(1, 5), st.just(6)), ELEVEN, st.booleans())
ACTION = st.one_of(
    st.sampled_from(FIXED_ACTIONS).map(lambda a: ("fixed", a)),
    st.just(("email",)),
    st.just(("email_again",)),
    st.just(("mismatch",)),
    st.tuples(st.just("text"), ELEVEN, st.sampled_from(WRITINGS)),
    HAPPY,
    HAPPY,
)


def write_number(number: str, how: str) -> str:
    if how == "spaces":
        return f"{number[:4]} {number[4:8]} {number[8:]}"
    if how == "hyphens":
        return f"{number[:4]}-{number[4:8]}-{number[8:]}"
    if how == "wide":
        return number.translate(WIDE)
    if how == "minus":  # full-width, with U+2212 as Japanese input types '-'
        return "−".join((number[:4], number[4:8], number[8:])).translate(WIDE)
    if how == "dated":
        return f"11/25 {number}"
    return number


@dataclass
class Run:
    """What the random conversation typed, and what the bot said it sent."""

    app: object
    emails: list[str] = field(default_factory=list)
    numbers: list[tuple[str, str]] = field(default_factory=list)
    told: dict[str, tuple[str, str]] = field(default_factory=dict)  # reference -> (email, text)
    log: list[tuple[str, str]] = field(default_factory=list)  # (message, reply)
    summary: tuple[str, str] | None = None
    clock: int = 0

    def send(self, message: str) -> None:
        self.clock += 1
        options = {"at": AT + minutes(self.clock)}
        if message.startswith("press:"):
            reply = press(self.app, message.removeprefix("press:"), **options)
        else:
            reply = say(self.app, message, **options)
        self.log.append((message, reply))
        if (found := SUMMARY.search(reply)) is not None:
            self.summary = (found["email"], found["text"])
        if (reference := reference_in(reply)) is not None:
            assert self.summary is not None, "sent without a summary"
            if reference in self.told:
                assert self.told[reference] == self.summary
            self.told[reference] = self.summary

    def new_email(self) -> str:
        email = f"marker-{len(self.emails):04d}@example.com"
        self.emails.append(email)
        return email

    def text(self, eleven: str, how: str) -> str:
        number = individual_number(eleven)
        written = write_number(number, how)
        self.numbers.append((number, written))
        return f"Please help, my number is {written} thanks"

    def act(self, action: tuple) -> None:
        match action:
            case ("fixed", message):
                self.send(message)
            case ("email",) | ("mismatch",):
                self.send(self.new_email())
            case ("email_again",):
                self.send(self.emails[-1] if self.emails else self.new_email())
            case ("text", eleven, how):
                self.send(self.text(eleven, how))
            case ("happy", length, eleven, from_menu):
                email = self.new_email()
                steps = ["write an inquiry", "I agree", email, email, self.text(eleven, "plain")]
                for message in [*(["menu"] if from_menu else []), *[*steps, "send"][:length]]:
                    self.send(message)


def consent_preceded_every_send(log: list[tuple[str, str]]) -> None:
    """Each "sent" reply is preceded by a consent question answered affirmatively."""
    for index, (_, reply) in enumerate(log):
        if reference_in(reply) is None:
            continue
        asked = [i for i in range(index) if CONSENT_QUESTION in log[i][1]]
        assert asked, "an inquiry was sent without the consent question"
        answer = log[asked[-1] + 1][0]
        assert answer in AFFIRMATIVE, f"sent after answering {answer!r} to the consent question"


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(st.lists(ACTION, min_size=1, max_size=25), ELEVEN)
def test_random_conversations_keep_only_what_was_sent(actions, final_eleven):
    with tempfile.TemporaryDirectory(prefix="mnbot-privacy-") as scratch:
        path = Path(scratch) / "bot.sqlite3"
        app = make_app(Path(scratch))
        run = Run(app)
        for action in actions:
            run.act(action)
        run.send("cancel")  # whatever was left open is abandoned
        run.act(("happy", 6, final_eleven, False))  # and one inquiry is surely sent
        final_reference = reference_in(run.log[-1][1])
        assert final_reference is not None
        final_email = run.told[final_reference][0]

        event(f"inquiries sent before the last: {min(len(run.told) - 1, 3)}")
        event(f"Individual Numbers typed: {min(len(run.numbers), 3)}")
        records = exported(app)
        assert {r.reference: (r.email, r.text) for r in records} == run.told
        consent_preceded_every_send(run.log)
        assert no_inquiry_slots(app)

        disk = raw_bytes(app, path)
        allowed = " ".join(f"{email} {text}" for email, text in run.told.values())
        assert final_email.encode() in disk, "a sent e-mail must be in the file"
        never_sent = [email for email in run.emails if email not in allowed]
        assert [email for email in never_sent if email.encode() in disk] == []
        numbers = {form for pair in run.numbers for form in pair}
        assert [number for number in numbers if number.encode() in disk] == []

        rows = sqlite_rows(path, "SELECT consent_at, created_at FROM inquiries")
        assert len(rows) == len(run.told)
        for consent_at, created_at in rows:
            assert consent_at is not None
            assert consent_at <= created_at


def test_nothing_typed_reaches_the_logs(tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    app = make_app(tmp_path)
    for message in (
        "write an inquiry",
        "I agree",
        "log-marker@example.com",
        "log-marker@example.com",
        "My number is 123456789018, LOGTEXTMARKER",
        "send",
        "write an inquiry",
        "I agree",
        "cancel-marker@example.com",
        "cancel",
    ):
        say(app, message)
    app.database.dispose()
    assert caplog.records, "the capture saw no log record at all"
    logged = "\n".join(record.getMessage() for record in caplog.records)
    for marker in ("log-marker", "LOGTEXTMARKER", "123456789018", "cancel-marker"):
        assert marker not in logged
