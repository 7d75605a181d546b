"""`doithoai serve` refuses to start on the mistakes issue 13 names: a clear line, no traceback."""

from pathlib import Path

import pytest

from tests.acceptance.bot_process import run_to_exit, write_config
from tests.conftest import ROOT


def _shipped_with(folder: Path, old: str, new: str) -> Path:
    """The shipped config.yaml with one textual change (written as a province would mistype it)."""
    text = (ROOT / "config.yaml").read_text(encoding="utf-8")
    assert old in text
    path = folder / "config.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(("old", "new", "expected"), [
    ('digest_time: "17:00"', "digest_time: 17:00", ['coordination.digest_time', 'in quotes', "1020"]),
    ("{code: MYTU,", "{code: KESACH,", ["units", "'KESACH'", "twice"]),
    ("{code: MYTU,", "{code: kesach,", ["units", "'kesach'", "twice"]),
    ("  name_max_chars: 80", "  name_max_chars: [80", ["config.yaml:", "YAML syntax error"]),
], ids=["unquoted-time", "duplicate-unit", "unit-differing-in-case", "yaml-syntax"])
async def test_a_config_mistake_stops_the_start_with_a_clear_message(
    tmp_path: Path, old: str, new: str, expected: list[str]
) -> None:
    config = _shipped_with(tmp_path, old, new)
    code, output = await run_to_exit(config)
    assert code != 0, output
    assert "Traceback" not in output, output
    for part in expected:
        assert part in output, output
    if "YAML" in expected[-1]:
        assert str(config) in output, "the message names the file"


@pytest.mark.parametrize(("env", "expected"), [
    ({"TELEGRAM_BOT_TOKEN": "123456:ACCEPT-token-abc", "TELEGRAM_MODE": "webhook",
      "TELEGRAM_WEBHOOK_URL": "https://bot.example.vn/telegram/webhook"}, "TELEGRAM_WEBHOOK_SECRET"),
    ({"TELEGRAM_BOT_TOKEN": "123456:ACCEPT-token-abc", "TELEGRAM_MODE": "webhook", "TELEGRAM_LIBRARY": "ptb",
      "TELEGRAM_WEBHOOK_URL": "https://bot.example.vn/telegram/webhook"}, "TELEGRAM_WEBHOOK_SECRET"),
    ({"ZALO_BOT_TOKEN": "zalo-ACCEPT-token", "ZALO_MODE": "webhook",
      "ZALO_WEBHOOK_URL": "https://bot.example.vn/zalo/webhook"}, "ZALO_WEBHOOK_SECRET"),
], ids=["telegram-aiogram", "telegram-ptb", "zalo"])
async def test_webhook_mode_without_a_secret_refuses_to_start(
    tmp_path: Path, env: dict[str, str], expected: str
) -> None:
    code, output = await run_to_exit(write_config(tmp_path), env)
    assert code != 0 and expected in output and "Traceback" not in output, output
    assert "web chat on" not in output, "nothing listens"
    token = env.get("TELEGRAM_BOT_TOKEN") or env["ZALO_BOT_TOKEN"]
    assert token not in output
