"""Slack's text in and Block Kit out: the only place that knows Slack's markup.

Outbound, every text the engine returns is escaped for mrkdwn (``&``, ``<``, ``>``), because
replies quote what users typed; a user who types ``<!channel>`` must not ping a channel.
Inbound, Slack's markup (``<mailto:a@b.jp|a@b.jp>``, ``&lt;``) is turned back into what the
user typed, so that an e-mail address reaches the engine as an address.
"""

from __future__ import annotations

import re
from typing import Any

from bot.messages import Button, Reply

Block = dict[str, Any]

SECTION_LIMIT = 3000  # characters in one section's text
BUTTON_LABEL_LIMIT = 75
BUTTONS_PER_BLOCK = 25
CHOICE_ACTION = "choice-"  # action_id prefix of the engine's buttons: choice-0, choice-1, ...
CHOICE_PATTERN = re.compile(rf"^{CHOICE_ACTION}\d+$")

_MARKUP = re.compile(r"<([^<>]*)>")


def escape(text: str) -> str:
    """``text`` made literal in mrkdwn: Slack's three control characters as entities."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def unescape(text: str) -> str:
    """The inverse of :func:`escape` (``&amp;`` last, so ``&amp;lt;`` stays ``&lt;``)."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def plain_text(text: str, *, drop_user: str | None = None) -> str:
    """What the user typed, from the text Slack delivers.

    Links and e-mail addresses become their label, ``<@U1|ann>`` ``@ann``, ``<#C1|news>``
    ``#news``, ``<!here>`` ``@here``; a mention of ``drop_user`` (the bot itself) is removed.
    """

    def replace(found: re.Match[str]) -> str:
        target, _, label = found.group(1).partition("|")
        if drop_user and target == f"@{drop_user}":
            return ""
        if target[:1] in "@#":
            return target[0] + label if label else target
        if target.startswith("!"):
            return label or "@" + target[1:].split("^", 1)[0]
        return label or target

    return unescape(_MARKUP.sub(replace, text)).strip()


def message(reply: Reply) -> dict[str, Any]:
    """``text`` (notifications, screen readers) and ``blocks`` for chat.postMessage & co."""
    return {"text": escape(reply.text), "blocks": reply_blocks(reply)}


def reply_blocks(reply: Reply) -> list[Block]:
    """The reply's text as mrkdwn sections, then its buttons (value = the engine's payload)."""
    blocks = sections(reply.text)
    buttons = [_button(index, button) for index, button in enumerate(reply.buttons)]
    for start in range(0, len(buttons), BUTTONS_PER_BLOCK):
        blocks.append({"type": "actions", "elements": buttons[start : start + BUTTONS_PER_BLOCK]})
    return blocks


def section(text: str) -> Block:
    """A section of plain text, escaped here: callers pass text as the user should read it."""
    return {"type": "section", "text": {"type": "mrkdwn", "text": escape(text)}}


def sections(text: str) -> list[Block]:
    """``text`` as as many sections as Slack's length limit needs, cut at line ends."""
    return [section(chunk) for chunk in _chunks(text)]


def preformatted(text: str) -> list[Block]:
    """A table or other fixed-width text, as code blocks within Slack's length limit."""
    return [
        {"type": "section", "text": {"type": "mrkdwn", "text": f"```{escape(chunk)}```"}}
        for chunk in _chunks(text, SECTION_LIMIT - 6)
    ]


def button(label: str, action_id: str, value: str, *, style: str | None = None) -> Block:
    """A Block Kit button; labels longer than Slack allows are cut with an ellipsis."""
    if len(label) > BUTTON_LABEL_LIMIT:
        label = label[: BUTTON_LABEL_LIMIT - 1] + "…"
    element: Block = {
        "type": "button",
        "text": {"type": "plain_text", "text": label},
        "action_id": action_id,
        "value": value,
    }
    if style:
        element["style"] = style
    return element


def _button(index: int, choice: Button) -> Block:
    # action_id must be unique within a message; the payload travels as the value.
    return button(choice.label, f"{CHOICE_ACTION}{index}", choice.payload)


def _chunks(text: str, limit: int = SECTION_LIMIT) -> list[str]:
    """``text`` cut at line ends into pieces whose escaped form fits ``limit``."""
    chunks: list[str] = []
    current = ""
    for line in text.split("\n"):
        candidate = f"{current}\n{line}" if current else line
        if len(escape(candidate)) <= limit:
            current = candidate
            continue
        if current:
            chunks.append(current)
        current = ""
        while len(escape(line)) > limit:  # one line longer than a section: cut it anywhere
            cut = limit
            while len(escape(line[:cut])) > limit:
                cut -= 1
            chunks.append(line[:cut])
            line = line[cut:]
        current = line
    if current or not chunks:
        chunks.append(current or " ")  # Slack refuses an empty section
    return chunks
