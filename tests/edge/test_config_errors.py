"""A configuration mistake stops the start with a message naming the key, code or line; never a silent default."""

import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import load_config
from bot.errors import ConfigError
from tests.conftest import ROOT

SHIPPED = (ROOT / "config.yaml").read_text(encoding="utf-8")


def _variant(tmp_path: Path, old: str, new: str) -> Path:
    assert old in SHIPPED
    path = tmp_path / "bad.yaml"
    path.write_text(SHIPPED.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("old", "new", "key"),
    [
        ('digest_time: "17:00"', "digest_time: 17:00", "coordination.digest_time"),
        ('reminder_time: "08:00"', "reminder_time: 9:30", "coordination.reminder_time"),
        ('final_export_time: "07:00"', "final_export_time: 7:00", "coordination.final_export_time"),
        ('day: 2023-04-10, at: "08:00"', "day: 2023-04-10, at: 18:00", "coordination.dated.0.at"),
    ],
)
def test_an_unquoted_time_is_refused(tmp_path: Path, old: str, new: str, key: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(_variant(tmp_path, old, new), env={})
    assert key in str(caught.value) and "quotes" in str(caught.value)


def test_quoted_times_still_load(tmp_path: Path) -> None:
    config = load_config(_variant(tmp_path, 'digest_time: "17:00"', 'digest_time: "17:30"'), env={})
    assert (config.coordination.digest_time.hour, config.coordination.digest_time.minute) == (17, 30)


@pytest.mark.parametrize("duplicate", ["TPST", "tpst"])
def test_a_duplicate_unit_code_is_named(tmp_path: Path, duplicate: str) -> None:
    line = next(line for line in SHIPPED.splitlines() if "code: TPST" in line)
    path = _variant(tmp_path, line, line + "\n" + line.replace("code: TPST", f"code: {duplicate}"))
    with pytest.raises(ConfigError) as caught:
        load_config(path, env={})
    assert f"'{duplicate}'" in str(caught.value) and "twice" in str(caught.value)


def test_a_yaml_syntax_error_names_the_file_and_line(tmp_path: Path) -> None:
    path = _variant(tmp_path, "coordination:\n", "coordination:\n  digest_time: [\n")
    line = SHIPPED.splitlines().index("coordination:") + 1
    with pytest.raises(ConfigError) as caught:
        load_config(path, env={})
    message = str(caught.value)
    assert f"{path}:" in message and "YAML syntax error" in message
    assert any(f":{n}:" in message for n in range(line + 1, line + 4)), message


TOKEN_ENV = {"TELEGRAM_BOT_TOKEN": "123:abc", "TELEGRAM_MODE": "webhook"}


@pytest.mark.parametrize("secret", [None, "", "has space", "x" * 257, "ký-tự"])
def test_telegram_webhook_mode_needs_a_valid_secret(secret: str | None) -> None:
    env = dict(TOKEN_ENV) if secret is None else {**TOKEN_ENV, "TELEGRAM_WEBHOOK_SECRET": secret}
    with pytest.raises(ConfigError) as caught:
        load_config(ROOT / "config.yaml", env=env)
    assert "TELEGRAM_WEBHOOK_SECRET" in str(caught.value) and "A-Z a-z 0-9 _ -" in str(caught.value)


def test_telegram_webhook_mode_with_a_secret_loads() -> None:
    config = load_config(ROOT / "config.yaml", env={**TOKEN_ENV, "TELEGRAM_WEBHOOK_SECRET": "a" * 256})
    assert config.channels.telegram.mode == "webhook"


def test_zalo_webhook_mode_needs_its_secret() -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(ROOT / "config.yaml", env={"ZALO_BOT_TOKEN": "z", "ZALO_MODE": "webhook"})
    assert "ZALO_WEBHOOK_SECRET" in str(caught.value)


def _serve(config: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "serve", "--config", str(config)], cwd=ROOT, capture_output=True,
        text=True, timeout=120, env={"PATH": "/usr/bin:/bin", "DOITHOAI_SECRET": "x" * 32, **(env or {})},
    )


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ('digest_time: "17:00"', "digest_time: 17:00", "coordination.digest_time"),
        ("coordination:\n", "coordination:\n  digest_time: [\n", "YAML syntax error"),
        ("code: MYXUYEN", "code: tpst", "'tpst'"),
    ],
)
def test_serve_stops_with_the_message_and_no_traceback(tmp_path: Path, old: str, new: str, expected: str) -> None:
    done = _serve(_variant(tmp_path, old, new))
    assert done.returncode == 2, done.stderr
    assert expected in done.stderr and "Traceback" not in done.stderr
    assert str(tmp_path / "bad.yaml") in done.stderr


def test_serve_refuses_telegram_webhook_mode_without_a_secret(tmp_path: Path) -> None:
    done = _serve(ROOT / "config.yaml", {**TOKEN_ENV, "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'x.db'}"})
    assert done.returncode == 2 and "TELEGRAM_WEBHOOK_SECRET" in done.stderr and "Traceback" not in done.stderr
