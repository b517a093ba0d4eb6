"""Flow data is checked once, at load: every broken reference fails with its file and key."""

import shutil
from pathlib import Path

import pytest
import yaml

from common.errors import DataError
from flows.graph import mermaid
from flows.loader import FLOWS_DIR, default_flows, load_flows
from flows.model import AnswerStep, AskStep, HandoverStep
from knowledge.loader import default_knowledge

LINES = default_knowledge().line_ids()


def test_real_flows_load_with_every_topic_routed():
    flows = default_flows()
    assert set(flows.flows) == {"main", "inquiry"}
    topic = flows.flows["main"].steps["topic"]
    assert isinstance(topic, AskStep)
    menu = {option.id for option in flows.choices["topic"].options}
    assert set(topic.next) == menu
    assert isinstance(flows.flows["main"].steps["inquiry"], HandoverStep)


def test_urgent_answers_ask_nothing_first():
    steps = default_flows().flows["main"].steps
    for step_id in ("answer_lost_card", "answer_lost_phone"):
        step = steps[step_id]
        assert isinstance(step, AnswerStep)
        assert step.requires == ()
        assert "card" in step.lines


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "flows"
    target.mkdir()
    for path in FLOWS_DIR.glob("*.yaml"):
        shutil.copy(path, target / path.name)
    return target


def _edit(directory: Path, name: str, change) -> None:
    path = directory / name
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


CASES = [
    (
        "main.yaml",
        lambda d: d["steps"]["topic"]["next"].update(card="nowhere"),
        "steps.topic.next.card",
        "names no step",
    ),
    (
        "main.yaml",
        lambda d: d["steps"]["topic"]["next"].update(bogus="answer_card"),
        "steps.topic.next.bogus",
        "has no option",
    ),
    (
        "main.yaml",
        lambda d: d["steps"]["topic"].update(ask="colours"),
        "steps.topic.ask",
        "names no choice set",
    ),
    (
        "main.yaml",
        lambda d: d["steps"]["answer_card"].update(lines=["card", "fax"]),
        "steps.answer_card.lines[1]",
        "names no knowledge line",
    ),
    (
        "main.yaml",
        lambda d: d["steps"]["answer_card"].update(requires=["shoe_size"]),
        "steps.answer_card.requires[0]",
        "no slot",
    ),
    (
        "main.yaml",
        lambda d: d["steps"]["answer_card"].update(need="urgent"),
        "steps.answer_card.need",
        "must be one of",
    ),
    (
        "main.yaml",
        lambda d: d["steps"]["answer_card"].update(followups=["dance"]),
        "steps.answer_card.followups[0]",
        "not an after_answer option",
    ),
    (
        "main.yaml",
        lambda d: d["steps"]["inquiry"].update(handover="survey"),
        "steps.inquiry.handover",
        "names no flow",
    ),
    ("main.yaml", lambda d: d.update(start="nowhere"), "start", "names no step"),
    ("main.yaml", lambda d: d["steps"].update(odd={"say": "x"}), "steps.odd", "is none of"),
    (
        "inquiry.yaml",
        lambda d: d["steps"]["email"].update(validate="vibes"),
        "steps.email.validate",
        "must be one of",
    ),
    (
        "inquiry.yaml",
        lambda d: d["steps"]["sent"].update(action="launch"),
        "steps.sent.action",
        "must be one of",
    ),
    (
        "choices.yaml",
        lambda d: d["choices"]["topic"]["options"].append(
            dict(d["choices"]["topic"]["options"][0])
        ),
        "choices.topic.options[",
        "duplicate option",
    ),
    (
        "choices.yaml",
        lambda d: d["choices"]["consent"]["options"][0]["synonyms"]["en"].append(True),
        "choices.consent.options[0].synonyms.en[",
        "must be a str",
    ),
]


@pytest.mark.parametrize(
    ("file", "change", "key", "problem"), CASES, ids=[f"{c[0]}:{c[2]}" for c in CASES]
)
def test_broken_flow_data_fails_naming_file_and_key(tmp_path, file, change, key, problem):
    directory = _copy(tmp_path)
    _edit(directory, file, change)
    with pytest.raises(DataError) as caught:
        load_flows(directory, line_ids=LINES)
    message = str(caught.value)
    assert caught.value.file == file, message
    assert key in message and problem in message, message


def test_mermaid_graph_draws_every_step_and_the_handover():
    graph = mermaid(default_flows())
    assert graph.startswith("flowchart TD")
    for flow in default_flows().flows.values():
        for step_id in flow.steps:
            assert f"{flow.id}_{step_id}" in graph
    assert "main_inquiry --> inquiry_consent" in graph
    assert "-->|lost_phone| main_answer_lost_phone" in graph
