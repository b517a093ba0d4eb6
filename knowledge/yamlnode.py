"""Typed, path-aware access to parsed YAML, so that every data error names its file and key.

Shared by the knowledge and flow loaders.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, TypeVar

import yaml

from common.errors import DataError

T = TypeVar("T")
# libyaml's loader where PyYAML was built with it (its wheels are): start-up reads every data
# file, and the pure-Python parser spends ten times as long on them.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class Node:
    """A value inside a YAML document, with the path that leads to it."""

    __slots__ = ("file", "key", "value")

    def __init__(self, file: str, key: str, value: Any) -> None:
        self.file = file
        self.key = key
        self.value = value

    @classmethod
    def load(cls, path: Path) -> Node:
        try:
            value = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)
        except OSError as exc:
            raise DataError(path.name, "", f"cannot be read ({exc.strerror})") from exc
        except yaml.YAMLError as exc:
            raise DataError(path.name, "", f"is not valid YAML: {exc}") from exc
        return cls(path.name, "", value)

    def fail(self, problem: str) -> DataError:
        return DataError(self.file, self.key, problem)

    def _child_key(self, part: str | int) -> str:
        if isinstance(part, int):
            return f"{self.key}[{part}]"
        return f"{self.key}.{part}" if self.key else part

    def has(self, name: str) -> bool:
        return isinstance(self.value, dict) and name in self.value

    def __getitem__(self, name: str) -> Node:
        mapping = self.of(dict)
        if name not in mapping:
            raise DataError(self.file, self._child_key(name), "is missing")
        return Node(self.file, self._child_key(name), mapping[name])

    def get(self, name: str) -> Node | None:
        return self[name] if self.has(name) else None

    def optional_text(self, name: str) -> str | None:
        """The text under ``name``, or None where the key is absent."""
        child = self.get(name)
        return child.text() if child is not None else None

    def optional_texts(self, name: str) -> tuple[str, ...]:
        """The text or texts under ``name``; empty where the key is absent."""
        child = self.get(name)
        return child.texts() if child is not None else ()

    def optional_items(self, name: str) -> list[Node]:
        child = self.get(name)
        return list(child.items()) if child is not None else []

    def optional_entries(self, name: str) -> list[tuple[str, Node]]:
        child = self.get(name)
        return list(child.entries()) if child is not None else []

    def of(self, kind: type[T]) -> T:
        if not isinstance(self.value, kind) or (kind is int and isinstance(self.value, bool)):
            raise self.fail(f"must be a {kind.__name__}, not {type(self.value).__name__}")
        return self.value

    def text(self) -> str:
        value = self.of(str).strip()
        if not value:
            raise self.fail("must not be empty")
        return value

    def texts(self) -> tuple[str, ...]:
        """A string or a list of strings, as a tuple."""
        if isinstance(self.value, str):
            return (self.text(),)
        return tuple(item.text() for item in self.items())

    def items(self) -> Iterator[Node]:
        for index, item in enumerate(self.of(list)):
            yield Node(self.file, self._child_key(index), item)

    def entries(self) -> Iterator[tuple[str, Node]]:
        for name, item in self.of(dict).items():
            yield str(name), Node(self.file, self._child_key(str(name)), item)

    def walk(self) -> Iterator[Node]:
        """This node and every node below it, depth first."""
        yield self
        if isinstance(self.value, dict):
            for _, child in self.entries():
                yield from child.walk()
        elif isinstance(self.value, list):
            for child in self.items():
                yield from child.walk()
