"""Benchmark the topic tagger: the project's own held-out split and cross-validation, the dev set.

Usage: python bench/tagger.py [DEV.jsonl] [--quick]   (run from the repository root)

The dev set (default ../shared/data/dev_questions.jsonl) is only reported: nothing is tuned or
gated on it. Prints, for the shipped model: macro-F1 on the held-out fifth of the corpus as
written and with accents removed; 5-fold cross-validation of the training recipe (each fold
tagged by a model trained on the other four, as written and accents removed); on the dev set,
macro-F1 overall and without diacritics; for each, the share of wrong answers flagged
needs_review and the share of all items flagged; load time, tag_many throughput on one core
(CPU time), memory added; and the coordinators' loop: 20 corrections of one error class fed
through `nlp train`'s retraining path, that class before/after and the held-out split
before/after. --quick skips cross-validation and the corrections run.
"""

import json
import os
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported for real inside main(): the import is part of the load time
    from nlp import TagResult, TopicTagger

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")
if hasattr(os, "sched_setaffinity"):
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = ROOT.parent / "shared" / "data" / "dev_questions.jsonl"
sys.path.insert(0, str(ROOT))


def rss_mb() -> float:
    """Resident set size of this process in MB (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


LOAD_PROBE = (
    "import time; t = time.perf_counter(); from nlp import TopicTagger; "
    "TopicTagger.load().tag('khoi dong'); print(time.perf_counter() - t)"
)

# The throughput loop repeats the file, so the tagger's per-word memos are warm after one pass.
# New text pays for every word it has not seen: one pass over the file in a fresh process.
COLD_PROBE = (
    "import json, sys, time; from nlp import TopicTagger; tagger = TopicTagger.load(); tagger.tag('khoi dong'); "
    "texts = [json.loads(l)['text'] for l in open(sys.argv[1], encoding='utf-8') if l.strip()]; "
    "t = time.process_time(); tagger.tag_many(texts); print(len(texts) / (time.process_time() - t))"
)


def cold_load_seconds() -> float:
    """Import + load + first tag in a fresh interpreter (median of 3)."""
    runs = sorted(
        float(subprocess.run([sys.executable, "-c", LOAD_PROBE], cwd=ROOT, check=True,
                             capture_output=True, text=True).stdout)
        for _ in range(3)
    )
    return runs[1]


def cold_rate(path: Path) -> float:
    """Questions/s per CPU-second on text the tagger has not seen (median of 3 fresh processes)."""
    runs = sorted(
        float(subprocess.run([sys.executable, "-c", COLD_PROBE, str(path)], cwd=ROOT, check=True,
                             capture_output=True, text=True).stdout)
        for _ in range(3)
    )
    return runs[1]


def flags(truth: list[str], results: "list[TagResult]") -> str:
    """'wrong answers flagged a/b (x%), all flagged c/d (y%)' for a list of TagResults."""
    wrong = [r for r, t in zip(results, truth) if r.topic != t]
    caught = sum(r.needs_review for r in wrong)
    flagged = sum(r.needs_review for r in results)
    share = f"{caught / len(wrong):.0%}" if wrong else "n/a"
    return (f"wrong answers flagged {caught}/{len(wrong)} ({share}), "
            f"all items flagged {flagged}/{len(results)} ({flagged / len(results):.0%})")


def own_sets(tagger: "TopicTagger", *, cross_validation: bool) -> None:
    """The project's own measures: held-out split of the corpus, and 5-fold cross-validation."""
    from nlp.metrics import report  # noqa: PLC0415
    from nlp.normalize import has_diacritics  # noqa: PLC0415
    from nlp.training import (  # noqa: PLC0415
        CORPUS_PATH, FOLDS, cross_validate, gate_sets, read_examples, split,
    )

    examples = read_examples(CORPUS_PATH)
    _, held = split(examples)
    for name, items in gate_sets(held).items():
        results = tagger.tag_many([t for t, _ in items])
        truth = [label for _, label in items]
        rep = report(truth, [r.topic for r in results])
        print(f"{name + ':':<26}{rep.macro_f1:.3f} macro-F1 ({len(items)} items); "
              + flags(truth, results))
    if not cross_validation:
        return
    started = time.process_time()
    oof = cross_validate(examples, tagger.analyzer, tagger.lexicon)
    for name, keep in (("as written", lambda t: True), ("accented", has_diacritics),
                       ("accents removed/absent", lambda t: not has_diacritics(t))):
        rows = [(e, r) for e, r in oof if keep(e[0])]
        truth = [label for (_, label), _ in rows]
        results = [r for _, r in rows]
        rep = report(truth, [r.topic for r in results])
        print(f"{FOLDS}-fold CV, {name + ':':<24}{rep.macro_f1:.3f} macro-F1 ({len(rows)} items); "
              + flags(truth, results))
    print(f"  (cross-validation: {FOLDS} trainings, {time.process_time() - started:.0f} CPU-s)")


