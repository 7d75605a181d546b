"""aiogram imported through bot/channels/aiogram_lazy.py: schemas wait for first use, then match aiogram's own."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent

# Run in a fresh interpreter: the test session has long imported aiogram the usual way.
PROBE = r"""
import json, sys
if sys.argv[1] == "lazy":
    import bot.channels.telegram_aiogram  # noqa: F401 - imports aiogram through bot.channels.aiogram_lazy
import aiogram.types as T
from aiogram.methods import SendMessage
from aiogram.methods.base import TelegramMethod

def subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from subclasses(sub)

models = [getattr(T, n) for n in T.__all__ if hasattr(getattr(T, n), "model_rebuild")] + list(subclasses(TelegramMethod))
built_at_import = sum(1 for m in models if m.__dict__.get("__pydantic_complete__"))

def deep(n):  # pydantic looks 5 frames up for a namespace when it builds a deferred model
    if n:
        return deep(n - 1)
    failed = []
    for model in models:
        try:
            model.__pydantic_validator__.validate_python
        except Exception as exc:
            failed.append(f"{model.__name__}: {exc}")
    return failed

failed = deep(8)
print(json.dumps({"models": len(models), "built_at_import": built_at_import, "failed": failed,
                  "incomplete": [m.__name__ for m in models if not m.__pydantic_complete__],
                  "schemas": [T.Update.model_json_schema(), SendMessage.model_json_schema()]}))
"""


def probe(mode: str) -> dict:
    out = subprocess.run([sys.executable, "-c", PROBE, mode], cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def test_models_wait_for_first_use_then_build_as_aiogram_builds_them() -> None:
    lazy, eager = probe("lazy"), probe("eager")
    assert lazy["models"] == eager["models"] > 500
    assert eager["built_at_import"] > 500  # aiogram alone builds every schema at import
    assert lazy["built_at_import"] < 50  # the adapter's module builds only what it uses at import
    assert lazy["failed"] == [] and lazy["incomplete"] == []
    assert lazy["schemas"] == eager["schemas"]
