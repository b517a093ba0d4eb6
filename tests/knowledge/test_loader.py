"""The loader: the packaged data as the page gives it, and bad data refused by file and key."""

import shutil
from datetime import time

import pytest
import yaml

from knowledge import Charge, DataError, Need, load_knowledge
from knowledge.hours import HoursEngine
from knowledge.loader import DATA_DIR
from knowledge.model import DayType, Window
from tests.knowledge.helpers import EN_GROUP, FOREIGN, TH_GROUP, jst, knowledge

# --- the real data -------------------------------------------------------------------------------

NUMBERS = {
    "general": "0120-0178-26",
    "card": "0120-0178-27",
    "card-navi": "0570-064-738",
    "card-navi-ip": "050-3818-1250",
    "ja": "0120-95-0178",
    "ja-navi": "0570-783-578",
}


def test_real_data_has_the_six_numbers_of_the_page():
    lines = knowledge().lines
    assert len(lines) == 6
    assert {line.id: line.number for line in lines} == NUMBERS


def test_real_data_languages():
    assert knowledge().foreign_languages == FOREIGN
    assert knowledge().time_zone == "Asia/Tokyo"
    for line_id in ("general", "card", "card-navi", "card-navi-ip"):
        assert knowledge().line(line_id).languages == FOREIGN
    for line_id in ("ja", "ja-navi"):
        assert knowledge().line(line_id).languages == ("ja",)
    assert [line.id for line in knowledge().lines_for("ja")] == ["ja", "ja-navi"]
    assert len(knowledge().lines_for("th")) == 4


def test_real_data_charges():
    charges = {line.id: line.charge for line in knowledge().lines}
    assert charges == {
        "general": Charge.TOLL_FREE,
        "card": Charge.TOLL_FREE,
        "card-navi": Charge.CHARGED,
        "card-navi-ip": Charge.NOT_STATED,
        "ja": Charge.TOLL_FREE,
        "ja-navi": Charge.CHARGED,
    }


def test_japanese_line_press_options_and_unknown_hours():
    ja = knowledge().line("ja")
    assert [(option.digit, option.topic) for option in ja.options] == [
        ("5", "health_insurance"),
        ("6", "bank_account"),
    ]
    assert "5" in ja.options[0].source
    assert "6" in ja.options[1].source
    assert ja.rules is None
    assert not ja.hours_known


def test_alternates():
    assert knowledge().line("card-navi-ip").alternate_of == "card-navi"
    assert knowledge().line("card").japanese_alternate == "ja"
    assert knowledge().line("card-navi").japanese_alternate == "ja-navi"
    others = ("general", "card", "card-navi", "ja", "ja-navi")
    assert all(knowledge().line(line_id).alternate_of is None for line_id in others)


def test_general_line_rules_and_new_year_closure():
    general = knowledge().line("general")
    assert general.language_groups() == (FOREIGN,)
    by_days = {rule.days: rule for rule in general.rules}
    weekday = by_days[frozenset({DayType.WEEKDAY})]
    weekend = by_days[frozenset({DayType.SATURDAY, DayType.SUNDAY, DayType.HOLIDAY})]
    assert len(by_days) == 2
    assert weekday.windows == (Window(time(9, 30), time(20, 0)),)
    assert weekend.windows == (Window(time(9, 30), time(17, 30)),)
    assert weekday.needs == weekend.needs == frozenset(Need)
    [closure] = general.closures
    assert (closure.id, closure.start, closure.end) == ("new_year", (12, 29), (1, 3))


@pytest.mark.parametrize("line_id", ["card", "card-navi", "card-navi-ip"])
def test_card_lines_rules(line_id):
    card = knowledge().line(line_id)
    assert card.closures == ()
    assert card.language_groups() == (EN_GROUP, ("vi", "th", "id", "tl", "ne"))
    assert set(card.language_groups()[1]) == set(TH_GROUP)
    night = [rule for rule in card.rules if Need.REGULAR not in rule.needs]
    assert len(night) == 1
    assert night[0].needs == {Need.SMARTPHONE_SUSPENSION}
    assert night[0].windows == (Window(time(20, 0), time(8, 30)),)
    assert night[0].windows[0].overnight
    assert all(rule.days == frozenset(DayType) for rule in card.rules)


# --- validation ----------------------------------------------------------------------------------


@pytest.fixture
def data_dir(tmp_path):
    for path in DATA_DIR.glob("*.yaml"):
        shutil.copy(path, tmp_path / path.name)
    return tmp_path


