"""The digest's .xlsx written in a worker process while this one builds the text and the chart.

openpyxl spends about a second of pure Python on 10,000 questions (~140k cells); on two or more
cores that second overlaps the grouping and the chart instead of following them.
"""

import logging
import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from functools import partial

from handlers.coordination.export import QuestionRow, build_workbook
from handlers.settings import Department

log = logging.getLogger(__name__)

OFFLOAD_ROWS = 1000  # ~0.1 s of openpyxl; far below it, starting the worker costs more than it saves

_received: tuple[Sequence[Department], Sequence[QuestionRow]] = ((), ())  # set in the worker only


def usable_cores() -> int:
    """CPU cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


@contextmanager
def workbook_beside(
    departments: Sequence[Department], rows: Sequence[QuestionRow], *, wanted: bool = True
) -> Iterator[Callable[[], bytes]]:
    """The .xlsx started in a worker process; the yielded function returns its bytes."""
    # Inline (and only if called) when not wanted, or when a worker would not pay: few rows, one core, no fork.
    pays = len(rows) >= OFFLOAD_ROWS and usable_cores() > 1 and "fork" in multiprocessing.get_all_start_methods()
    if not (wanted and pays):
        yield partial(build_workbook, departments, rows)
        return
    # fork: spawn and forkserver re-import the __main__ module (the whole bot) before the first job.
    # Under fork the initializer's arguments reach the child with the fork itself, not pickled (~50 ms
    # for 10,000 rows). The child runs only openpyxl and zipfile: none of the locks other threads take.
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(1, mp_context=context, initializer=_receive, initargs=(departments, rows)) as pool:
        yield partial(_result, pool.submit(_build_received), departments, rows)


def _receive(departments: Sequence[Department], rows: Sequence[QuestionRow]) -> None:
    """In the worker: keep what the fork brought along."""
    global _received
    _received = (departments, rows)


def _build_received() -> bytes:
    """In the worker: the workbook of what the fork brought along."""
    return build_workbook(*_received)


def _result(future: Future[bytes], departments: Sequence[Department], rows: Sequence[QuestionRow]) -> bytes:
    """The worker's bytes; if the worker died (killed, out of memory), the workbook written here instead."""
    try:
        return future.result()
    except BrokenProcessPool:
        log.warning("the .xlsx worker process died; writing the workbook in this process")
        return build_workbook(departments, rows)
