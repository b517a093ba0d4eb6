"""Reads ``flows/*.yaml`` into a validated :class:`~flows.model.FlowSet`.

An unknown target step, a duplicate id, a choice set or knowledge line that does not exist, or an
option named in `next` that the set does not have fails here, with the file and key named.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from common.errors import DataError
from flows.model import (
    ActionStep,
    AnswerStep,
    AskStep,
    ChoiceSet,
    Flow,
    FlowSet,
    HandoverStep,
    InputStep,
    Option,
    SlotSpec,
    Step,
)
from knowledge.model import Need
from knowledge.yamlnode import Node

FLOWS_DIR = Path(__file__).parent
CHOICES_FILE = "choices.yaml"
NEEDS_FILE = "needs.yaml"  # what free text needs: read by bot/needs.py, not a flow
# Named effects and validators the engine implements; a flow may name only these.
ACTIONS = frozenset({"record_consent", "submit_inquiry", "discard_inquiry"})
VALIDATORS = frozenset({"email", "same_email", "inquiry_text", "application_id"})


def load_flows(directory: Path = FLOWS_DIR, *, line_ids: frozenset[str] | None = None) -> FlowSet:
    """Load every flow file and the choice sets beside them.

    Args:
        directory: holds ``choices.yaml`` and one YAML file per flow.
        line_ids: the knowledge's line ids, to check the lines that answers name.

    Raises:
        DataError: naming the file and key of the first problem found.
    """
    choices_doc = Node.load(directory / CHOICES_FILE)
    choices = _choices(choices_doc)
    negations = {
        language: tuple(word.lower() for word in words.texts())
        for language, words in choices_doc.optional_entries("negations")
    }
    flows: dict[str, Flow] = {}
    docs: dict[str, Node] = {}
    for path in sorted(directory.glob("*.yaml")):
        if path.name in (CHOICES_FILE, NEEDS_FILE):
            continue
        doc = Node.load(path)
        flow = _flow(doc, choices, line_ids)
        if flow.id in flows:
            raise doc["id"].fail(f"flow {flow.id!r} is also defined in {docs[flow.id].file}")
        flows[flow.id], docs[flow.id] = flow, doc
    for flow_id, flow in flows.items():
        for step_id, step in flow.steps.items():
            if isinstance(step, HandoverStep) and step.flow not in flows:
                raise docs[flow_id]["steps"][step_id]["handover"].fail(
                    f"names no flow: {step.flow!r}"
                )
    if "main" not in flows:
        raise DataError(directory.name, "", "no flow has id `main`")
    written_words = {
        language: frozenset(word.lower() for word in words.texts())
        for language, words in choices_doc.optional_entries("written_words")
    }
    return FlowSet(flows=flows, choices=choices, negations=negations, written_words=written_words)


@cache
def default_flows() -> FlowSet:
    from knowledge.loader import default_knowledge

    return load_flows(line_ids=default_knowledge().line_ids())


def _choices(doc: Node) -> dict[str, ChoiceSet]:
    sets: dict[str, ChoiceSet] = {}
    for set_id, node in doc["choices"].entries():
        options: list[Option] = []
        for item in node["options"].items():
            option = Option(
                id=item["id"].text(),
                label=item["label"].text(),
                synonyms={
                    language: tuple(phrase.lower() for phrase in phrases.texts())
                    for language, phrases in item.optional_entries("synonyms")
                },
                menu=_flag(item, "menu", default=True),
                priority=item["priority"].of(int) if item.has("priority") else 0,
            )
            if any(existing.id == option.id for existing in options):
                raise item["id"].fail(f"duplicate option id {option.id!r}")
            options.append(option)
        if not options:
            raise node["options"].fail("must list at least one option")
        sets[set_id] = ChoiceSet(
            id=set_id,
            options=tuple(options),
            extract=_flag(node, "extract", default=False),
            strict=_flag(node, "strict", default=False),
        )
    return sets


def _flow(doc: Node, choices: dict[str, ChoiceSet], line_ids: frozenset[str] | None) -> Flow:
    slots = {
        name: SlotSpec(
            name=name, choices=_choice_ref(node["choices"], choices), prompt=node["prompt"].text()
        )
        for name, node in doc.optional_entries("slots")
    }
    steps = {
        step_id: _step(step_id, node, choices, line_ids) for step_id, node in doc["steps"].entries()
    }
    for step_id, node in doc["steps"].entries():
        _check_targets(steps[step_id], node, steps, choices, slots)
    for key in ("start", "fallback", "on_cancel"):
        target = doc.optional_text(key)
        if target is not None and target not in steps:
            raise doc[key].fail(f"names no step: {target!r}")
    return Flow(
        id=doc["id"].text(),
        start=doc["start"].text(),
        steps=steps,
        slots=slots,
        fallback=doc.optional_text("fallback"),
        on_cancel=doc.optional_text("on_cancel"),
    )


def _step(
    step_id: str, node: Node, choices: dict[str, ChoiceSet], line_ids: frozenset[str] | None
) -> Step:
    if node.has("ask"):
        return AskStep(
            id=step_id,
            choices=_choice_ref(node["ask"], choices),
            prompt=node["prompt"].text(),
            next={option: target.text() for option, target in node["next"].entries()},
            otherwise=node.optional_text("otherwise"),
            notices=node.optional_texts("notices"),
        )
    if node.has("answer"):
        for key in ("lines", "japanese_lines"):
            for item in node.optional_items(key):
                _check_line(item, line_ids)
        for line_id, keys in node.optional_entries("line_notices"):
            _check_line(Node(keys.file, keys.key, line_id), line_ids)
        return AnswerStep(
            id=step_id,
            message=node["answer"].text(),
            lines=node.optional_texts("lines"),
            japanese_lines=node.optional_texts("japanese_lines"),
            japanese_notice=node.optional_text("japanese_notice"),
            need=_need(node.get("need")),
            notices=node.optional_texts("notices"),
            line_notices={
                line_id: keys.texts() for line_id, keys in node.optional_entries("line_notices")
            },
            requires=node.optional_texts("requires"),
            followups=node.optional_texts("followups"),
        )
    if node.has("input"):
        return InputStep(
            id=step_id,
            slot=node["input"].text(),
            prompt=node["prompt"].text(),
            validate=_named(node["validate"], VALIDATORS),
            next=node["next"].text(),
            only_if={key: value.text() for key, value in node.optional_entries("only_if")},
        )
    if node.has("action"):
        return ActionStep(
            id=step_id,
            action=_named(node["action"], ACTIONS),
            message=node.optional_text("message"),
            next=node.optional_text("next"),
            followups=node.optional_texts("followups"),
        )
    if node.has("handover"):
        return HandoverStep(id=step_id, flow=node["handover"].text())
    raise node.fail("is none of ask, answer, input, action, handover")


def _check_targets(
    step: Step,
    node: Node,
    steps: dict[str, Step],
    choices: dict[str, ChoiceSet],
    slots: dict[str, SlotSpec],
) -> None:
    match step:
        case AskStep():
            options = {option.id for option in choices[step.choices].options}
            for option, target in node["next"].entries():
                if option not in options:
                    raise target.fail(f"{step.choices!r} has no option {option!r}")
                if target.text() not in steps:
                    raise target.fail(f"names no step: {target.value!r}")
            missing = options - set(step.next) if step.otherwise is None else set()
            if missing - {o.id for o in choices[step.choices].options if not o.menu}:
                raise node["next"].fail(f"no step for options {sorted(missing)}")
            if step.otherwise is not None and step.otherwise not in steps:
                raise node["otherwise"].fail(f"names no step: {step.otherwise!r}")
        case AnswerStep():
            for index, slot in enumerate(step.requires):
                if slot not in slots:
                    raise DataError(node.file, f"{node.key}.requires[{index}]", f"no slot {slot!r}")
            after = {option.id for option in choices["after_answer"].options}
            for index, followup in enumerate(step.followups):
                if followup not in after:
                    raise DataError(
                        node.file,
                        f"{node.key}.followups[{index}]",
                        f"not an after_answer option: {followup!r}",
                    )
        case InputStep() | ActionStep() if step.next is not None and step.next not in steps:
            raise node["next"].fail(f"names no step: {step.next!r}")
        case ActionStep() if step.next is None and step.message is None:
            raise node.fail("an action that ends the flow needs a message")
        case _:
            pass


def _check_line(node: Node, line_ids: frozenset[str] | None) -> None:
    if line_ids is not None and node.text() not in line_ids:
        raise node.fail(f"names no knowledge line: {node.value!r}")


def _choice_ref(node: Node, choices: dict[str, ChoiceSet]) -> str:
    name = node.text()
    if name not in choices:
        raise node.fail(f"names no choice set: {name!r} ({CHOICES_FILE} has {sorted(choices)})")
    return name


def _named(node: Node, allowed: frozenset[str]) -> str:
    name = node.text()
    if name not in allowed:
        raise node.fail(f"must be one of {sorted(allowed)}")
    return name


def _flag(node: Node, name: str, *, default: bool) -> bool:
    child = node.get(name)
    return default if child is None else child.of(bool)


def _need(node: Node | None) -> Need:
    if node is None:
        return Need.REGULAR
    try:
        return Need(node.text())
    except ValueError as exc:
        raise node.fail(f"must be one of {[need.value for need in Need]}") from exc
