"""Settings: what each part of the bot reads from the environment, declared as data, read and
checked once at start.

A :class:`Setting` names its variable, how its text is read and what it defaults to; the parts
declare theirs (the storage's, each channel's) and :meth:`Settings.read` reads them all from a
mapping (the environment, with ``.env`` under it), collecting every bad value before failing
with one line for each. Parts then ask for typed values: ``settings.get(TOKEN)``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar, cast

from common.errors import SettingsError

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Setting(Generic[T]):
    """One variable: ``parse`` turns its text into the value (raising ValueError, whose message
    says what was expected); an empty variable is unset. ``secret``: never shown."""

    name: str
    help: str
    parse: Callable[[str], T]
    default: T | None = None
    secret: bool = False


def text(name: str, help: str, *, default: str | None = None, secret: bool = False) -> Setting[str]:
    return Setting(name, help, str, default, secret)


def number(name: str, help: str, *, default: float, minimum: float = 0.0) -> Setting[float]:
    def parse(raw: str) -> float:
        try:
            value = float(raw)
        except ValueError:
            raise ValueError(f"{raw!r} is not a number") from None
        if not value >= minimum:  # also refuses nan
            raise ValueError(f"{raw!r} is below {minimum:g}")
        return value

    return Setting(name, help, parse, default)


def whole(name: str, help: str, *, default: int, minimum: int = 0) -> Setting[int]:
    def parse(raw: str) -> int:
        try:
            value = int(raw)
        except ValueError:
            raise ValueError(f"{raw!r} is not a whole number") from None
        if value < minimum:
            raise ValueError(f"{raw!r} is below {minimum}")
        return value

    return Setting(name, help, parse, default)


def listing(name: str, help: str) -> Setting[tuple[str, ...]]:
    """Comma-separated values, blanks dropped."""
    return Setting(
        name, help, lambda raw: tuple(part.strip() for part in raw.split(",") if part.strip()), ()
    )


@dataclass(frozen=True)
class Settings:
    """The values read, by variable name; unset ones are absent (their default applies)."""

    values: Mapping[str, object] = field(default_factory=dict)

    @classmethod
    def read(cls, environ: Mapping[str, str], declared: Iterable[Setting[Any]]) -> Settings:
        """Every declared setting from ``environ``.

        Raises:
            SettingsError: with one sentence for each value that could not be read.
        """
        values: dict[str, object] = {}
        problems = []
        for setting in declared:
            raw = (environ.get(setting.name) or "").strip()
            if not raw:
                continue
            try:
                values[setting.name] = setting.parse(raw)
            except ValueError as exc:
                shown = "" if setting.secret else f" ({exc})"
                problems.append(f"{setting.name}: cannot be read{shown}; {setting.help}")
        if problems:
            raise SettingsError(problems)
        return cls(values)

    def get(self, setting: Setting[T]) -> T | None:
        if setting.name in self.values:
            return cast(T, self.values[setting.name])
        return setting.default

    def given(self, setting: Setting[Any]) -> bool:
        """Whether ``setting`` has a value that is not empty (its default counts)."""
        return self.get(setting) not in (None, "", ())

    def require(self, setting: Setting[T]) -> T:
        """The value, which the caller has checked is set (see :meth:`missing`)."""
        value = self.get(setting)
        if value is None:
            raise SettingsError([f"{setting.name} is not set: {setting.help}"])
        return value

    def missing(self, *settings: Setting[Any]) -> list[str]:
        """A sentence for each of ``settings`` that is not set."""
        return [
            f"{setting.name} is not set: {setting.help}"
            for setting in settings
            if self.get(setting) in (None, "")
        ]

    def with_values(self, **values: object) -> Settings:
        """A copy with these variables set (a command's options over the environment's)."""
        return Settings({**self.values, **values})
