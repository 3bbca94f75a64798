"""The id path as a stream: conversion, ``[doi]`` search and efetch overlap, in full batches.

The phases of the id path (PMCIDs and DOIs through the converter, then the ``[doi]`` search
of DOIs it does not know) are the same functions the phased resolver ran one after another;
here each converter batch's answer moves on as soon as it is known. The PMIDs it finds join a
queue that efetch takes in full batches, and DOIs it does not know gather until a search is
full, so the converter (NCBI's slowest service, 3 requests a second) is never waited on by
work that could already run. Each id is still asked once: citations are grouped by id before
batching, and a DOI shared with a citation that also gives a PMCID waits for that PMCID's
answer, as the phased order had it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from typing import Any, Literal, TypeVar

from pubenrich.model.citation import Citation
from pubenrich.model.identifiers import DOI, PMCID
from pubenrich.services.resolve.convert import convert
from pubenrich.services.resolve.doi_search import DOIS_PER_SEARCH, search_dois
from pubenrich.services.resolve.outcome import Lookup, Outcome

__all__ = ["Inline", "resolve_ids", "streams_for"]

R = TypeVar("R")

Groups = dict[str, list[int]]


class Inline(Executor):
    """Runs each task at once on the calling thread: the flow without threads (used with a
    mirror, whose answers cost no request and whose store is read on one thread)."""

    def submit(self, fn: Callable[..., R], /, *args: Any, **kwargs: Any) -> Future[R]:
        future: Future[R] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # handed to whoever reads the result, as a pool would
            future.set_exception(exc)
        return future


def streams_for(lookup: Lookup, workers: int) -> Executor:
    """An executor of ``workers`` threads, or :class:`Inline` when the fetcher has a mirror."""
    if lookup.fetcher.mirror is not None:
        return Inline()
    return ThreadPoolExecutor(max_workers=workers, thread_name_prefix="pubenrich-resolve")


class _Efetch:
    """PMIDs found along the way, fetched in full batches as they come (the rest at the end)."""

    def __init__(self, lookup: Lookup, pool: Executor) -> None:
        self.lookup = lookup
        self.pool = pool
        self.size = lookup.config.batch_size
        self.pending: list[str] = []
        self.seen: set[str] = set()
        self.underway: list[Future[object]] = []
        self.lock = threading.Lock()  # a search's thread takes queued PMIDs too

    def add(self, pmids: Sequence[str]) -> None:
        with self.lock:
            self._queue(pmids)
            full = []
            while len(self.pending) >= self.size:
                full.append(self.pending[: self.size])
                del self.pending[: self.size]
        for batch in full:
            self._send(batch)

    def fetch_with(self, pmids: list[str]) -> None:
        """Fetch ``pmids`` now, on this thread, their last part-batch filled from the queue."""
        with self.lock:
            new = [p for p in dict.fromkeys(pmids) if p not in self.seen]
            self.seen.update(new)
            room = -len(new) % self.size
            extra = self.pending[:room]
            del self.pending[:room]
        self.lookup.fetch([*pmids, *extra])

    def _queue(self, pmids: Sequence[str]) -> None:
        for pmid in pmids:
            if pmid not in self.seen:
                self.seen.add(pmid)
                self.pending.append(pmid)

    def _send(self, pmids: list[str]) -> None:
        self.underway.append(self.pool.submit(self.lookup.fetch, pmids))

    def finish(self) -> None:
        if self.pending:
            self._send(self.pending)
            self.pending = []
        for future in self.underway:
            future.result()


class _Searches:
    """DOIs the converter does not know, searched :data:`DOIS_PER_SEARCH` distinct DOIs at a
    time as they gather; outcomes are folded in when all are done."""

    def __init__(
        self, lookup: Lookup, pool: Executor, citations: Sequence[Citation], efetch: _Efetch
    ) -> None:
        self.lookup = lookup
        self.pool = pool
        self.efetch = efetch
        self.citations = citations
        self.groups: Groups = {}
        self.underway: list[tuple[list[int], Future[list[Outcome]]]] = []

    def add(self, indexes: Sequence[int]) -> None:
        for index in indexes:
            self.groups.setdefault(_doi_key(self.citations[index]), []).append(index)
        while len(self.groups) >= DOIS_PER_SEARCH:
            keys = list(self.groups)[:DOIS_PER_SEARCH]
            self._send([i for key in keys for i in self.groups.pop(key)])

    def _send(self, indexes: list[int]) -> None:
        chosen = [self.citations[i] for i in indexes]
        self.underway.append(
            (indexes, self.pool.submit(search_dois, self.lookup, chosen, self.efetch.fetch_with))
        )

    def finish(self, known: list[Outcome]) -> None:
        if self.groups:
            self._send([i for group in self.groups.values() for i in group])
            self.groups = {}
        for indexes, future in self.underway:
            for index, outcome in zip(indexes, future.result(), strict=True):
                known[index] = known[index].then(outcome)


def _doi_key(citation: Citation) -> str:
    return DOI(citation.doi or "").key


def _pmcid_key(citation: Citation) -> str:
    return PMCID(citation.pmcid or "").value


def _grouped(citations: Sequence[Citation], indexes: Sequence[int], key: Any) -> Groups:
    groups: Groups = {}
    for index in indexes:
        groups.setdefault(key(citations[index]), []).append(index)
    return groups


def _batches(groups: Groups, size: int) -> list[list[int]]:
    """The groups' citations in batches of ``size`` distinct ids (a group is never split)."""
    keys = list(groups)
    return [
        [i for key in keys[at : at + size] for i in groups[key]] for at in range(0, len(keys), size)
    ]


