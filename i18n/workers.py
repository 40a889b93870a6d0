"""Forked worker processes: a stage maps a function over its items on every core.

Workers are forked, so they inherit what the stage set up before starting
them (a module's state, read by its task functions) instead of receiving it
pickled; only each item and each result cross the pipe.  Results come back in
the items' order, so output does not depend on the number of workers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

PARALLEL_FROM = 24
"""Fewer tasks than this run in this process: starting workers would cost more."""

T = TypeVar("T")
R = TypeVar("R")


class Workers:
    """Forked worker processes for one stage, started on first need (the state they inherit is what was set by then)."""

    def __init__(self, jobs: int):
        self.jobs = jobs
        self.pool: Any = None

    def imap(self, fn: Callable[[T], R], items: Iterable[T], expected: int | None = None) -> Iterator[R]:
        """``fn(x) for x in items``, in parallel when worth it, in order, as results arrive.

        ``expected``: about how many items there are, when ``items`` is not a list
        (it is then consumed by the pool's feeder thread as workers need more).
        """
        count = expected if expected is not None else len(items)  # type: ignore[arg-type]
        if self.jobs <= 1 or (self.pool is None and count < PARALLEL_FROM):
            return (fn(x) for x in items)
        import multiprocessing  # only here: a rebuild of a few pages starts no worker

        if "fork" not in multiprocessing.get_all_start_methods():
            return (fn(x) for x in items)
        if self.pool is None:
            self.pool = multiprocessing.get_context("fork").Pool(self.jobs)
        chunk = max(1, min(16, count // (self.jobs * 8)))
        results: Iterator[R] = self.pool.imap(fn, items, chunksize=chunk)
        return results

    def map(self, fn: Callable[[T], R], items: list[T]) -> list[R]:
        """``[fn(x) for x in items]`` (see :meth:`imap`)."""
        return list(self.imap(fn, items))

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.pool is not None:
            self.pool.close()
            self.pool.join()


def parallel_map(fn: Callable[[T], R], items: list[T], jobs: int) -> list[R]:
    """``[fn(x) for x in items]`` on up to ``jobs`` workers, started for this call only."""
    with Workers(jobs) as workers:
        return workers.map(fn, items)