# The coordinators' loop, measured: one error class (fire safety, which the corpus never
# covers and the tagger sends to health), 20 corrections to `khac` as a coordinator would
# file them with /gan_chu_de, and 12 other questions of the class to check it is learned.
CORRECTIONS = [
    "Khu nhà trọ em ở không có bình chữa cháy, lỡ có cháy thì chạy đường nào?",
    "Phòng cháy chữa cháy ở các chung cư mini được kiểm tra định kỳ không?",
    "Nhà trọ công nhân câu điện chằng chịt, rất dễ chập cháy, ai kiểm tra?",
    "Tập huấn kỹ năng thoát nạn khi có hỏa hoạn cho người dân khu phố có không?",
    "Cảnh sát phòng cháy có kiểm tra quán karaoke gần nhà em không, em thấy không có lối thoát.",
    "Chợ xã không có trụ nước chữa cháy, năm ngoái cháy mất mấy sạp.",
    "Thanh niên muốn tham gia đội phòng cháy chữa cháy dân phòng ở ấp thì đăng ký ở đâu?",
    "Lắp thiết bị báo cháy cho nhà ống có bắt buộc không?",
    "Xưởng gỗ sát khu dân cư chứa nhiều vật liệu dễ cháy, đề nghị kiểm tra an toàn cháy nổ.",
    "nha tro cua e ko co binh cuu hoa, chu tro noi ko can",
    "pccc o khu tro cong nhan ai quan ly vay",
    "Đường vào hẻm quá nhỏ, xe chữa cháy không vào được, xã có giải pháp gì?",
    "Cháy rừng tràm mùa khô năm nào cũng có, thanh niên có được huy động chữa cháy không?",
    "Gas rò rỉ trong phòng trọ thì xử lý thế nào cho an toàn?",
    "Kinh gui UBND phuong, khu tro em khong co loi thoat hiem, mong phuong kiem tra pccc",
    "Ổ cắm điện trong phòng trọ hay bị chập, chủ trọ không sửa, báo ai?",
    "Mô hình tổ liên gia an toàn phòng cháy chữa cháy ở khu dân cư hoạt động ra sao?",
    "Số điện thoại báo cháy khẩn cấp là số nào, gọi có mất tiền không?",
    "Trường học có diễn tập phòng cháy chữa cháy cho học sinh không?",
    "Bình chữa cháy mini trên xe máy có nên mua không, mua ở đâu đạt chuẩn?",
]
PROBES = [
    "Nhà trọ sinh viên gần trường không có lối thoát hiểm, em lo lắm.",
    "Khu chợ đêm bày hàng lấn cả lối đi của xe chữa cháy.",
    "Tụi em muốn học cách dùng bình chữa cháy, ai tập huấn?",
    "Chủ nhà trọ có phải trang bị bình cứu hỏa cho mỗi tầng không?",
    "Cháy nhà dân ở ấp em hôm qua, xe cứu hỏa tới trễ vì đường hẹp.",
    "Đội dân phòng chữa cháy của phường có nhận thanh niên tham gia không?",
    "quan karaoke o xom ko co loi thoat hiem, bao ai kiem tra",
    "Đề nghị tăng cường kiểm tra an toàn cháy nổ tại các cơ sở kinh doanh nhỏ lẻ.",
    "Dây điện trước nhà cũ quá, mưa là tóe lửa, báo điện lực hay xã?",
    "Khi phát hiện cháy trong chung cư thì phải làm gì trước tiên?",
    "Phòng trọ không có cửa sổ, lỡ cháy là kẹt, có quy định gì không?",
    "Xã có trang bị phương tiện chữa cháy cho các ấp xa không?",
]
TARGET = "khac"


