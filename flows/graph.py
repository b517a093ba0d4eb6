"""`mynumber-bot flows graph`: the flows as a Mermaid flowchart, for the README and reviewers."""

from __future__ import annotations

from flows.model import ActionStep, AnswerStep, AskStep, FlowSet, HandoverStep, InputStep, Step


def _node(flow: str, step: str) -> str:
    return f"{flow}_{step}".replace("-", "_")


def _shape(step: Step) -> str:
    match step:
        case AskStep():
            return f'{{"{step.id}<br/>ask {step.choices}"}}'
        case AnswerStep():
            lines = ", ".join(step.lines) or "no number"
            return f'["{step.id}<br/>{lines}"]'
        case InputStep():
            return f'[/"{step.id}<br/>input {step.slot}"/]'
        case ActionStep():
            return f'[["{step.id}<br/>{step.action}"]]'
        case HandoverStep():
            return f'(("{step.flow}"))'


def mermaid(flows: FlowSet) -> str:
    rows = ["flowchart TD"]
    for flow in flows.flows.values():
        rows.append(f"  subgraph {flow.id}")
        for step in flow.steps.values():
            rows.append(f"    {_node(flow.id, step.id)}{_shape(step)}")
        rows.append("  end")
        for step in flow.steps.values():
            source = _node(flow.id, step.id)
            match step:
                case AskStep():
                    for option, target in step.next.items():
                        rows.append(f"  {source} -->|{option}| {_node(flow.id, target)}")
                    if step.otherwise:
                        rows.append(f"  {source} -.->|other| {_node(flow.id, step.otherwise)}")
                case InputStep():
                    rows.append(f"  {source} --> {_node(flow.id, step.next)}")
                case ActionStep() if step.next:
                    rows.append(f"  {source} --> {_node(flow.id, step.next)}")
                case HandoverStep():
                    handed = flows.flows[step.flow]
                    rows.append(f"  {source} --> {_node(handed.id, handed.start)}")
                case _:
                    pass
    return "\n".join(rows)
