"""Flow definitions as frozen objects, built by :mod:`flows.loader` from the YAML files."""

from __future__ import annotations

from dataclasses import dataclass, field

from knowledge.model import Need


@dataclass(frozen=True, slots=True)
class Option:
    id: str
    label: str
    synonyms: dict[str, tuple[str, ...]] = field(hash=False, compare=False)
    menu: bool = True
    priority: int = 0

    def phrases(self) -> tuple[str, ...]:
        """Every synonym in every language, and the id itself."""
        return (self.id, *(phrase for phrases in self.synonyms.values() for phrase in phrases))


@dataclass(frozen=True, slots=True)
class ChoiceSet:
    id: str
    options: tuple[Option, ...]
    extract: bool = False
    strict: bool = False

    def option(self, option_id: str) -> Option | None:
        return next((option for option in self.options if option.id == option_id), None)

    @property
    def menu_options(self) -> tuple[Option, ...]:
        return tuple(option for option in self.options if option.menu)


@dataclass(frozen=True, slots=True)
class SlotSpec:
    """How to ask for a slot that an answer requires."""

    name: str
    choices: str
    prompt: str


@dataclass(frozen=True, slots=True)
class AskStep:
    """Asks for one option of a choice set; stores it as the slot named after the set.

    ``otherwise``, where set, is where any answer that is not an option leads (consent: anything
    but yes declines); without it such an answer is re-asked.
    """

    id: str
    choices: str
    prompt: str
    next: dict[str, str] = field(hash=False, compare=False)
    otherwise: str | None = None
    notices: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class AnswerStep:
    id: str
    message: str
    lines: tuple[str, ...] = ()
    japanese_lines: tuple[str, ...] = ()
    japanese_notice: str | None = None
    need: Need = Need.REGULAR
    notices: tuple[str, ...] = ()
    line_notices: dict[str, tuple[str, ...]] = field(
        default_factory=dict, hash=False, compare=False
    )
    requires: tuple[str, ...] = ()
    followups: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class InputStep:
    """Asks for free text, checked by a named validator, stored in ``slot``."""

    id: str
    slot: str
    prompt: str
    validate: str
    next: str
    only_if: dict[str, str] = field(default_factory=dict, hash=False, compare=False)


@dataclass(frozen=True, slots=True)
class ActionStep:
    """Runs a named effect of the engine (e.g. sending the inquiry).

    With ``next`` the flow goes on there; without, the flow ends: ``message`` is said with the
    ``followups`` as buttons, and the conversation is back at the main flow's start.
    """

    id: str
    action: str
    message: str | None = None
    next: str | None = None
    followups: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class HandoverStep:
    id: str
    flow: str


Step = AskStep | AnswerStep | InputStep | ActionStep | HandoverStep


@dataclass(frozen=True, slots=True)
class Flow:
    id: str
    start: str
    steps: dict[str, Step] = field(hash=False, compare=False)
    slots: dict[str, SlotSpec] = field(default_factory=dict, hash=False, compare=False)
    fallback: str | None = None
    on_cancel: str | None = None


@dataclass(frozen=True, slots=True)
class FlowSet:
    """Every flow and choice set; ``main`` is where conversations start."""

    flows: dict[str, Flow] = field(hash=False, compare=False)
    choices: dict[str, ChoiceSet] = field(hash=False, compare=False)
    negations: dict[str, tuple[str, ...]] = field(default_factory=dict, hash=False, compare=False)
    written_words: dict[str, frozenset[str]] = field(
        default_factory=dict, hash=False, compare=False
    )
    main: str = "main"

    def step(self, flow: str, step: str) -> Step | None:
        found = self.flows.get(flow)
        return found.steps.get(step) if found else None

    def message_keys(self) -> set[str]:
        """Every message key the flows name, for the catalog completeness check."""
        keys = {option.label for choice in self.choices.values() for option in choice.options}
        for flow in self.flows.values():
            keys |= {slot.prompt for slot in flow.slots.values()}
            for step in flow.steps.values():
                match step:
                    case AskStep():
                        keys |= {step.prompt, *step.notices}
                    case AnswerStep():
                        keys |= {step.message, *step.notices}
                        keys |= {key for keys_ in step.line_notices.values() for key in keys_}
                        if step.japanese_notice:
                            keys.add(step.japanese_notice)
                    case InputStep():
                        keys.add(step.prompt)
                    case ActionStep() if step.message:
                        keys.add(step.message)
        return keys
