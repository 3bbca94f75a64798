"""Bounded, in-order concurrency: the one rule for running work ahead of its reader.

Every place that overlaps slow calls (E-utilities requests, baseline files parsed in other
processes, lookups shared by many citations) needs the same three things: at most ``window``
calls running, results handed back in the order of their inputs, and inputs drawn only as
results are taken, so memory holds one window however long the input.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from itertools import islice
from typing import Protocol, TypeVar

X = TypeVar("X")
Y = TypeVar("Y")
Y_co = TypeVar("Y_co", covariant=True)


class Pending(Protocol[Y_co]):
    """A call under way: a ``concurrent.futures.Future``, a Dask future, or a finished value."""

    def result(self) -> Y_co: ...


def in_order(
    submit: Callable[[X], Pending[Y]], items: Iterable[X], window: int
) -> Iterator[tuple[X, Y]]:
    """Submit up to ``window`` items ahead and yield ``(item, result)`` in item order.

    A generator: the next item is submitted as soon as a result is taken, and no sooner, so a
    caller that stops early leaves at most ``window`` calls behind it.
    """
    todo = iter(items)
    queue: deque[tuple[X, Pending[Y]]] = deque(
        (item, submit(item)) for item in islice(todo, max(window, 1))
    )
    while queue:
        item, pending = queue.popleft()
        result = pending.result()
        for upcoming in islice(todo, 1):
            queue.append((upcoming, submit(upcoming)))
        yield item, result


def thread_map(
    fn: Callable[[X, threading.Event], Y], items: Iterable[X], window: int, *, name: str
) -> Iterator[Y]:
    """``fn(item, cancelled)`` over ``items`` on up to ``window`` threads, results in order.

    When the caller stops early or a call raises, ``cancelled`` is set, calls not yet started
    are dropped and running ones are waited for; ``fn`` checks ``cancelled`` to stop retrying.
    A window of 1 runs every call in the caller's thread.
    """
    cancelled = threading.Event()
    if window <= 1:
        for item in items:
            yield fn(item, cancelled)
        return
    pool = ThreadPoolExecutor(max_workers=window, thread_name_prefix=name)
    try:
        for _, result in in_order(lambda item: pool.submit(fn, item, cancelled), items, window):
            yield result
    finally:
        cancelled.set()
        pool.shutdown(wait=True, cancel_futures=True)