def mutate(data_dir, file_name, change):
    """Parse a data file, apply ``change`` to the document, and write it back."""
    path = data_dir / file_name
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(document)
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), "utf-8")


def setter(*path_and_value):
    *path, value = path_and_value

    def change(document):
        target = document
        for part in path[:-1]:
            target = target[part]
        target[path[-1]] = value

    return change


def deleter(*path):
    def change(document):
        target = document
        for part in path[:-1]:
            target = target[part]
        del target[path[-1]]

    return change


def test_data_dir_copy_loads_like_the_packaged_data(data_dir):
    """The control for the cases below: a parse-and-dump round trip alone breaks nothing."""
    for name in ("lines.yaml", "calendar.yaml", "notices.yaml"):
        mutate(data_dir, name, lambda document: None)
    loaded = load_knowledge(data_dir)
    assert loaded.lines == knowledge().lines
    assert loaded.sources == knowledge().sources


BAD_DATA = [
    pytest.param(
        "lines.yaml",
        setter("lines", 0, "languages", 0, "xx"),
        "lines[0].languages[0]",
        "'xx'",
        id="unknown-line-language",
    ),
    pytest.param(
        "lines.yaml",
        setter("lines", 1, "hours", 1, "languages", ["th", "xx"]),
        "lines[1].hours[1].languages",
        "xx",
        id="unknown-rule-language",
    ),
    pytest.param(
        "lines.yaml",
        setter("lines", 0, "hours", 0, "windows", 0, "9:30-20:00"),
        "lines[0].hours[0].windows[0]",
        "9:30-20:00",
        id="window-one-digit-hour",
    ),
    pytest.param(
        "lines.yaml",
        setter("lines", 0, "hours", 0, "windows", 0, "25:00-26:00"),
        "lines[0].hours[0].windows[0]",
        "25:00-26:00",
        id="window-hour-25",
    ),
    pytest.param(
        "lines.yaml",
        setter("lines", 0, "hours", 1, "windows", 0, "09:30-17:60"),
        "lines[0].hours[1].windows[0]",
        "17:60",
        id="window-minute-60",
    ),
    pytest.param(
        "lines.yaml",
        setter("lines", 0, "hours", 0, "windows", 0, "09:30-09:30"),
        "lines[0].hours[0].windows[0]",
        "empty",
        id="window-empty",
    ),
    pytest.param(
        "lines.yaml",
        setter("lines", 0, "hours", 0, "days", ["weekdays"]),
        "lines[0].hours[0].days[0]",
        "weekday",
        id="unknown-day-type",
    ),
    pytest.param(
        "lines.yaml",
        setter("lines", 1, "hours", 2, "calls", ["smartphone"]),
        "lines[1].hours[2].calls[0]",
        "smartphone_suspension",
        id="unknown-need",
    ),
    pytest.param(
        "lines.yaml",
        setter("lines", 0, "closures", 0, "new_years"),
        "lines[0].closures[0]",
        "new_years",
        id="unknown-closure",
    ),
    pytest.param(
        "lines.yaml",
        setter("lines", 2, "alternate_of", "card-navy"),
        "lines[2].alternate_of",
        "card-navy",
        id="alternate-of-nothing",
    ),
    pytest.param(
        "lines.yaml",
        setter("lines", 3, "japanese_alternate", "japanese"),
        "lines[3].japanese_alternate",
        "japanese",
        id="japanese-alternate-of-nothing",
    ),
    pytest.param(
        "lines.yaml",
        deleter("lines", 0, "hours", 1, "source"),
        "lines[0].hours[1].source",
        "missing",
        id="rule-without-source",
    ),
    pytest.param(
        "lines.yaml",
        deleter("lines", 0, "source"),
        "lines[0].source",
        "missing",
        id="line-without-source",
    ),
    pytest.param(
        "lines.yaml",
        setter("lines", 4, "options", 1, "source", "  "),
        "lines[4].options[1].source",
        "empty",
        id="option-with-blank-source",
    ),
    pytest.param(
        "lines.yaml",
        setter("lines", 0, "number", "0120-0178-29"),
        "lines[0].source",
        "0120-0178-29",
        id="number-not-in-source",
    ),
    pytest.param(
        "lines.yaml",
        setter("lines", 0, "number", "0120 0178 26"),
        "lines[0].number",
        "0120 0178 26",
        id="number-not-written-as-on-page",
    ),
    pytest.param(
        "lines.yaml",
        setter("lines", 0, "charge", "free"),
        "lines[0].charge",
        "toll_free",
        id="charge-free",
    ),
    pytest.param(
        "lines.yaml",
        deleter("lines", 2, "charge_source"),
        "lines[2]",
        "charge_source",
        id="charged-without-charge-source",
    ),
    pytest.param(
        "lines.yaml",
        setter("lines", 0, "hours", []),
        "lines[0].hours",
        "unknown",
        id="no-rules",
    ),
    pytest.param(
        "calendar.yaml",
        setter("closures", "new_year", "from", "12/29"),
        "closures.new_year.from",
        "12/29",
        id="closure-date-format",
    ),
    pytest.param(
        "calendar.yaml",
        setter("closures", "new_year", "to", "13-03"),
        "closures.new_year.to",
        "13-03",
        id="closure-month-13",
    ),
    pytest.param(
        "calendar.yaml",
        setter("time_zone", "Asia/Tokio"),
        "time_zone",
        "Asia/Tokio",
        id="unknown-time-zone",
    ),
    pytest.param(
        "notices.yaml",
        deleter("notices", "wrong_number", "source"),
        "notices.wrong_number.source",
        "missing",
        id="notice-without-source",
    ),
]


