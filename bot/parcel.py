"""A turn's replies as the outbox keeps them until the platform has them: JSON, so that any
worker can send what another one committed, and with the address the channel gave."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot import jsontext
from bot.messages import Button, PhoneCard, Reply, StatusLine
from knowledge.hours import Status


@dataclass(frozen=True, slots=True)
class Parcel:
    """Replies waiting in the outbox: ``address`` is the channel's own (opaque to the bot);
    ``attempts`` counts the sends tried by a pump, the first one after the turn not included."""

    id: int
    channel: str
    address: str
    replies: tuple[Reply, ...]
    created_at: datetime
    attempts: int = 0


def dump_replies(replies: tuple[Reply, ...]) -> str:
    return jsontext.dumps([_reply(reply) for reply in replies])


def load_replies(text: str) -> tuple[Reply, ...]:
    """The replies :func:`dump_replies` wrote. Raises ValueError for anything else."""
    try:
        items = jsontext.loads(text)
        if not isinstance(items, list):
            raise TypeError("not a list")
        return tuple(_read_reply(item) for item in items)
    except (TypeError, KeyError, AttributeError) as exc:
        raise ValueError(f"not a parcel's replies: {exc}") from exc


def _reply(reply: Reply) -> dict[str, Any]:
    return {
        "text": reply.text,
        "buttons": [[button.label, button.payload] for button in reply.buttons],
        "phones": [_phone(card) for card in reply.phones],
    }


def _phone(card: PhoneCard) -> dict[str, Any]:
    return {
        "line": card.line,
        "number": card.number,
        "name": card.name,
        "charge": card.charge,
        "note": card.note,
        "statuses": [
            {
                "text": line.text,
                "languages": list(line.languages),
                "open": line.status.open,
                "closes_at": _time(line.status.closes_at),
                "opens_at": _time(line.status.opens_at),
            }
            for line in card.statuses
        ],
    }


def _read_reply(item: dict[str, Any]) -> Reply:
    return Reply(
        text=str(item["text"]),
        buttons=tuple(Button(str(label), str(payload)) for label, payload in item["buttons"]),
        phones=tuple(_read_phone(card) for card in item["phones"]),
    )


def _read_phone(card: dict[str, Any]) -> PhoneCard:
    return PhoneCard(
        line=card["line"],
        number=card["number"],
        name=card["name"],
        charge=card["charge"],
        note=card["note"],
        statuses=tuple(
            StatusLine(
                text=line["text"],
                status=Status(
                    open=line["open"],
                    closes_at=_read_time(line["closes_at"]),
                    opens_at=_read_time(line["opens_at"]),
                ),
                languages=tuple(line["languages"]),
            )
            for line in card["statuses"]
        ),
    )


def _time(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _read_time(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text is not None else None
