"""The engine, flows and knowledge stay pure: no channel SDK, no web or database library."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORE = ("bot", "flows", "knowledge")
FORBIDDEN = (
    "telegram",
    "slack_bolt",
    "slack_sdk",
    "aiohttp",
    "httpx",
    "sqlalchemy",
    "starlette",
    "uvicorn",
    "adapters",
)


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


CORE_FILES = sorted(path for package in CORE for path in (ROOT / package).rglob("*.py"))


@pytest.mark.parametrize("path", CORE_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_core_module_imports_no_channel_or_storage_library(path):
    bad = {
        name
        for name in _imports(path)
        if any(name == f or name.startswith(f + ".") for f in FORBIDDEN)
    }
    assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)}"


def test_the_check_sees_the_core():
    # If the walk found nothing, the parametrized test above would pass vacuously.
    assert {p.parent.name for p in CORE_FILES} >= set(CORE)
    assert any(p.name == "engine.py" for p in CORE_FILES)
