"""Where an answer comes from: the one protocol the mirror, the cache and NCBI share.

Records and id mappings are each asked of several sources in turn (the mirror, then the cache,
then NCBI); each source answers ``lookup(keys)`` with what it knows, says where and as of when,
and the first source that answers a key wins. Telling the sources apart is then nobody's job.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from datetime import UTC, date, datetime
from itertools import islice
from typing import Any, Generic, Protocol, TypeVar

import attrs

from pubenrich.cache import CacheEntry
from pubenrich.errors import (
    ConnectionFailed,
    NcbiUnavailable,
    ParseError,
    PubenrichError,
    TransportError,
)
from pubenrich.model.enriched import RecordSource

__all__ = [
    "WINDOW_BATCHES",
    "Answer",
    "Reply",
    "Source",
    "ask",
    "cache_answer",
    "day",
    "failed_batch",
    "given",
    "in_trust_order",
    "retry_later",
    "today",
    "windows",
]

log = logging.getLogger(__name__)

# How many client batches of inputs one window holds: enough to keep every in-flight slot busy
# and to share batches across duplicate inputs, few enough to keep memory flat.
WINDOW_BATCHES = 10

T = TypeVar("T")
K = TypeVar("K", bound=Hashable)
Item = TypeVar("Item")


@attrs.frozen(slots=True)
class Answer(Generic[T]):
    """What one source knows of one key, kept in the source's stored form until it is used.

    A record the caller drops is then never built, which keeps a warm-cache job's memory flat.

    Attributes:
        stored: the source's own form (the mirror's bytes, a cache entry, a parsed record).
        reader: turns ``stored`` into the answer; may raise when the stored form is unreadable.
        source: ``mirror``, ``cache`` or ``eutils``.
        as_of: the date the answer holds for.
    """

    stored: Any
    reader: Callable[[Any], T]
    source: RecordSource
    as_of: date | None

    def read(self) -> T:
        """The answer (``None`` where the source knows the key is absent)."""
        return self.reader(self.stored)


# A source answers a key, or says what stopped it (an NCBI error, an offline miss).
Reply = Answer[T] | PubenrichError


class Source(Protocol[K, T]):
    """Anything that answers keys: the mirror, the cache, NCBI."""

    def lookup(self, keys: Sequence[K]) -> dict[K, Reply[T]]:
        """Replies for the keys this source can answer; a key it does not know is left out."""
        ...  # pragma: no cover


def ask(sources: Iterable[Source[K, T]], keys: Sequence[K]) -> dict[K, Reply[T]]:
    """Ask each source in turn for the keys no earlier one answered."""
    replies: dict[K, Reply[T]] = {}
    rest = list(keys)
    for source in sources:
        if not rest:
            break
        replies.update(source.lookup(rest))
        rest = [key for key in rest if key not in replies]
    return replies


def in_trust_order(
    mirror: Source[K, T] | None, cache: Source[K, T], ncbi: Source[K, T], *, refresh: bool
) -> list[Source[K, T]]:
    """The order sources are asked in: the mirror, the cache (unless refreshing), then NCBI."""
    return [source for source in (mirror, None if refresh else cache, ncbi) if source is not None]


def windows(items: Iterable[Item], size: int) -> Iterator[list[Item]]:
    """``items`` in lists of ``size`` (the last may be shorter), read lazily."""
    iterator = iter(items)
    while window := list(islice(iterator, size)):
        yield window


def day(timestamp: float) -> date:
    """The UTC day of a cache timestamp."""
    return datetime.fromtimestamp(timestamp, tz=UTC).date()


def today() -> date:
    """Today's UTC day: what an answer fetched now holds for."""
    return datetime.now(tz=UTC).date()


def failed_batch(ids: Sequence[object], error: PubenrichError) -> None:
    """Log a batch that failed after its retries: it fails its own ids, not the job."""
    log.warning("a batch of %d ids failed: %s", len(ids), error)


def retry_later(keys: Sequence[K], replies: Mapping[K, object]) -> list[K]:
    """The keys, in order, whose batch failed in a way a later try may cure: NCBI unavailable
    (5xx, error bodies, 429s past the deadline), a broken transfer, or a reply that would not
    parse. Each is asked once more, after the rest of its window, with a fresh attempt budget
    and batched with the others, so a failed batch is not the end of its ids.

    A connection that cannot be made at all is not: the run stops on it quickly.
    """
    again = [key for key in keys if _curable(replies.get(key))]
    if again:
        log.info("asking NCBI again for %d ids whose batch failed", len(again))
    return again


def _curable(reply: object) -> bool:
    if isinstance(reply, ConnectionFailed):
        return False
    return isinstance(reply, NcbiUnavailable | TransportError | ParseError)


def given(value: T) -> T:
    """The reader of an answer already in its final form (parsed now, or a known absence)."""
    return value


def cache_answer(entry: CacheEntry, reader: Callable[[CacheEntry], T]) -> Answer[T | None]:
    """A cache entry as an answer: ``reader`` decodes a positive one when it is used; a
    negative one ("known absent") reads as None."""
    as_of = day(entry.stored_at)
    if entry.negative:
        return Answer(None, given, "cache", as_of)
    return Answer(entry, reader, "cache", as_of)
