"""`nlp` operator commands: tag, eval, train (plugged into the doithoai CLI)."""

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

from nlp.labels import LABELS
from nlp.metrics import format_report, report
from nlp.model import MODEL_PATH
from nlp.normalize import has_diacritics
from nlp.tagger import TagResult, TopicTagger

LoadCorrections = Callable[[], list[tuple[str, str]]]


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]",
             load_corrections: LoadCorrections) -> None:
    """Add `nlp {tag,eval,train}`; each sets `func(args) -> int` (the exit code)."""
    nlp = subparsers.add_parser("nlp", help="topic tagger: tag, evaluate, retrain")
    commands = nlp.add_subparsers(dest="nlp_command", required=True)

    tag = commands.add_parser("tag", help="tag one question and show the evidence")
    tag.add_argument("text", nargs="+", help="question text")
    tag.add_argument("--model", type=Path, default=None, help="model file (default: shipped)")
    tag.set_defaults(func=_tag)

    ev = commands.add_parser("eval", help="score the tagger on a labelled JSONL file")
    ev.add_argument("file", type=Path, help="JSON lines with `text` and `label`")
    ev.add_argument("--model", type=Path, default=None, help="model file (default: shipped)")
    ev.set_defaults(func=_eval)

    tr = commands.add_parser("train", help="rebuild the model from corpus + corrections")
    tr.add_argument("--output", type=Path, default=MODEL_PATH,
                    help="model file to write (default: the shipped model)")
    tr.add_argument("--eval", type=Path, default=None, dest="eval_file",
                    help="extra JSONL set to report (the held-out split decides)")
    tr.add_argument("--force", action="store_true",
                    help="replace the model even if it scores worse (only after editing the corpus itself)")
    tr.set_defaults(func=lambda args: _train(args, load_corrections))


def _describe(result: TagResult) -> str:
    ranked = sorted(result.scores.items(), key=lambda kv: -kv[1])
    lines = [
        f"topic: {result.topic}" + (f"  (secondary: {result.secondary})" if result.secondary
                                     else ""),
        f"needs_review: {result.needs_review}   language: {result.language}",
        "scores: " + "  ".join(f"{label} {p:.2f}" for label, p in ranked),
    ]
    lines += [f"  - {note}" for note in result.evidence] or ["  (no evidence)"]
    return "\n".join(lines)


def _tag(args: argparse.Namespace) -> int:
    tagger = TopicTagger.load(args.model)
    print(_describe(tagger.tag(" ".join(args.text))))
    return 0


def _eval(args: argparse.Namespace) -> int:
    from nlp.training import read_examples  # noqa: PLC0415 - keeps `tag` light

    examples = read_examples(args.file)
    tagger = TopicTagger.load(args.model)
    texts = [text for text, _ in examples]
    started = time.perf_counter()
    results = tagger.tag_many(texts)
    elapsed = time.perf_counter() - started
    truth = [label for _, label in examples]
    predicted = [r.topic for r in results]
    print(format_report(report(truth, predicted)))
    flat = [i for i, text in enumerate(texts) if not has_diacritics(text)]
    if flat:
        sub = report([truth[i] for i in flat], [predicted[i] for i in flat])
        print(f"no diacritics: items {sub.count}  accuracy {sub.accuracy:.3f}  "
              f"macro-F1 {sub.macro_f1:.3f}")
    wrong = [r for r, t in zip(results, truth) if r.topic != t]
    flagged = sum(r.needs_review for r in results)
    print(f"needs_review: {flagged}/{len(results)} flagged; "
          f"{sum(r.needs_review for r in wrong)}/{len(wrong)} of the wrong answers")
    print(f"throughput: {len(texts) / elapsed:,.0f} questions/s ({len(texts)} in "
          f"{elapsed * 1000:.0f} ms)")
    return 0


def _train(args: argparse.Namespace, load_corrections: LoadCorrections) -> int:
    from nlp.training import rebuild  # noqa: PLC0415 - imports scikit-learn

    corrections = [(t, label) for t, label in load_corrections() if label in LABELS]
    outcome = rebuild(corrections, args.output, args.eval_file, force=args.force)
    for name, score in outcome.new.items():
        before = f"{outcome.old[name]:.3f}" if name in outcome.old else "none"
        print(f"{name}: macro-F1 new {score:.3f}, current {before}")
    print(outcome.message, file=sys.stdout if outcome.accepted else sys.stderr)
    return 0 if outcome.accepted else 1
