"""The shape of the house, read from every import (at any depth: in functions and under
TYPE_CHECKING too): the core imports no SDK and no database layer, the packages stand in
layers, no channel imports another, the runtime never imports the test kits, and no module
imports itself back through others."""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import pytest

from adapters.registry import CHANNELS

ROOT = Path(__file__).resolve().parents[1]
PRODUCT = ("common", "knowledge", "flows", "bot", "adapters", "testkit")
CORE = ("common", "knowledge", "flows", "bot")
# What each package may import of the project: the layers, bottom up.
ALLOWED = {
    "common": set(),
    "knowledge": {"common"},
    "flows": {"common", "knowledge"},
    "bot": {"common", "knowledge", "flows"},
    "adapters": {"common", "knowledge", "flows", "bot"},
    "testkit": {"common", "knowledge", "flows", "bot", "adapters"},
}
# The one runtime module above the test kits: the command line's `replay` runs them.
KIT_USERS = {"adapters.commands"}
FORBIDDEN_IN_CORE = (
    "telegram",
    "slack_bolt",
    "slack_sdk",
    "linebot",
    "aiohttp",
    "httpx",
    "sqlalchemy",
    "alembic",
    "psycopg",
    "starlette",
    "uvicorn",
)


def _module(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@cache
def modules() -> dict[str, Path]:
    return {
        _module(path): path
        for package in PRODUCT
        for path in sorted((ROOT / package).rglob("*.py"))
        if "migrations" not in path.parts
    }


@cache
def imports(module: str) -> frozenset[str]:
    """Every module ``module`` imports, anywhere in it, by its full name."""
    tree = ast.parse(modules()[module].read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            # `from adapters import commands` imports the module adapters.commands
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return frozenset(found)


def project_imports(module: str) -> set[str]:
    return {name for name in imports(module) if name in modules() and name != module}


def _package(module: str) -> str:
    return module.split(".", 1)[0]


@pytest.mark.parametrize("module", sorted(m for m in modules() if _package(m) in CORE))
def test_the_core_imports_no_sdk_web_or_database_library(module: str) -> None:
    bad = {
        name
        for name in imports(module)
        if any(name == lib or name.startswith(lib + ".") for lib in FORBIDDEN_IN_CORE)
    }
    assert not bad, f"{module} imports {sorted(bad)}"


@pytest.mark.parametrize("module", sorted(modules()))
def test_each_package_imports_only_the_layers_below_it(module: str) -> None:
    package = _package(module)
    allowed = ALLOWED[package] | ({"testkit"} if module in KIT_USERS else set())
    above = {
        name
        for name in project_imports(module)
        if _package(name) != package and _package(name) not in allowed
    }
    assert not above, f"{module} imports {sorted(above)}: {package} may not"


def _channel_package(module: str) -> str | None:
    parts = module.split(".")
    names = {channel.name for channel in CHANNELS}
    return parts[1] if len(parts) > 1 and parts[0] == "adapters" and parts[1] in names else None


@pytest.mark.parametrize("module", sorted(m for m in modules() if _channel_package(m)))
def test_no_channel_imports_another(module: str) -> None:
    own = _channel_package(module)
    others = {name for name in project_imports(module) if _channel_package(name) not in (None, own)}
    assert not others, f"{module} imports another channel: {sorted(others)}"


def test_there_is_no_import_circle() -> None:
    """Tarjan's strongly connected components over every import of the product."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for other in project_imports(module):
            if other not in index:
                visit(other)
                low[module] = min(low[module], low[other])
            elif other in on_stack:
                low[module] = min(low[module], index[other])
        if low[module] == index[module]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == module:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for module in sorted(modules()):
        if module not in index:
            visit(module)
    assert circles == [], f"import circles: {circles}"


def test_the_checks_see_the_house() -> None:
    # Were the walk to find nothing, every test above would pass vacuously.
    found = {_package(module) for module in modules()}
    assert found == set(PRODUCT)
    assert "adapters.telegram.channel" in modules() and "bot.engine" in modules()
    assert "bot.turn" in project_imports("bot.engine")
    assert {_channel_package(m) for m in modules()} >= {"telegram", "slack", "console"}
