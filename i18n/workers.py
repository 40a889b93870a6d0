"""Forked worker processes: a stage maps a function over its items on every core.

Workers are forked, so they inherit what the stage set up before starting
them (a module's state, read by its task functions) instead of receiving it
pickled; only each item and each result cross the pipe.  Results come back in
the items' order, so output does not depend on the number of workers.

The pool is the standard library's :class:`~concurrent.futures.ProcessPoolExecutor`,
given chunks of items a few at a time.  (``multiprocessing.Pool`` was used
before: its worker-handler thread waits on the pipe the results come back
through without reading it, so it spins each time a result is on its way, a
tenth of a second of the main process's CPU in a layout edit of 1000 posts,
taken from the workers' two cores; and it waits forever for a worker that was
killed, where the executor tells: the command then stops with a
:class:`~i18n.errors.PipelineError`.)
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

from .errors import Location, PipelineError

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
        (it is then consumed, in the caller's thread, as results come back: at most two
        chunks a worker ahead of the results taken).
        """
        count = expected if expected is not None else len(items)  # type: ignore[arg-type]
        if self.jobs <= 1 or (self.pool is None and count < PARALLEL_FROM):
            return (fn(x) for x in items)
        import multiprocessing  # only here: a rebuild of a few pages starts no worker

        if "fork" not in multiprocessing.get_all_start_methods():
            return (fn(x) for x in items)
        if self.pool is None:
            from concurrent.futures import ProcessPoolExecutor

            self.pool = ProcessPoolExecutor(self.jobs, mp_context=multiprocessing.get_context("fork"))
        chunk = max(1, min(16, count // (self.jobs * 8)))
        return self._in_order(fn, iter(items), chunk)

    def _in_order(self, fn: Callable[[T], R], items: Iterator[T], chunk: int) -> Iterator[R]:
        """The results of ``fn`` over ``items``, sent ``chunk`` items a task, two tasks a worker ahead.

        Items are taken as results are: a stage that plans its items as the
        workers take them (the page stage) holds only a few at a time.
        """
        from concurrent.futures.process import BrokenProcessPool  # imported with the pool already

        pending: deque[Any] = deque()

        def send() -> None:
            batch = list(itertools.islice(items, chunk))
            if batch:
                pending.append(self.pool.submit(_each, fn, batch))

        try:
            for _ in range(2 * self.jobs):
                send()
            while pending:
                results = pending.popleft().result()
                yield from results
                send()
        except BrokenProcessPool:  # from a result, or from sending more once the pool knows
            raise PipelineError(Location("."), "a worker process ended abruptly (killed, or out of memory?); "
                                "nothing of this stage was kept: run the command again") from None

    def map(self, fn: Callable[[T], R], items: list[T]) -> list[R]:
        """``[fn(x) for x in items]`` (see :meth:`imap`)."""
        return list(self.imap(fn, items))

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)


def _each(fn: Callable[[T], R], batch: list[T]) -> list[R]:
    """One task of a worker: ``fn`` over a chunk of items."""
    return [fn(x) for x in batch]


def parallel_map(fn: Callable[[T], R], items: list[T], jobs: int) -> list[R]:
    """``[fn(x) for x in items]`` on up to ``jobs`` workers, started for this call only."""
    with Workers(jobs) as workers:
        return workers.map(fn, items)
