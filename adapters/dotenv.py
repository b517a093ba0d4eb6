"""Settings from a ``.env`` file in the working directory, under the environment's.

The file is what ``.env.example`` documents: ``NAME=value`` lines, ``#`` comments, blank lines,
an optional ``export`` before the name, values in single quotes (taken as written) or double
quotes (``\\n``, ``\\"`` and ``\\\\`` escapes), or bare (trimmed, a `` #`` starting a comment). A
variable already in the environment keeps its value: the environment wins, so that a
deployment's settings are never overridden by a file left in the folder.
"""

from __future__ import annotations

import re
from collections.abc import MutableMapping
from pathlib import Path

from common.errors import EnvFileError

DEFAULT_PATH = Path(".env")
_LINE = re.compile(r"(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)")
_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}


def read_env_file(path: Path) -> dict[str, str]:
    """The settings of ``path``, in order.

    Raises:
        EnvFileError: naming the file and the line.
    """
    settings: dict[str, str] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        match = _LINE.fullmatch(stripped)
        if match is None:
            raise EnvFileError(str(path), number, "not a NAME=value setting")
        name, raw = match.groups()
        try:
            settings[name] = _value(raw)
        except ValueError as exc:
            raise EnvFileError(str(path), number, f"{name}: {exc}") from exc
    return settings


def load_env_file(environ: MutableMapping[str, str], path: Path = DEFAULT_PATH) -> dict[str, str]:
    """Add the file's settings that ``environ`` lacks; those added. A missing file adds none."""
    if not path.is_file():
        return {}
    added = {name: value for name, value in read_env_file(path).items() if name not in environ}
    environ.update(added)
    return added


def _value(raw: str) -> str:
    if raw[:1] == "'":
        end = raw.find("'", 1)
        if end < 0:
            raise ValueError("the quote is not closed")
        _only_comment_after(raw[end + 1 :])
        return raw[1:end]
    if raw[:1] == '"':
        return _double_quoted(raw)
    return raw.split(" #", 1)[0].strip()


def _double_quoted(raw: str) -> str:
    out: list[str] = []
    index = 1
    while index < len(raw):
        char = raw[index]
        if char == '"':
            _only_comment_after(raw[index + 1 :])
            return "".join(out)
        if char == "\\" and index + 1 < len(raw):
            following = raw[index + 1]
            out.append(_ESCAPES.get(following, "\\" + following))
            index += 2
            continue
        out.append(char)
        index += 1
    raise ValueError("the quote is not closed")


def _only_comment_after(rest: str) -> None:
    rest = rest.strip()
    if rest and not rest.startswith("#"):
        raise ValueError("text after the closing quote")