@pytest.mark.parametrize(("file_name", "change", "key", "detail"), BAD_DATA)
def test_bad_data_names_file_and_key(data_dir, file_name, change, key, detail):
    mutate(data_dir, file_name, change)
    with pytest.raises(DataError) as caught:
        load_knowledge(data_dir)
    message = str(caught.value)
    assert file_name in message
    assert f"{file_name}: {key}: " in message
    assert detail in message
    assert (caught.value.file, caught.value.key) == (file_name, key)


def test_known_language_change_is_accepted(data_dir):
    """A control for the language cases: a known code in a new place loads; no over-rejection."""
    mutate(data_dir, "lines.yaml", setter("lines", 4, "languages", ["ja", "en"]))
    assert load_knowledge(data_dir).line("ja").languages == ("ja", "en")


def test_duplicate_line_id(data_dir):
    mutate(data_dir, "lines.yaml", setter("lines", 2, "id", "card"))
    with pytest.raises(DataError) as caught:
        load_knowledge(data_dir)
    message = str(caught.value)
    assert "lines.yaml" in message
    assert "duplicate" in message
    assert "'card'" in message
    # Either occurrence may be named, but the key must point at one of the two.
    assert caught.value.key in {"lines[1].id", "lines[2].id"}
    assert f"lines.yaml: {caught.value.key}: " in message


def test_duplicate_line_number(data_dir):
    mutate(data_dir, "lines.yaml", setter("lines", 5, "number", "0120-95-0178"))
    mutate(
        data_dir,
        "lines.yaml",
        setter(
            "lines", 5, "source", "If you wish to be helped in Japanese, please call 0120-95-0178."
        ),
    )
    with pytest.raises(DataError) as caught:
        load_knowledge(data_dir)
    assert caught.value.file == "lines.yaml"
    assert caught.value.key in {"lines[4].number", "lines[5].number"}
    assert "0120-95-0178" in str(caught.value)


@pytest.mark.parametrize("file_name", ["lines.yaml", "calendar.yaml", "notices.yaml"])
def test_invalid_yaml(data_dir, file_name):
    (data_dir / file_name).write_text("lines: [unclosed\n  - id: general\n", encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load_knowledge(data_dir)
    message = str(caught.value)
    assert message.startswith(f"{file_name}: <top>: ")
    assert "not valid YAML" in message
    assert caught.value.file == file_name


def test_missing_file(data_dir):
    (data_dir / "calendar.yaml").unlink()
    with pytest.raises(DataError) as caught:
        load_knowledge(data_dir)
    assert caught.value.file == "calendar.yaml"
    assert "cannot be read" in str(caught.value)


def test_hours_unknown_loads_to_no_rules(data_dir):
    mutate(data_dir, "lines.yaml", setter("lines", 0, "hours", "unknown"))
    loaded = load_knowledge(data_dir)
    general = loaded.line("general")
    assert general.rules is None
    assert not general.hours_known
    assert general.language_groups() == ()
    # The other lines are untouched, and the engine then says the hours are not listed.
    assert loaded.line("card").rules == knowledge().line("card").rules
    status = HoursEngine().status(general, jst("2026-11-25T12:00"), language="en")
    assert (status.open, status.closes_at, status.opens_at) == (None, None, None)


def test_rule_languages_line_means_every_language_of_the_line(data_dir):
    mutate(data_dir, "lines.yaml", setter("lines", 0, "languages", ["en", "th"]))
    general = load_knowledge(data_dir).line("general")
    assert {rule.languages for rule in general.rules} == {frozenset({"en", "th"})}
