"""The channel registry: one builder per channel, unconfigured channels skipped, start order kept."""

from pathlib import Path

from bot.channels.registry import BUILDERS, Wiring, build_channels, build_telegram, build_zalo, build_zalo_oa
from bot.config import load_config
from handlers.types import IncomingMessage, Reply
from storage import Store
from tests.conftest import ROOT
from tests.support import FakeClock


async def nothing(_msg: IncomingMessage) -> list[Reply]:
    return []


def wiring(env: dict[str, str], store: Store, clock: FakeClock) -> Wiring:
    return Wiring(load_config(ROOT / "config.yaml", env=env), nothing, store, clock)


def test_every_configured_channel_in_start_order(store: Store, clock: FakeClock, tmp_path: Path) -> None:
    assert BUILDERS == (build_telegram, build_zalo, build_zalo_oa)
    assert build_channels(wiring({}, store, clock)) == []
    env = {"TELEGRAM_BOT_TOKEN": "123:abc", "ZALO_BOT_TOKEN": "7301:z", "ZALO_OA_APP_ID": "4410",
           "ZALO_OA_SECRET_KEY": "sk-123456", "ZALO_OA_APP_SECRET": "as-123456"}
    assert [c.name for c in build_channels(wiring(env, store, clock))] == ["telegram", "zalo", "zalo_oa"]
    only_oa = {k: v for k, v in env.items() if k.startswith("ZALO_OA")}
    assert [c.name for c in build_channels(wiring(only_oa, store, clock))] == ["zalo_oa"]
    assert build_channels(wiring(env, store, clock), (build_zalo,))[0].name == "zalo"
