"""Deterministic training from the project corpus plus coordinator corrections."""

import json
import zlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from nlp.features import feature_groups
from nlp.labels import LABELS
from nlp.lexicon import Lexicon, read_lexicon
from nlp.metrics import Report, report
from nlp.model import LinearModel
from nlp.normalize import normalize
from nlp.tagger import TopicTagger
from nlp.text import DATA_DIR, Analyzer, load_abbreviations

CORPUS_PATH = DATA_DIR / "corpus.jsonl"
HELDOUT_EVERY = 5  # one corpus item in five is held out for evaluation
MIN_CHAR_DF = 2
C = 8.0

Example = tuple[str, str]


def read_examples(path: Path) -> list[Example]:
    """Read JSON lines with `text` and `label` (other fields ignored)."""
    examples: list[Example] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        item = json.loads(line)
        if item.get("label") not in LABELS:
            raise ValueError(f"{path}:{number}: unknown label {item.get('label')!r}")
        examples.append((str(item["text"]), item["label"]))
    return examples


def is_heldout(text: str) -> bool:
    """Fixed split: decided by a checksum of the normalised text, never by chance."""
    return zlib.crc32(normalize(text).encode("utf-8")) % HELDOUT_EVERY == 0


def split(examples: list[Example]) -> tuple[list[Example], list[Example]]:
    """Return (training part, held-out part) of the corpus."""
    held = [e for e in examples if is_heldout(e[0])]
    return [e for e in examples if not is_heldout(e[0])], held


def fit(examples: Iterable[Example], analyzer: Analyzer, lexicon: Lexicon) -> LinearModel:
    """Train the n-gram model; the lexicon phrases join the data as short examples."""
    from scipy.sparse import csr_matrix  # noqa: PLC0415 - heavy, training only
    from sklearn.linear_model import LogisticRegression  # noqa: PLC0415

    data = list(examples) + [(e.phrase, e.topic) for e in lexicon.entries]
    views = [analyzer.views(text) for text, _ in data]
    df: Counter[str] = Counter()
    probe = LinearModel({}, np.zeros((0, len(LABELS)), np.float32), np.zeros(0, np.float32))
    for v in views:
        for group, features in feature_groups(v).items():
            df.update(group + f for f in features)
    kept = sorted(f for f, n in df.items() if f[0] != "c" or n >= MIN_CHAR_DF)
    probe.vocab = {f: i for i, f in enumerate(kept)}
    enc = probe.encode(views)
    matrix = csr_matrix((enc.values, enc.indices, enc.indptr), shape=(len(views), len(kept)))
    matrix.sort_indices()  # row order of set-built indices varies with the string hash seed
    y = [label for _, label in data]
    clf = LogisticRegression(C=C, max_iter=3000, class_weight="balanced")
    clf.fit(matrix, y)
    order = [list(clf.classes_).index(label) for label in LABELS]
    coef = np.ascontiguousarray(clf.coef_[order].T, dtype=np.float32)
    intercept = np.asarray(clf.intercept_[order], dtype=np.float32)
    return LinearModel(probe.vocab, coef, intercept, {})


def evaluate(tagger: TopicTagger, examples: list[Example]) -> Report:
    """Score a tagger on labelled examples."""
    results = tagger.tag_many([text for text, _ in examples])
    return report([label for _, label in examples], [r.topic for r in results])


@dataclass(frozen=True, slots=True)
class Outcome:
    """What `rebuild` decided, with the figures behind the decision."""

    accepted: bool
    message: str
    new: dict[str, float]
    old: dict[str, float]


def rebuild(
    corrections: list[Example],
    output: Path,
    eval_path: Path | None = None,
    corpus_path: Path = CORPUS_PATH,
    *,
    force: bool = False,
) -> Outcome:
    """Retrain on corpus + corrections; write `output` only if no evaluation got worse (or `force`)."""
    analyzer = Analyzer(load_abbreviations())
    lexicon = Lexicon(read_lexicon(analyzer))
    train, held = split(read_examples(corpus_path))
    clean = [(t, label) for t, label in corrections if label in LABELS and t.strip()]
    model = fit(train + clean, analyzer, lexicon)
    candidate = TopicTagger(model, lexicon, analyzer)
    sets = {"held-out corpus": held}
    if eval_path is not None:
        sets[eval_path.name] = read_examples(eval_path)
    new = {name: evaluate(candidate, items).macro_f1 for name, items in sets.items()}
    old: dict[str, float] = {}
    if output.exists():  # the model this run would replace
        base = TopicTagger(LinearModel.load(output), lexicon, analyzer)
        old = {name: evaluate(base, items).macro_f1 for name, items in sets.items()}
    worse = [name for name in new if name in old and new[name] < old[name] - 1e-9]
    if worse and not force:
        detail = ", ".join(f"{n}: {new[n]:.3f} < {old[n]:.3f}" for n in worse)
        return Outcome(False, f"refused: new model scores worse ({detail})", new, old)
    model.save(output)
    note = f"{len(train)} corpus items + {len(clean)} corrections"
    return Outcome(True, f"saved {output} ({note})", new, old)
