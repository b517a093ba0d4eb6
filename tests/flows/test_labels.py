"""Button labels fit LINE's 20 characters in every language, and prompts name the words and
buttons the bot really accepts."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

from bot.catalog import Catalog
from bot.inquiry import SKIP_WORDS, check_application_id
from bot.normalize import normalize
from flows.loader import default_flows
from knowledge.loader import default_knowledge

ROOT = Path(__file__).resolve().parents[2]
CATALOG = Catalog.load()
LANGUAGES = ("en", "ja", "zh", "ko", "es", "pt", "vi", "th", "id", "tl", "ne")
# LINE cuts a quick reply's label at 20 characters (DESIGN.md, LINE).
LABEL_LIMIT = 20
KEY = re.compile(r"[a-z_]+\.[a-z0-9_.-]+")


def _key_in(node: ast.expr) -> str | None:
    """The message key a `text(...)` call formats, if it names one."""
    if isinstance(node, ast.Call):
        for arg in node.args:
            value = arg.value if isinstance(arg, ast.Constant) else None
            if isinstance(value, str) and KEY.fullmatch(value):
                return value
    return None


def _label_of(node: ast.expr, assigned: dict[str, ast.expr]) -> str:
    """Where a Button's label comes from: a message key, "choices" (an option's `label:`
    key of flows/choices.yaml) or "stored" (a label read back from storage)."""
    if isinstance(node, ast.Name) and node.id in assigned:
        node = assigned[node.id]
    key = _key_in(node)
    if key:
        return key
    if isinstance(node, ast.Call) and any(
        isinstance(arg, ast.Attribute) and arg.attr == "label" for arg in node.args
    ):
        return "choices"
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "str":
        return "stored"
    raise AssertionError(f"a Button label this test cannot place: {ast.unparse(node)}")


def button_sources() -> set[str]:
    """What every `Button(...)` in bot/ takes its label from."""
    found: set[str] = set()
    for path in sorted((ROOT / "bot").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            assigned = {
                target.id: node.value
                for node in ast.walk(function)
                if isinstance(node, ast.Assign)
                for target in node.targets
                if isinstance(target, ast.Name)
            }
            for call in ast.walk(function):
                if (
                    isinstance(call, ast.Call)
                    and isinstance(call.func, ast.Name)
                    and call.func.id == "Button"
                    and call.args
                ):
                    found.add(_label_of(call.args[0], assigned))
    return found


def label_keys() -> set[str]:
    keys = {key for key in button_sources() if key not in ("choices", "stored")}
    choices = default_flows().choices.values()
    return keys | {option.label for choice in choices for option in choice.options}


def _longest_phone_number() -> str:
    knowledge = default_knowledge()
    numbers = [line.number for line in knowledge.lines]
    numbers += [knowledge.consultation_service[key] for key in ("phone", "fax")]
    return max(numbers, key=len)


# What a label's placeholders stand for, at their longest.
PARAMS = {"number": _longest_phone_number()}


def test_the_scan_finds_the_buttons_of_the_code():
    sources = button_sources()
    assert {"button.menu", "remind.offer_button", "reminders.cancel_button"} <= sources
    assert "choices" in sources  # menus and follow-ups: the options' labels
    assert len(PARAMS["number"]) >= len("0120-0178-26")


@pytest.mark.parametrize("language", LANGUAGES)
def test_button_labels_fit_line(language):
    too_long = {}
    for key in sorted(label_keys()):
        message = CATALOG.raw(language, key)
        fields = {name for _, name, _, _ in string.Formatter().parse(message) if name}
        assert fields <= set(PARAMS), f"{language} {key}: no length known for {fields}"
        label = message.format_map(PARAMS)
        if len(label) > LABEL_LIMIT:
            too_long[key] = label
    assert not too_long, f"{language}: longer than {LABEL_LIMIT} characters: {too_long}"


QUOTED = re.compile(r'"([^"]+)"|“([^”]+)”|«([^»]+)»|「([^」]+)」|\'([^\']+)\'')


def quoted(message: str) -> list[str]:
    return [next(part for part in match if part) for match in QUOTED.findall(message)]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_application_id_prompt_names_a_word_the_bot_takes_as_skip(language):
    named = quoted(CATALOG.raw(language, "inquiry.ask_application_id"))
    assert named, f"{language}: the prompt quotes no word to type"
    for word in named:
        assert normalize(word) in SKIP_WORDS, f"{language}: {word!r} is not a skip word"
        checked = check_application_id(word, {})
        assert checked.value == "" and not checked.error, (language, word)
    if language != "en":
        # Each language's users are told their own word, not the English one.
        assert "skip" not in [normalize(word) for word in named], language


@pytest.mark.parametrize("language", LANGUAGES)
def test_prompts_name_the_buttons_as_they_are_labelled(language):
    consent = CATALOG.raw(language, "inquiry.consent")
    assert CATALOG.raw(language, "consent.agree") in quoted(consent), language
    retry = CATALOG.raw(language, "inquiry.unavailable_retry")
    assert CATALOG.raw(language, "inquiry.button_send") in retry, language
