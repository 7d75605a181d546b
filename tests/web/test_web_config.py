"""channels.web in config.yaml: portal origins for frame-ancestors, trusted proxies, per-address limits."""

from pathlib import Path

import pytest
import yaml

from bot.config import load_config
from bot.errors import ConfigError
from tests.conftest import ROOT


def _config_with(tmp_path: Path, **web: object) -> Path:
    raw = yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))
    raw["channels"]["web"].update(web)
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


def test_the_shipped_config_lets_only_the_page_itself_frame_it() -> None:
    web = load_config(ROOT / "config.yaml", env={}).channels.web
    assert web.frame_ancestors == ()
    limits = web.limits()
    assert (limits.sessions, limits.consents, limits.window_seconds) == (60, 60, 600.0)


def test_portal_origins_are_normalised(tmp_path: Path) -> None:
    path = _config_with(tmp_path, frame_ancestors=["HTTPS://TinhDoan.example.vn/", "http://cong.example.vn:8443"],
                        trusted_proxies=["10.0.0.0/8", "::1"], sessions_per_address=100)
    web = load_config(path, env={}).channels.web
    assert web.frame_ancestors == ("https://tinhdoan.example.vn", "http://cong.example.vn:8443")
    assert web.limits().trusted_proxies == ("10.0.0.0/8", "::1")
    assert web.limits().sessions == 100


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("frame_ancestors", "*"),
        ("frame_ancestors", ["*"]),
        ("frame_ancestors", ["https://tinhdoan.example.vn/chat"]),
        ("frame_ancestors", ["tinhdoan.example.vn"]),
        ("trusted_proxies", ["proxy.example.vn"]),
        ("sessions_per_address", 0),
    ],
)
def test_wrong_web_settings_fail_at_start_up_with_the_key(tmp_path: Path, key: str, value: object) -> None:
    with pytest.raises(ConfigError, match=f"channels.web.{key}"):
        load_config(_config_with(tmp_path, **{key: value}), env={})
