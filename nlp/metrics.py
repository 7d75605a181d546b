"""Classification metrics without scikit-learn (fast to import for the CLI)."""

from dataclasses import dataclass

from nlp.labels import LABELS


@dataclass(frozen=True, slots=True)
class Report:
    """Accuracy, macro-F1, per-label F1 and the confusion matrix (rows = truth)."""

    accuracy: float
    macro_f1: float
    f1: dict[str, float]
    confusion: list[list[int]]
    count: int


def report(truth: list[str], predicted: list[str]) -> Report:
    """Compare true and predicted labels over LABELS."""
    index = {label: i for i, label in enumerate(LABELS)}
    confusion = [[0] * len(LABELS) for _ in LABELS]
    for t, p in zip(truth, predicted):
        confusion[index[t]][index[p]] += 1
    f1: dict[str, float] = {}
    for i, label in enumerate(LABELS):
        tp = confusion[i][i]
        fp = sum(row[i] for row in confusion) - tp
        fn = sum(confusion[i]) - tp
        f1[label] = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    present = [label for label in LABELS if label in set(truth) | set(predicted)]
    macro = sum(f1[label] for label in present) / len(present) if present else 0.0
    correct = sum(t == p for t, p in zip(truth, predicted))
    accuracy = correct / len(truth) if truth else 0.0
    return Report(accuracy, macro, f1, confusion, len(truth))


def format_report(rep: Report) -> str:
    """Render a report as a plain-text table."""
    lines = [f"items {rep.count}  accuracy {rep.accuracy:.3f}  macro-F1 {rep.macro_f1:.3f}"]
    lines += [f"  F1 {label:<18} {rep.f1[label]:.3f}" for label in LABELS]
    short = [label[:6] for label in LABELS]
    lines.append("confusion (rows = true, columns = predicted):")
    lines.append(" " * 20 + " ".join(f"{s:>6}" for s in short))
    for label, row in zip(LABELS, rep.confusion):
        lines.append(f"  {label:<18}" + " ".join(f"{n:>6}" for n in row))
    return "\n".join(lines)
