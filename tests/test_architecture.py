"""Dependencies point one way: bot → handlers → storage, nlp (STYLE.md)."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PROJECT = {"bot", "handlers", "storage", "nlp"}
CHANNEL_LIBRARIES = {"aiogram", "telegram", "aiohttp", "httpx", "starlette", "fastapi", "zalo_bot", "pyzalo"}
FORBIDDEN = {
    "handlers": {"bot"} | CHANNEL_LIBRARIES,
    "storage": {"bot", "handlers", "nlp"} | CHANNEL_LIBRARIES,
    "nlp": {"bot", "handlers", "storage"} | CHANNEL_LIBRARIES,
}


def imported_roots(path: Path) -> set[str]:
    """Top-level package names a module imports (anywhere in the file)."""
    roots = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_imports_only_what_it_may(package: str) -> None:
    offenders = {
        str(path.relative_to(ROOT)): sorted(imported_roots(path) & FORBIDDEN[package])
        for path in (ROOT / package).rglob("*.py")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_the_checker_sees_a_forbidden_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    from aiogram import Bot\n    import bot.app\n")
    assert imported_roots(bad) >= {"aiogram", "bot"}
