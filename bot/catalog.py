"""User-facing text: gettext catalogs (``flows/locale/<lang>/LC_MESSAGES/messages.po``).

Message ids are keys (``answer.lost_card``); English is complete and is the fallback for any key
a language lacks, so a catalog that is still being translated never leaves the user without text.
Placeholders are Python format fields (``{number}``), flagged python-brace-format for translators.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from pathlib import Path

from babel.messages.pofile import read_po

import flows

LOCALE_DIR = Path(flows.__file__).resolve().parent / "locale"
DOMAIN = "messages"
FALLBACK = "en"


class Catalog:
    """Looks up and formats messages by key and language."""

    def __init__(self, messages: dict[str, dict[str, str]]) -> None:
        if FALLBACK not in messages:
            raise ValueError(f"the {FALLBACK} catalog is required")
        self._messages = messages

    @classmethod
    def load(cls, directory: Path = LOCALE_DIR, *, domain: str = DOMAIN) -> Catalog:
        """Read every ``<lang>/LC_MESSAGES/<domain>.po`` under ``directory``.

        ``messages`` holds what residents read, in every language; ``staff`` what only staff
        read (Slack staff posts and commands), in English and Japanese.
        """
        messages: dict[str, dict[str, str]] = {}
        for path in sorted(directory.glob(f"*/LC_MESSAGES/{domain}.po")):
            with path.open("rb") as handle:
                catalog = read_po(handle, locale=None)
            messages[path.parent.parent.name] = {
                str(message.id): str(message.string)
                for message in catalog
                if message.id and message.string and not message.fuzzy
            }
        return cls(messages)

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(self._messages)

    def keys(self, language: str = FALLBACK) -> set[str]:
        return set(self._messages.get(language, {}))

    def raw(self, language: str, key: str) -> str:
        """The message as written, falling back to English.

        Raises:
            KeyError: the key is not in the English catalog either (a flow names a missing key).
        """
        found = self._messages.get(language, {}).get(key)
        if found is None:
            found = self._messages[FALLBACK][key]
        return found

    def text(self, language: str, key: str, /, **params: object) -> str:
        """The formatted message; literal braces are written doubled in the catalogs."""
        return self.format(language, key, params)

    def format(self, language: str, key: str, params: Mapping[str, object]) -> str:
        """As :meth:`text`, with the parameters as a mapping (a ChainMap of several, say)."""
        return self.raw(language, key).format_map(params)


def placeholders(message: str) -> set[str]:
    """The format fields a message uses, for checking translations against English."""
    return {name for _, name, _, _ in string.Formatter().parse(message) if name}
