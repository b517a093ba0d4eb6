"""The bot's exceptions: one tree, so that a caller can catch the bot's own failures apart from
everyone else's, and each kind where it is handled.

::

    MynumberBotError
    ├── DataError                a data file that does not fit (knowledge, flows, a transcript,
    │   │                        .env): names the file and the key or line; commands exit 2
    │   └── EnvFileError         a line of .env that is not NAME=value
    ├── SettingsError            settings that cannot run the bot, each bad value in one line;
    │                            commands exit 2 before starting anything
    ├── StorageError             the store failed the turn
    │   ├── StorageUnavailable   cannot be reached now: the service answers without it
    │   ├── StorageConflict      a write clashed: the service runs the turn again
    │   └── SchemaOutdated       migrations to run first: commands exit 2 saying which
    ├── StaleState               a stored state that no longer fits the flows: started afresh
    └── Refused                  a platform will not take this reply, now or later: dropped

Third-party errors are translated at the boundary that meets them (``raise ... from exc``):
the SQL store turns the driver's into StorageError, each channel's sender its platform's
permanent refusals into Refused. Only adapters catch broadly, log, and answer with an apology.
"""

from __future__ import annotations


class MynumberBotError(Exception):
    """The root: every failure the bot itself names."""


class DataError(MynumberBotError, ValueError):
    """A data file that cannot be used, with the file and the key at fault."""

    def __init__(self, file: str, key: str, problem: str) -> None:
        super().__init__(f"{file}: {key or '<top>'}: {problem}")
        self.file = file
        self.key = key
        self.problem = problem


class EnvFileError(DataError):
    """A line of a ``.env`` file that is not a setting; ``key`` is the line's number."""

    def __init__(self, file: str, line: int, problem: str) -> None:
        MynumberBotError.__init__(self, f"{file}:{line}: {problem}")
        self.file, self.key, self.problem = file, str(line), problem


class SettingsError(MynumberBotError):
    """Settings the bot cannot run with; ``problems``: one sentence per bad or missing value."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


class StorageError(MynumberBotError):
    """The store failed what the turn asked of it."""


class StorageUnavailable(StorageError):
    """The store cannot be reached now; raised by stores, handled by the service.
    ``reason``: the driver's own words, in one line, for an operator to act on."""

    def __init__(self, message: str, *, reason: str = "") -> None:
        super().__init__(message)
        self.reason = reason or message


class StorageConflict(StorageError):
    """The turn's writes clashed with data already stored (a drawn reference taken, another
    worker's write); the service runs the turn again."""


class SchemaOutdated(StorageError):
    """The store's schema is not the one this version needs: a migration is to be run."""


class StaleState(MynumberBotError, LookupError):
    """A stored state that reached a step without what that step needs (an older version's):
    the engine starts such a conversation afresh at the menu."""


class Refused(MynumberBotError):
    """The platform will not take this reply, now or later."""