def resolve_ids(
    lookup: Lookup, citations: Sequence[Citation], known: list[Outcome], pool: Executor
) -> None:
    """Fold the id path's outcomes into ``known`` for the open citations with a PMCID or DOI,
    and fetch the records it finds (on ``pool``, beside the conversion)."""
    size = lookup.config.batch_size
    open_ = [i for i, c in enumerate(citations) if known[i].open and (c.doi or c.pmcid)]
    with_pmcid = [i for i in open_ if citations[i].pmcid]
    waits = {_doi_key(citations[i]) for i in with_pmcid if citations[i].doi}
    doi_only = _grouped(citations, [i for i in open_ if not citations[i].pmcid], _doi_key)
    efetch = _Efetch(lookup, pool)
    searches = _Searches(lookup, pool, citations, efetch)

    def step(indexes: list[int], kind: Literal["pmcid", "doi"]) -> None:
        outcomes = convert(lookup, [citations[i] for i in indexes], kind)
        for index, outcome in zip(indexes, outcomes, strict=True):
            known[index] = known[index].then(outcome)
        efetch.add([o.pmid for o in outcomes if o.pmid is not None])
        if kind == "doi":
            searches.add([i for i in indexes if known[i].open and known[i].doi_unknown])

    # DOIs first (their path is longest: converter, search, efetch), but the last part-batch
    # waits to share a request with the DOIs of citations whose PMCID the converter missed.
    ready = {key: group for key, group in doi_only.items() if key not in waits}
    full = len(ready) - len(ready) % size
    for batch in _batches(dict(list(ready.items())[:full]), size):
        step(batch, "doi")
    for batch in _batches(_grouped(citations, with_pmcid, _pmcid_key), size):
        step(batch, "pmcid")
    rest = list(ready.items())[full:]
    late = [
        i for i in open_ if known[i].open and citations[i].doi and _doi_key(citations[i]) in waits
    ]
    tail = dict(rest)
    for key, group in _grouped(citations, late, _doi_key).items():
        tail.setdefault(key, []).extend(group)
    for batch in _batches(tail, size):
        step(batch, "doi")
    searches.finish(known)
    efetch.finish()
