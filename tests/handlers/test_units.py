"""The unit step: typed codes and names, partial and without diacritics, on the seed's 16 units
and on Cần Thơ's 103 communes and wards (config.cantho.yaml)."""

import pytest

from bot.config import AppConfig, load_config
from bot.dispatcher import Dispatcher
from handlers import texts, units
from handlers.conversation import Conversation
from storage import Store, Youth
from tests.conftest import ROOT
from tests.support import FakeClock, MemoryChannel, ScriptedTagger, buttons_of, texts_of

QUESTION = "Em muốn hỏi tỉnh có chính sách hỗ trợ vay vốn khởi nghiệp cho thanh niên không ạ?"


@pytest.fixture(scope="module")
def cantho() -> AppConfig:
    return load_config(ROOT / "config.cantho.yaml", env={})


@pytest.fixture
def cantho_chat(store: Store, cantho: AppConfig, clock: FakeClock, tagger: ScriptedTagger) -> MemoryChannel:
    return MemoryChannel(Dispatcher(store, Conversation(cantho, tagger, clock), clock).handle)


def names(found: list) -> list[str]:
    return [unit.name for unit in found]


async def youth_unit(store: Store, user: str = "u1") -> str | None:
    async with store.unit() as uow:
        youth = await uow.youth.get("memory", user)
        assert isinstance(youth, Youth)
        return youth.unit_code


def test_the_example_config_has_a_hundred_communes_and_wards_and_the_union_branches(cantho: AppConfig) -> None:
    communes = [u for u in cantho.units if u.name.startswith(("Xã ", "Phường "))]
    assert len(communes) == 103 and len(cantho.units) >= 100
    assert {"CONGAN", "QUANSU", "BIENPHONG", "DOANKHOI"} <= {u.code for u in cantho.units}
    assert cantho.campaign.receipt_prefix == "CT2026"


@pytest.mark.parametrize("typed", ["Kế Sách", "ke sach", "KESACH", "kesach", "Huyện Kế Sách", "huyen ke sach",
                                   "Xã Kế Sách", "sach", "ke sac", "  KẾ  SÁCH! "])
def test_seed_units_by_code_or_name(config: AppConfig, typed: str) -> None:
    assert names(units.search(config.units, typed)) == ["Huyện Kế Sách"]


@pytest.mark.parametrize(("typed", "name"), [
    ("tp soc trang", "Thành phố Sóc Trăng"), ("TP. Sóc Trăng", "Thành phố Sóc Trăng"),
    ("soc trang", "Thành phố Sóc Trăng"),
    ("nga nam", "Thị xã Ngã Năm"), ("thi xa vinh chau", "Thị xã Vĩnh Châu"), ("tranđe", "Huyện Trần Đề"),
    ("cù lao", "Huyện Cù Lao Dung"), ("bien phong", "Bộ Chỉ huy Bộ đội Biên phòng tỉnh"), ("cong an", "Công an tỉnh"),
])
def test_seed_units_with_or_without_their_prefix(config: AppConfig, typed: str, name: str) -> None:
    assert names(units.search(config.units, typed)) == [name]


@pytest.mark.parametrize(("typed", "expected"), [
    ("Kế Sách", ["Xã Kế Sách"]), ("KESACH", ["Xã Kế Sách"]), ("xa ke sach", ["Xã Kế Sách"]),
    ("Phường Vị Thanh", ["Phường Vị Thanh"]), ("o mon", ["Phường Ô Môn"]), ("culaodung", ["Xã Cù Lao Dung"]),
    ("vi thanh", ["Phường Vị Thanh", "Xã Vị Thanh 1"]),  # the same name, and one that extends it
    ("long phu", ["Xã Long Phú", "Phường Long Phú 1"]),
    ("thanh pho soc trang", ["Phường Sóc Trăng"]), ("bien phong", ["Bộ Chỉ huy Bộ đội Biên phòng thành phố"]),
    ("xyz", []), ("😀", []), (QUESTION, []),
])
def test_cantho_units(cantho: AppConfig, typed: str, expected: list[str]) -> None:
    assert names(units.search(cantho.units, typed)) == expected


