"""Staff texts pin their facts, not their wording: /nhap's code range, /xuat's accepted filter values."""

import re

import pytest

from bot.config import AppConfig
from handlers import texts as youth_texts
from handlers.admin.importing import LISTED_CODES, code_range
from storage import Question, Store
from tests.admin.conftest import ADMIN, rows
from tests.admin.test_import import document
from tests.support import MemoryChannel, ScriptedTagger, texts_of

CODE = re.compile(r"\b[A-Z0-9]{2,12}-\d{4,}\b")


def rows_csv(count: int) -> bytes:
    """A CSV of `count` valid questions."""
    questions = [f"Đề nghị tỉnh mở lớp tin học miễn phí số {n} cho đoàn viên,MYTU" for n in range(count)]
    lines = ["nội dung,đơn vị", *questions]
    return "\n".join(lines).encode()


async def imported(chat: MemoryChannel, count: int) -> str:
    return texts_of(await chat._send(document(ADMIN, "phieu.csv", rows_csv(count), caption="/nhap")))


async def test_one_imported_question_is_named_once(chat: MemoryChannel) -> None:
    done = await imported(chat, 1)
    assert CODE.findall(done) == ["ST2023-0001"]
    assert re.search(r"\b1 câu hỏi", done) and "…" not in done and "(" not in done


async def test_a_run_of_imported_codes_reads_first_to_last(chat: MemoryChannel, store: Store) -> None:
    await imported(chat, 1)
    done = await imported(chat, 3)
    assert re.search(r"\b3 câu hỏi", done)
    assert CODE.findall(done) == ["ST2023-0002", "ST2023-0004"]
    assert [q.code for q in await rows(store, Question)][-3:] == ["ST2023-0002", "ST2023-0003", "ST2023-0004"]


async def test_the_topic_review_count_is_said_only_when_there_is_one(chat: MemoryChannel, tagger: ScriptedTagger) -> None:
    assert "xem lại" not in await imported(chat, 2)
    tagger.needs_review = True
    unsure = await imported(chat, 2)
    assert re.search(r"\b2 câu cần xem lại", unsure) and CODE.findall(unsure) == ["ST2023-0003", "ST2023-0004"]


def test_codes_that_are_not_a_run_are_listed_then_counted() -> None:
    assert code_range(["ST2023-0004"]) == "ST2023-0004"
    run = code_range(["ST2023-0004", "ST2023-0005", "ST2023-0006"])
    assert CODE.findall(run) == ["ST2023-0004", "ST2023-0006"]
    gaps = ["ST2023-0004", "ST2023-0007", "ST2023-0009"]
    assert CODE.findall(code_range(gaps)) == gaps
    many = [f"ST2023-{n:04d}" for n in range(1, 40, 3)]
    text = code_range(many)
    assert CODE.findall(text) == many[:LISTED_CODES] and str(len(many) - LISTED_CODES) in text
    assert len(CODE.findall(code_range(["ST2023-0001", "DT2023-0002"]))) == 2  # two prefixes: not a run


@pytest.mark.parametrize("key", ["chu_de", "don_vi", "trang_thai"])
async def test_an_invalid_filter_value_names_itself_and_every_accepted_value(
    chat: MemoryChannel, config: AppConfig, key: str
) -> None:
    reply = texts_of(await chat.text(ADMIN, f"/xuat {key}=bong_da"))
    assert f"{key}=bong_da" in reply
    expected = {
        "chu_de": [t.id for t in config.topics] + [t.short for t in config.topics],
        "don_vi": [u.code for u in config.units],
        "trang_thai": list(youth_texts.STATUS) + list(youth_texts.STATUS.values()),
    }[key]
    assert [value for value in expected if value not in reply] == []


@pytest.mark.parametrize("key", ["tu", "den"])
async def test_an_invalid_date_filter_shows_the_format_with_an_example(chat: MemoryChannel, key: str) -> None:
    reply = texts_of(await chat.text(ADMIN, f"/xuat {key}=hom_qua"))
    assert f"{key}=hom_qua" in reply and "dd/mm/yyyy" in reply
    assert re.search(rf"{key}=\d{{2}}/\d{{2}}/\d{{4}}", reply)  # a worked example


async def test_an_unknown_filter_key_lists_the_filters(chat: MemoryChannel) -> None:
    reply = texts_of(await chat.text(ADMIN, "/xuat mau=do"))
    assert "mau=do" in reply
    assert all(key in reply for key in ("chu_de", "don_vi", "trang_thai", "tu", "den"))
