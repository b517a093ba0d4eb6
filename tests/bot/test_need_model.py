"""The learned model of needs (bot/need_model.py): the one shipped is trained on what is labelled
today, it decides the needs the lexicon does not find urgent, and it never takes urgency away."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
import pytest

from adapters.bootstrap import build_engine
from bot.need_model import MODEL_FILE, NeedModel, features
from bot.needs import NeedReader
from tests.understanding.corpus import Case, labelled_before
from tools.train_need_model import train, trained_on, training_set


@cache
def lexicon() -> NeedReader:
    reader = build_engine().understanding.needs
    assert isinstance(reader, NeedReader)
    return reader


def cases(*labelled: tuple[str, str]) -> list[Case]:
    return [
        Case(text=text, need=need, language="en", split="tune", file="en.yaml", index=i)
        for i, (text, need) in enumerate(labelled)
    ]


# A model that has learned the opposite of the lexicon (a lost card is a card question) and a
# word no cue knows (`zorblat`, the points): what the reader does with it is the policy's.
CONTRARY = cases(
    ("I lost my my number card", "card"),
    ("my my number card was stolen", "card"),
    ("lost card", "card"),
    ("zorblat", "points"),
    ("zorblat balance please", "points"),
    ("when do I get my zorblat", "points"),
    ("my zorblat card balance please", "points"),
    ("zorblat on my card", "points"),
    ("hello", "unclear"),
    ("hi there", "unclear"),
    ("how do I renew my card", "card"),
)


@cache
def contrary() -> NeedModel:
    return train(CONTRARY, lexicon().finder)


def test_the_shipped_model_is_trained_on_every_labelled_message_and_todays_lexicon() -> None:
    # Fails when a set is added or the lexicon changes without `python tools/train_need_model.py`.
    assert NeedModel.load(MODEL_FILE).trained_on == trained_on(training_set(labelled_before()))


def test_the_model_never_takes_an_urgent_reading_away() -> None:
    reader = lexicon().with_model(contrary())
    assert contrary().best("I lost my my number card", ())[0] == "card"
    assert reader.read("I lost my my number card on the bus").topic == "lost_card"
    assert (
        reader.read("スマホを落としました、マイナカードの電子証明書が入っています").topic
        == "lost_phone"
    )


def test_a_message_naming_no_need_is_not_the_models_guess() -> None:
    reader = lexicon().with_model(contrary())
    assert contrary().best("zorblat", ())[0] == "points"
    assert reader.read("zorblat").topic is None  # no cue of any need: the menu asks
    reading = reader.read("Nepali")
    assert (reading.topic, reading.phone_language) == (None, "ne")


def test_the_model_overrules_the_lexicons_clear_need_when_it_clearly_prefers_another() -> None:
    text = "my zorblat card balance"
    assert lexicon().with_model(None).read(text).topic == "card"  # the card named alone
    need, lead = contrary().best(text, lexicon().finder.find(text).concepts)
    assert need == "points" and lead >= 0.25
    reading = lexicon().with_model(contrary()).read(text)
    assert (reading.topic, reading.lost_item) == ("points", None)


def test_two_needs_as_likely_are_still_asked() -> None:
    text = "health insurance and bank account"
    assert lexicon().with_model(None).read(text).topic is None
    assert lexicon().with_model(contrary()).read(text).topic is None
    assert lexicon().read(text).topic is None  # the shipped model too


def test_no_alarm_where_the_lexicon_settled_the_loss_or_nothing_losable_is_named() -> None:
    pension = "my pension"
    alarmist = train(
        cases(
            ("I lost my passport but my my number card is safe", "lost_card"),
            ("found my card again", "lost_card"),
            ("my card is safe", "lost_card"),
            *[(pension, "lost")] * 5,
            ("hello", "unclear"),
            ("renew my card", "card"),
        ),
        lexicon().finder,
    )
    reader = lexicon().with_model(alarmist)
    for text in ("I lost my passport but my my number card is safe", "found my card again"):
        assert alarmist.best(text, lexicon().finder.find(text).concepts)[0] == "lost_card"
        assert reader.read(text).topic not in ("lost_card", "lost_phone", "lost")
    # Nothing that can be lost is named, and the lexicon finds the need: no alarm either.
    assert alarmist.best(pension, lexicon().finder.find(pension).concepts)[0] == "lost"
    assert reader.read(pension).topic == lexicon().with_model(None).read(pension).topic
    assert reader.read(pension).topic == "out_of_scope"


def test_the_shipped_reader_reads_with_the_shipped_model() -> None:
    model = lexicon().model
    assert model is not None
    assert model.trained_on == NeedModel.load(MODEL_FILE).trained_on
    assert set(model.needs) >= {"lost_card", "card", "points", "unclear"}


def test_a_long_message_is_read_by_its_start_and_its_end() -> None:
    filler = "and then we went to the station " * 25
    story = f"zorblat {filler} qwxz {filler} the end"
    grams = set(features(story, ()))
    assert {" zo", "zorb", " end"} <= grams  # its first words and its last
    assert "qwxz" not in grams  # its middle is the lexicon's alone
    assert len(features(story, ())) < 3 * 2 * 300 + 10


def test_training_is_deterministic_and_the_file_keeps_the_model(tmp_path: Path) -> None:
    again = train(CONTRARY, lexicon().finder)
    assert again.vocabulary == contrary().vocabulary
    assert np.array_equal(again.weights, contrary().weights)
    path = tmp_path / "model.npz"
    contrary().save(path)
    loaded = NeedModel.load(path)
    assert (loaded.needs, loaded.vocabulary, loaded.trained_on) == (
        contrary().needs,
        contrary().vocabulary,
        contrary().trained_on,
    )
    assert np.array_equal(loaded.weights, contrary().weights)
    assert np.array_equal(loaded.bias, contrary().bias)


@pytest.mark.parametrize("need", ["lost_card", "card", "points", "unclear"])
def test_the_trained_on_fingerprint_changes_with_what_was_learned(need: str) -> None:
    base = trained_on(CONTRARY)
    relabelled = [*CONTRARY[:-1], cases(("how do I renew my card", need))[0]]
    assert (trained_on(relabelled) == base) == (need == "card")


# A model that has learned what the lexicon settles otherwise: a topic named alone as no need,
# the Navi-Dial's number as the number system's, a card put on a phone as a lost phone.
OVERREACHING = cases(
    ("I have a question about my card", "unclear"),
    ("a question about the card", "unclear"),
    ("about my card", "unclear"),
    ("what is the navi dial number", "mynumber"),
    ("navi dial number please", "mynumber"),
    ("my number", "mynumber"),
    ("how do I put my card on my phone", "lost_phone"),
    ("put the card on my phone", "lost_phone"),
    ("my phone with the card on it", "lost_phone"),
    ("how do I renew my card", "card"),
)


@cache
def overreaching() -> NeedModel:
    return train(OVERREACHING, lexicon().finder)


@pytest.mark.parametrize(
    ("text", "learned", "read"),
    [
        ("I have a question about my card", "unclear", "card"),
        ("what is the navi dial number?", "mynumber", "card"),
        ("how do I put my card on my phone?", "lost_phone", "card"),
    ],
)
def test_the_model_does_not_overrule_what_the_lexicon_settles(
    text: str, learned: str, read: str
) -> None:
    assert overreaching().best(text, lexicon().finder.find(text).concepts)[0] == learned
    assert lexicon().with_model(overreaching()).read(text).topic == read