def test_a_short_fragment_matches_many_and_the_closest_come_first(cantho: AppConfig) -> None:
    found = names(units.search(cantho.units, "tan"))
    assert len(found) > units.MATCH_LIMIT
    assert found[0] == "Phường Tân An" and found.index("Phường Vị Tân") > found.index("Xã Tân Long")


def test_example_names_a_unit_without_its_prefix(config: AppConfig, cantho: AppConfig) -> None:
    assert units.example(config.units) == ("Sóc Trăng", "soc trang")
    assert units.example(cantho.units) == ("Ninh Kiều", "ninh kieu")


async def test_seed_unit_step_takes_the_name_typed_without_accents(chat: MemoryChannel, store: Store) -> None:
    await chat.text("u1", "/start")
    replies = await chat.text("u1", "dong y")
    assert len(buttons_of(replies)) == 16  # a short list: every unit is a button, as before
    replies = await chat.text("u1", "ke sach")
    assert "Huyện Kế Sách" in texts_of(replies) and texts.ASK_NAME in texts_of(replies)
    assert await youth_unit(store) == "KESACH"


async def test_seed_unit_step_takes_the_code(chat: MemoryChannel, store: Store) -> None:
    await chat.press("u1", "consent:yes")
    replies = await chat.text("u1", "KESACH")
    assert "Huyện Kế Sách" in texts_of(replies)
    assert await youth_unit(store) == "KESACH"


async def test_seed_unit_step_explains_an_unknown_unit(chat: MemoryChannel, store: Store) -> None:
    await chat.press("u1", "consent:yes")
    replies = await chat.text("u1", "Phường 7")
    text = texts_of(replies)
    assert "Mình chưa tìm thấy đơn vị nào khớp với «Phường 7»" in text and "soc trang" in text
    assert len(buttons_of(replies)) == 16  # the list again, below the explanation
    replies = await chat.text("u1", "3")
    assert "Huyện Kế Sách" in texts_of(replies)


async def test_cantho_asks_to_type_and_offers_the_matches(cantho_chat: MemoryChannel, store: Store) -> None:
    await cantho_chat.text("u1", "/start")
    replies = await cantho_chat.text("u1", "1")  # «Đồng ý», typed as its number
    assert texts.ASK_UNIT_TYPED.format(example="Ninh Kiều", plain="ninh kieu") in texts_of(replies)
    assert buttons_of(replies) == []  # 108 units are not offered as buttons
    replies = await cantho_chat.text("u1", "vi thanh")
    assert texts.UNIT_MATCHES.format(count=2, query="vi thanh") in texts_of(replies)
    assert buttons_of(replies) == ["unit:VITHANH", "unit:VITHANH1"]
    replies = await cantho_chat.text("u1", "2")
    assert "Xã Vị Thanh 1" in texts_of(replies) and texts.ASK_NAME in texts_of(replies)
    assert await youth_unit(store) == "VITHANH1"


async def test_cantho_one_match_is_chosen_at_once(cantho_chat: MemoryChannel, store: Store) -> None:
    await cantho_chat.press("u1", "consent:yes")
    replies = await cantho_chat.text("u1", "Kế Sách")
    assert "Đơn vị của bạn: Xã Kế Sách." in texts_of(replies)
    assert await youth_unit(store) == "KESACH"


async def test_cantho_many_matches_offer_the_first_eight(cantho_chat: MemoryChannel, store: Store) -> None:
    await cantho_chat.press("u1", "consent:yes")
    replies = await cantho_chat.text("u1", "an")
    assert "11 đơn vị" in texts_of(replies) and "8 đơn vị đầu" in texts_of(replies) and len(buttons_of(replies)) == units.MATCH_LIMIT
    replies = await cantho_chat.text("u1", "an ninh")  # typing more narrows it down to one
    assert "Xã An Ninh" in texts_of(replies)
    assert await youth_unit(store) == "ANNINH"


async def test_cantho_nothing_found_is_explained_never_a_silent_repeat(
    cantho_chat: MemoryChannel, store: Store
) -> None:
    await cantho_chat.press("u1", "consent:yes")
    for typed in ("xyz", "5", "Phường 99"):
        replies = await cantho_chat.text("u1", typed)
        assert "Mình chưa tìm thấy đơn vị nào khớp với" in texts_of(replies)
        assert "«Ninh Kiều» hoặc «ninh kieu»" in texts_of(replies)
    assert await youth_unit(store) is None
