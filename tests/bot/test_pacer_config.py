"""The reply pacer comes from coordination.broadcast; per_second: null turns it off."""

from pathlib import Path

import yaml

from bot.config import load_config
from bot.coordination import pacer_for
from bot.pacing import Pacer

ROOT = Path(__file__).resolve().parents[2]


def config_with(tmp_path: Path, **broadcast: object):
    raw = yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))
    raw["coordination"]["broadcast"].update(broadcast)
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return load_config(path, env={})


def test_the_shipped_config_paces_at_telegrams_limit(tmp_path: Path) -> None:
    pacer = pacer_for(config_with(tmp_path))
    assert isinstance(pacer, Pacer) and pacer.per_second == 30 and pacer.chat_interval == 1.0


def test_null_per_second_sends_unpaced(tmp_path: Path) -> None:
    assert pacer_for(config_with(tmp_path, per_second=None)) is None
