"""`serve --demo`: the campaign moves ahead of today in its own time zone, year, codes and log included."""

import logging
from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from bot.cli import _config, parser
from bot.demo import moved_campaign
from bot.dispatcher import Dispatcher
from handlers.conversation import Conversation
from storage import Store
from tests.admin.conftest import ask
from tests.conftest import ROOT
from tests.support import FakeClock, MemoryChannel, ScriptedTagger, texts_of

# 01:30 on 6 December 2026 in Sóc Trăng, still 5 December in UTC.
JUST_AFTER_LOCAL_MIDNIGHT = datetime(2026, 12, 5, 18, 30, tzinfo=timezone.utc)


def demo_args(config: Path = ROOT / "config.yaml") -> object:
    return parser().parse_args(["--config", str(config), "serve", "--demo"])


def test_demo_counts_days_from_the_campaigns_today_not_utcs(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    campaign = _config(demo_args(), FakeClock(JUST_AFTER_LOCAL_MIDNIGHT)).campaign  # type: ignore[arg-type]
    assert campaign.dialogue_date == date(2027, 1, 5)  # 6/12/2026 + 30 days; UTC's 5/12 would give 4/1
    assert campaign.deadline_date == date(2026, 12, 16)
    [line] = [r.getMessage() for r in caplog.records if "demo" in r.getMessage()]
    assert "2023-06-15" in line and "2027-01-05" in line and "2026-12-16" in line and "2026-12-06" in line


def test_the_demo_year_and_receipt_prefix_follow_the_moved_date() -> None:
    campaign = _config(demo_args(), FakeClock(JUST_AFTER_LOCAL_MIDNIGHT)).campaign  # type: ignore[arg-type]
    assert "2027" in campaign.name and "2023" not in campaign.name
    assert campaign.receipt_prefix == "ST2027"


def test_without_demo_nothing_moves() -> None:
    args = parser().parse_args(["--config", str(ROOT / "config.yaml"), "serve"])
    campaign = _config(args, FakeClock(JUST_AFTER_LOCAL_MIDNIGHT)).campaign
    assert (campaign.dialogue_date, campaign.receipt_prefix) == (date(2023, 6, 15), "ST2023")
    assert "2023" in campaign.name


def test_a_prefix_without_the_year_and_a_same_year_move_keep_their_text() -> None:
    seed = _config(parser().parse_args(["serve"])).campaign
    plain = moved_campaign(seed.model_copy(update={"receipt_prefix": "DTTN"}), date(2026, 12, 6))
    assert plain.receipt_prefix == "DTTN" and "năm 2027" in plain.name
    same_year = moved_campaign(seed, date(2023, 3, 1))
    assert same_year.dialogue_date == date(2023, 3, 31)
    assert (same_year.name, same_year.receipt_prefix) == (seed.name, "ST2023")


async def test_a_youth_in_the_demo_sees_the_moved_year_dates_and_codes(store: Store) -> None:
    clock = FakeClock(JUST_AFTER_LOCAL_MIDNIGHT)
    config = _config(demo_args(), clock)  # type: ignore[arg-type]
    chat = MemoryChannel(Dispatcher(store, Conversation(config, ScriptedTagger(), clock), clock).handle)
    greeting = texts_of(await chat.text("youth", "/start"))
    assert "năm 2027" in greeting and "2023" not in greeting
    assert "05/01/2027" in greeting and "16/12/2026" in greeting
    assert (await ask(chat, "youth2")).startswith("ST2027-")
