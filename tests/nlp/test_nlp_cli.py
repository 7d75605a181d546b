"""The `nlp` sub-commands: tag, eval, train (standalone entry point)."""

import argparse
import json
import shutil
from pathlib import Path

import pytest

from nlp.__main__ import main
from nlp.cli import register
from nlp.model import MODEL_PATH
from nlp.training import CORPUS_PATH, read_examples, split


def test_tag_prints_topic_and_evidence(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["tag", "cho em hoi ve von vay khoi nghiep"]) == 0
    out = capsys.readouterr().out
    assert "topic: khoi_nghiep" in out
    assert "lexicon 'khởi nghiệp'" in out


def test_eval_prints_metrics(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "eval.jsonl"
    rows = [
        {"id": "x1", "text": "vay von khoi nghiep o dau", "label": "khoi_nghiep"},
        {"id": "x2", "text": "Thẻ BHYT hết hạn gia hạn ở đâu", "label": "suc_khoe"},
        {"id": "x3", "text": "Chi đoàn ấp không sinh hoạt", "label": "doan_hoi"},
    ]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), "utf-8")
    assert main(["eval", str(path)]) == 0
    out = capsys.readouterr().out
    for needle in ("accuracy", "macro-F1", "confusion", "no diacritics", "throughput"):
        assert needle in out


def test_train_refusal_exits_non_zero(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "model.pkl"
    shutil.copyfile(MODEL_PATH, target)
    before = target.read_bytes()
    # every start-up question of the corpus, relabelled as Union business
    train, _ = split(read_examples(CORPUS_PATH))
    bad = [(text, "doan_hoi") for text, label in train if label == "khoi_nghiep"] * 2
    parser = argparse.ArgumentParser()
    register(parser.add_subparsers(dest="command"), lambda: bad)
    args = parser.parse_args(["nlp", "train", "--output", str(target)])
    assert args.func(args) == 1
    assert "refused" in capsys.readouterr().err
    assert target.read_bytes() == before
