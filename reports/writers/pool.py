"""Renders report files in a small pool of forked processes: WeasyPrint's layout and openpyxl are
CPU-bound and every table is independent, so a bundle scales with the machine's cores.

Jobs are plain data (a table, its format, the stamp): the forked children have Django and the
templates loaded already and never touch the database. Results come back in submission order, with at
most WINDOW × workers jobs in flight, so memory stays bounded whatever the number of tables, while a
long job at the head (the workbook of all tables) does not leave the other processes idle.
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any

logger = logging.getLogger(__name__)
WINDOW = 16


def ordered_map(
    function: Callable[..., Any], jobs: Iterable[tuple[Any, tuple]], *, workers: int = 1
) -> Iterator:
    """(key, args) → (key, function(*args)), in the jobs' order."""
    if workers <= 1 or multiprocessing.current_process().daemon:
        for key, args in jobs:
            yield key, function(*args)
        return
    try:
        # gc.freeze: the objects inherited from the parent are never traversed by the children's collector
        pool = ProcessPoolExecutor(
            max_workers=workers, mp_context=multiprocessing.get_context("fork"), initializer=gc.freeze
        )
    except (OSError, ValueError):
        logger.warning("no process pool for report files; rendering in this process", exc_info=True)
        yield from ordered_map(function, jobs, workers=1)
        return
    with pool:
        pending: deque[tuple[Any, Future]] = deque()
        for key, args in jobs:
            pending.append((key, pool.submit(function, *args)))
            while len(pending) >= WINDOW * workers:
                done_key, future = pending.popleft()
                yield done_key, future.result()
        while pending:
            done_key, future = pending.popleft()
            yield done_key, future.result()


@contextmanager
def gc_paused():
    """Rendering one table allocates ~10⁵ short-lived objects; the cyclic collector running through
    them costs a quarter of WeasyPrint's time. It is paused for one file and resumed after (the
    cycles left are collected on its next run)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