def corrections_run(dev: Path) -> None:
    """Feed CORRECTIONS through `nlp train`'s retraining path; report the class and the rest."""
    import shutil  # noqa: PLC0415
    import tempfile  # noqa: PLC0415

    from nlp import TopicTagger  # noqa: PLC0415
    from nlp.model import MODEL_PATH  # noqa: PLC0415
    from nlp.training import (  # noqa: PLC0415
        CORPUS_PATH, evaluate, gate_sets, read_examples, rebuild, split,
    )

    _, held = split(read_examples(CORPUS_PATH))
    sets = gate_sets(held)
    if dev.exists():
        sets["dev set (reported only)"] = read_examples(dev)
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "model.pkl"
        shutil.copyfile(MODEL_PATH, target)
        before = TopicTagger.load(target)
        outcome = rebuild([(text, TARGET) for text in CORRECTIONS], target)
        after = TopicTagger.load(target)
    hit = [sum(r.topic == TARGET for r in t.tag_many(PROBES)) for t in (before, after)]
    print(f"corrections (20 fire-safety questions -> {TARGET}, through nlp train's rebuild): "
          f"{'accepted' if outcome.accepted else 'REFUSED: ' + outcome.message}")
    print(f"  12 other fire-safety questions tagged {TARGET}: "
          f"{hit[0]}/12 before, {hit[1]}/12 after")
    for name, items in sets.items():
        texts = [text for text, _ in items]
        pairs = zip(items, before.tag_many(texts), after.tag_many(texts))
        lost = sum(b.topic == label != a.topic for (_, label), b, a in pairs)
        print(f"  {name}: {evaluate(before, items).macro_f1:.3f} -> "
              f"{evaluate(after, items).macro_f1:.3f} macro-F1; {lost} right answers lost")


def main() -> None:
    """Run the benchmark and print the figures."""
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    path = Path(args[0]) if args else DEFAULT
    items = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
             if line.strip()]
    texts = [item["text"] for item in items]
    truth = [item["label"] for item in items]

    rss_before = rss_mb()
    tracemalloc.start()  # its bookkeeping slows the import a little; load time includes it
    started = time.perf_counter()
    from nlp import TopicTagger  # noqa: PLC0415 - the import is part of what we time
    from nlp.metrics import report  # noqa: PLC0415
    from nlp.normalize import has_diacritics  # noqa: PLC0415

    tagger = TopicTagger.load()
    tagger.tag("khoi dong")  # the first text without diacritics reads the syllable list
    load_s = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    results = tagger.tag_many(texts)
    rss_loaded = rss_mb()
    predicted = [r.topic for r in results]
    overall = report(truth, predicted)
    flat = [i for i, t in enumerate(texts) if not has_diacritics(t)]
    flat_rep = report([truth[i] for i in flat], [predicted[i] for i in flat])
    wrong = [r for r, t in zip(results, truth) if r.topic != t]
    flagged_wrong = sum(r.needs_review for r in wrong)
    flagged_all = sum(r.needs_review for r in results)

    batch = (texts * (20_000 // len(texts) + 1))[:20_000]
    best_wall = best_cpu = 0.0
    for _ in range(3):
        w0, c0 = time.perf_counter(), time.process_time()
        tagger.tag_many(batch)
        best_wall = max(best_wall, len(batch) / (time.perf_counter() - w0))
        best_cpu = max(best_cpu, len(batch) / (time.process_time() - c0))
    rss_after = rss_mb()

    print(f"file: {path} ({len(items)} items, {len(flat)} without diacritics)")
    print(f"macro-F1 overall:        {overall.macro_f1:.3f}")
    print(f"macro-F1 no diacritics:  {flat_rep.macro_f1:.3f}")
    print(f"accuracy:                {overall.accuracy:.3f}")
    print(f"wrong answers flagged:   {flagged_wrong}/{len(wrong)}"
          f" ({flagged_wrong / len(wrong):.0%})" if wrong else "wrong answers flagged:   n/a")
    print(f"all items flagged:       {flagged_all}/{len(results)}"
          f" ({flagged_all / len(results):.0%})")
    print(f"load time:               {cold_load_seconds():.3f} s in a fresh process (import nlp"
          f" + TopicTagger.load + 1st tag); {load_s:.3f} s here under tracemalloc")
    print(f"tag_many throughput:     {best_cpu:,.0f} questions/s per CPU-second, "
          f"{best_wall:,.0f}/s wall clock (one core, {len(batch)} items, best of 3); "
          f"{cold_rate(path):,.0f}/s per CPU-second on unseen text (one pass, fresh process)")
    print(f"memory added:            {rss_loaded - rss_before:.1f} MB RSS after load + tagging"
          f" the file; {rss_after - rss_before:.1f} MB after the 20k-item runs"
          f" (tracemalloc peak of import + load: {peak / 2**20:.1f} MB)")


    own_sets(tagger, cross_validation="--quick" not in sys.argv)
    if "--quick" not in sys.argv:
        corrections_run(path)


if __name__ == "__main__":
    main()
