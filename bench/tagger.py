"""Benchmark the topic tagger on ../shared/data/dev_questions.jsonl (path overridable by argument).

Usage: python bench/tagger.py [DEV.jsonl]   (run from the repository root)

Prints macro-F1 overall and on items without diacritics, accuracy, the share of wrong
answers flagged needs_review, the share of all items flagged, load time (import + load,
in this process), tag_many throughput on one core, and memory added (RSS delta and
tracemalloc peak of loading).
"""

import json
import os
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

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


def main() -> None:
    """Run the benchmark and print the figures."""
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
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


if __name__ == "__main__":
    main()
