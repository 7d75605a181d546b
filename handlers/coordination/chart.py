"""The digest chart: questions per topic, and youth per unit against the allocation (Agg PNG)."""

import io
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

from handlers.coordination import texts
from handlers.settings import Settings
from storage import Question

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def render_chart(settings: Settings, questions: Sequence[Question]) -> bytes:
    """A PNG with two panels; no pyplot, so no global state and no GUI backend."""
    buffer = io.BytesIO()
    chart_figure(settings, questions).savefig(buffer, format="png")
    return buffer.getvalue()


def chart_figure(settings: Settings, questions: Sequence[Question]) -> "Figure":
    """The two panels (questions per topic; youth per unit against the allocation), counts on whole ticks."""
    # Imported here, not at start-up: matplotlib takes ~0.35 s to import and only the digest draws.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    topics = Counter(q.topic or "khac" for q in questions)
    youth: dict[str, set[int]] = {u.code: set() for u in settings.units}
    for q in questions:
        if q.unit_code in youth and q.youth_id is not None:
            youth[q.unit_code].add(q.youth_id)
    figure = Figure(figsize=(10, 9), dpi=90, layout="constrained")
    FigureCanvasAgg(figure)
    top, bottom = figure.subplots(2, 1, height_ratios=(1, 2))
    names = [t.short for t in settings.topics]
    top.barh(names, [topics[t.id] for t in settings.topics], color="#1f77b4")
    top.invert_yaxis()
    top.set_title(texts.CHART_TOPICS)
    units = [u for u in settings.units if u.allocation or youth[u.code]]
    positions = range(len(units))
    bottom.barh([p - 0.2 for p in positions], [len(youth[u.code]) for u in units], height=0.4,
                label=texts.CHART_ASKED, color="#2ca02c")
    bottom.barh([p + 0.2 for p in positions], [u.allocation for u in units], height=0.4,
                label=texts.CHART_ALLOCATION, color="#bbbbbb")
    bottom.set_yticks(list(positions), [u.name for u in units], fontsize=8)
    bottom.invert_yaxis()
    bottom.legend(loc="lower right")
    bottom.set_title(texts.CHART_UNITS)
    for axes in (top, bottom):
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))  # counts: no 0.5 question
    return figure
