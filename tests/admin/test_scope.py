"""The one scope rule: entries that cannot be ambiguous, names instead of ids, granted scopes."""

from pathlib import Path

import pytest
import yaml

from bot.config import AppConfig, load_config
from bot.errors import ConfigError
from handlers.admin import texts
from handlers.scope import Scope, covers, departments, label, load, parse
from storage import Question
from tests.admin.conftest import ADMIN, ask
from tests.conftest import ROOT
from tests.support import MemoryChannel, ScriptedTagger, texts_of


def _config_file(tmp_path: Path, change) -> Path:  # type: ignore[no-untyped-def]
    raw = yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))
    change(raw)
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


def _coordinator(scope: list[str]):  # type: ignore[no-untyped-def]
    def change(raw: dict) -> None:
        raw["roles"]["coordinators"] = [{"name": "X", "channel": "telegram", "chat_id": "1", "scope": scope}]
    return change


def test_a_unit_is_written_don_vi_and_a_bare_unit_code_stops_the_start(tmp_path: Path) -> None:
    config = load_config(_config_file(tmp_path, _coordinator(["suc_khoe", "don_vi:KESACH"])), env={})
    assert parse(config, config.roles.coordinators[0].scope).entries == ("suc_khoe", "don_vi:KESACH")
    with pytest.raises(ConfigError, match="don_vi:UNIT.*KESACH"):
        load_config(_config_file(tmp_path, _coordinator(["KESACH"])), env={})
    with pytest.raises(ConfigError, match="don_vi:NOWHERE"):
        load_config(_config_file(tmp_path, _coordinator(["don_vi:NOWHERE"])), env={})


def test_a_department_code_that_is_also_a_topic_id_stops_the_start(tmp_path: Path) -> None:
    def clash(raw: dict) -> None:
        raw["departments"].append({"code": "khac", "name": "Ban Khác"})

    with pytest.raises(ConfigError, match="also topic ids.*khac"):
        load_config(_config_file(tmp_path, clash), env={})


def _question(topic: str | None, unit: str | None) -> Question:
    return Question(channel="telegram", text_raw="", text_norm="", topic=topic, unit_code=unit)


def test_the_topic_khac_never_matches_the_unit_khac(config: AppConfig) -> None:
    topic_khac, unit_khac = parse(config, ["khac"]), parse(config, ["don_vi:khac"])
    health_from_khac = _question("suc_khoe", "KHAC")
    assert not covers(topic_khac, health_from_khac) and covers(unit_khac, health_from_khac)
    assert covers(topic_khac, _question(None, "TPST")) and not covers(unit_khac, _question(None, "TPST"))
    assert label(config, parse(config, ["khac", "don_vi:KHAC", "so_y_te"]), "") == "Khác, Khác, Sở Y tế"


def test_a_stored_entry_the_config_no_longer_knows_narrows_never_widens(config: AppConfig) -> None:
    stale = load(config, ["KESACH"])  # a bare unit code stored before units were written don_vi:
    assert not stale.everything and not covers(stale, _question("suc_khoe", "KESACH"))
    assert load(config, ["KESACH", "suc_khoe"]).entries == ("suc_khoe",)
    assert load(config, []) == Scope.all()


async def test_cap_quyen_names_the_scope_and_refuses_what_is_ambiguous(chat: MemoryChannel) -> None:
    done = texts_of(await chat.text(ADMIN, "/cap_quyen memory:kh coordinator suc_khoe,don_vi:kesach Anh Ba"))
    assert "phạm vi: Sức khỏe, Huyện Kế Sách" in done and "suc_khoe" not in done and "KESACH" not in done
    stats = texts_of(await chat.text("kh", "/thongke"))
    assert "(phạm vi: Sức khỏe, Huyện Kế Sách)" in stats and "suc_khoe" not in stats.split("\n")[0]
    assert texts_of(await chat.text(ADMIN, "/cap_quyen memory:u coordinator KESACH Anh Tư")) == \
        texts.GRANT_UNIT_SCOPE.format(item="KESACH", code="KESACH")
    # A mistyped entry is refused, not read as a name (which would grant everything).
    assert texts_of(await chat.text(ADMIN, "/cap_quyen memory:t coordinator suc_khoee Anh Năm")) == \
        texts.GRANT_BAD_SCOPE.format(item="suc_khoee")
    assert texts_of(await chat.text("u", "/thongke")) == texts_of(await chat.text("t", "/thongke")) == texts.FORBIDDEN


async def test_a_coordinator_scoped_to_the_topic_khac_cannot_see_a_health_question_from_the_unit_khac(
    chat: MemoryChannel, tagger: ScriptedTagger
) -> None:
    tagger.topic = "suc_khoe"
    code = await ask(chat, "y1", "Tỉnh có khám sức khỏe miễn phí cho thanh niên không ạ?", unit="KHAC")
    await chat.text(ADMIN, "/cap_quyen memory:topic coordinator khac Ban Khác")
    await chat.text(ADMIN, "/cap_quyen memory:unit coordinator don_vi:KHAC Đơn vị Khác")
    assert texts_of(await chat.text("topic", f"/xem {code}")) == texts.FORBIDDEN_QUESTION.format(code=code)
    assert code in texts_of(await chat.text("unit", f"/xem {code}"))



def test_the_sheets_of_a_scope_are_its_departments(config: AppConfig) -> None:
    def sheets(entries: list[str]) -> list[str]:
        return [d.code for d in departments(config, parse(config, entries))]

    assert sheets(["so_khdt"]) == ["so_khdt"]  # the department's own sheet, though its topic has three
    assert sheets(["khoi_nghiep"]) == ["so_khdt", "nhcsxh", "so_ldtbxh"]
    assert sheets(["suc_khoe", "so_noi_vu"]) == ["so_y_te", "so_noi_vu"]
    assert len(sheets(["don_vi:KESACH"])) == len(departments(config, Scope.all())) == len(config.departments)
