"""The records service: PMIDs to records, from the mirror, then the cache, then NCBI.

The cache holds parsed records, not HTTP replies, so any batch in any order is served from what
is known and only the missing ids go to NCBI. Inputs are read in windows (``WINDOW_BATCHES``
batches at a time), so a job over a million ids holds one window of records in memory, and
results come out per input, in input order, as each window completes. :class:`Fetcher` is the
façade the enricher and the resolver use, for records and id mappings alike.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from typing import Any

from pubenrich.cache import RECORDS, Cache, CacheEntry
from pubenrich.config import Config
from pubenrich.errors import (
    InvalidIdentifier,
    MirrorError,
    NcbiUnavailable,
    OfflineMiss,
    ParseError,
    PubenrichError,
)
from pubenrich.formats.pubmed_xml import parse_pubmed_xml
from pubenrich.mirror import Mirror
from pubenrich.mirror.store import stored_record
from pubenrich.model.enriched import RecordSource
from pubenrich.model.identifiers import PMID, Identifier
from pubenrich.model.records import SCHEMA_VERSION, DeletedCitation, PubmedRecord, record_from_dict
from pubenrich.model.results import ConvertResult, ConvertStatus, FetchResult, FetchStatus
from pubenrich.ncbi.client import EutilsClient
from pubenrich.ncbi.efetch import Batch
from pubenrich.ncbi.esummary import JsonBatch, parse_esummary
from pubenrich.services.idmap import IdMap, mapping_key
from pubenrich.services.sources import (
    WINDOW_BATCHES,
    Answer,
    Reply,
    Source,
    ask,
    cache_answer,
    failed_batch,
    given,
    in_trust_order,
    retry_later,
    today,
    windows,
)

__all__ = [
    "WINDOW_BATCHES",
    "ConvertResult",
    "ConvertStatus",
    "FetchResult",
    "FetchStatus",
    "Fetcher",
    "RecordSource",
    "Records",
    "mapping_key",
    "windows",
]

log = logging.getLogger(__name__)

# What a source knows of a PMID: its record, or None when PubMed holds no such PMID.
RecordReply = Reply[PubmedRecord | None]

_UNREADABLE = {
    "mirror": "mirror record %s is unreadable (%s); fetching it",
    "cache": "cached record %s is unreadable (%s); fetching again",
}


class MirrorRecords:
    """The local mirror's records (read as they are used) and the PMIDs its updates deleted."""

    def __init__(self, mirror: Mirror) -> None:
        self.mirror = mirror

    def lookup(self, keys: Sequence[str]) -> dict[str, RecordReply]:
        """The records held among ``keys``, then the deletions among the rest."""
        as_of = self.mirror.as_of
        replies: dict[str, RecordReply] = {
            key: Answer(stored, stored_record, "mirror", as_of)
            for key, stored in self.mirror.stored_by_key(keys).items()
        }
        rest = [key for key in keys if key not in replies]
        # A PMID an update file deleted is answered by the mirror: no request.
        for key in self.mirror.deleted_among(rest) if rest else ():
            replies[key] = Answer(key, _deleted, "mirror", as_of)
        return replies


class CacheRecords:
    """The records and known-absent PMIDs a cache holds, decoded as they are used."""

    def __init__(self, cache: Cache) -> None:
        self.cache = cache

    def lookup(self, keys: Sequence[str]) -> dict[str, RecordReply]:
        """The live entries among ``keys``."""
        hits = self.cache.get_many(RECORDS, keys, version=SCHEMA_VERSION)
        return {key: cache_answer(entry, _cached_record) for key, entry in hits.items()}


class NcbiRecords:
    """EFetch for what no other source holds, each batch cached as soon as it is read.

    Offline, every key is an :class:`OfflineMiss`. A batch that fails after its retries fails
    only its own PMIDs.
    """

    def __init__(self, config: Config, client: EutilsClient, cache: Cache) -> None:
        self.config = config
        self.client = client
        self.cache = cache

    def lookup(self, keys: Sequence[str]) -> dict[str, RecordReply]:
        """A reply for every key: its record, its absence, or what failed."""
        if self.config.offline:
            return {
                key: OfflineMiss(f"offline mode: PMID {key} is not in the cache") for key in keys
            }
        replies, absent = self._efetch_round(keys, today())
        # NCBI leaves unknown PMIDs out of a reply, and under load sometimes leaves out known
        # ones too: ask once more for the absent ones before calling them not found. The ids
        # of batches that failed are asked again with them, in full batches.
        again_keys = set(retry_later(keys, replies)).union(absent)
        if again_keys:
            now = today()
            again, still_absent = self._efetch_round(
                [key for key in keys if key in again_keys], now
            )
            replies.update(again)
            if still_absent:
                replies.update(self._confirm_absent(still_absent, now))
        return replies

    def _efetch_round(
        self, keys: Sequence[str], now: date
    ) -> tuple[dict[str, RecordReply], list[str]]:
        """One pass of efetch over ``keys``: the replies, and the PMIDs the replies left out.

        Each batch's records are stored as soon as its reply is parsed, not once per window:
        a process killed mid-window then loses no batch it had completed, and a re-run asks
        NCBI only for what was still in flight.
        """
        replies: dict[str, RecordReply] = {}
        absent: list[str] = []
        for ids, batch in self.client.efetch_batches(keys):
            if not isinstance(batch, Batch):
                failed_batch(ids, batch)
                replies.update(dict.fromkeys(ids, batch))
                continue
            got, failure = _parse_batch(batch.body)
            answered: dict[str, PubmedRecord] = {}
            for key in ids:
                if key in got:
                    answered[key] = got[key]
                    replies[key] = Answer(got[key], given, "eutils", now)
                elif failure is not None:
                    replies[key] = failure
                else:
                    absent.append(key)
            if answered:  # a deletion is an answer too, kept as long as a record
                stored = {key: record.to_dict() for key, record in answered.items()}
                self.cache.put_many(RECORDS, stored, version=SCHEMA_VERSION)
        return replies, absent

    def _confirm_absent(self, keys: Sequence[str], now: date) -> dict[str, RecordReply]:
        """Tell unknown PMIDs from known ones efetch left out twice, by asking ESummary.

        efetch is silent about unknown PMIDs, but ESummary names each ("cannot get document
        summary"): only those are ``not_found`` and cached so. A PMID it summarizes exists, so
        its absence is NCBI's failure, reported as an error and not cached; so is every PMID
        of a summary request that fails.
        """
        replies: dict[str, RecordReply] = {}
        unknown: list[str] = []
        failed = self._summarize(keys, now, replies, unknown)
        again = retry_later(failed, replies)
        if again:
            self._summarize(again, now, replies, unknown)
        if unknown:
            self.cache.put_missing(RECORDS, unknown, version=SCHEMA_VERSION)
        return replies

    def _summarize(
        self,
        keys: Sequence[str],
        now: date,
        replies: dict[str, RecordReply],
        unknown: list[str],
    ) -> list[str]:
        """One pass of ESummary over ``keys``, into ``replies``; unknown PMIDs join
        ``unknown``. Returns the keys whose request failed."""
        failed: list[str] = []
        for ids, batch in self.client.esummary_batches(keys):
            summaries: dict[str, dict[str, Any]] = {}
            failure: PubenrichError | None = None
            if not isinstance(batch, JsonBatch):
                failed_batch(ids, batch)
                failure = batch
            else:
                try:
                    summaries = parse_esummary(batch.data)
                except ParseError as exc:
                    failure = exc
            for key in ids:
                summary = summaries.get(key)
                if summary is not None and "error" in summary:
                    unknown.append(key)
                    replies[key] = Answer(None, given, "eutils", now)
                    continue
                if failure is not None:
                    failed.append(key)
                replies[key] = failure or NcbiUnavailable(
                    f"efetch left out PMID {key}, though ESummary lists it"
                )
        return failed


class Records:
    """PMIDs to :class:`FetchResult`: the mirror, then the cache (unless refreshing), then NCBI.

    Args:
        config: the settings (``offline``, ``batch_size``).
        client: the E-utilities client.
        cache: where records are kept.
        mirror: a local PubMed mirror asked before the cache and NCBI.
    """

    def __init__(
        self, config: Config, client: EutilsClient, cache: Cache, mirror: Mirror | None = None
    ) -> None:
        self.config = config
        self._mirror = MirrorRecords(mirror) if mirror is not None else None
        self._cache = CacheRecords(cache)
        self._ncbi = NcbiRecords(config, client, cache)

    def _sources(self, refresh: bool) -> list[Source[str, PubmedRecord | None]]:
        return in_trust_order(self._mirror, self._cache, self._ncbi, refresh=refresh)

    def fetch(self, pmids: Iterable[Any], *, refresh: bool = False) -> Iterator[FetchResult]:
        """One :class:`FetchResult` per input, in input order; see ``Enricher.fetch``.

        A window's held records are rebuilt one at a time as their results are yielded, not
        all before the first: a record the caller drops then dies young, which keeps memory
        flat and spares the garbage collector most of its work on a warm cache.
        """
        for window in windows(pmids, self.config.batch_size * WINDOW_BATCHES):
            parsed: list[tuple[Any, PMID | InvalidIdentifier]] = []
            for value in window:
                try:
                    parsed.append((value, PMID(value)))
                except InvalidIdentifier as exc:
                    parsed.append((value, exc))
            counts = Counter(p.value for _, p in parsed if isinstance(p, PMID))
            replies = ask(self._sources(refresh), list(counts))
            shared: dict[str, FetchResult] = {}
            for value, pmid in parsed:
                if isinstance(pmid, InvalidIdentifier):
                    yield FetchResult(input=value, pmid=None, status="invalid", error=pmid)
                    continue
                key = pmid.value
                done = shared.get(key)
                if done is None:
                    done = self._result(key, replies.pop(key), value)
                    if counts[key] > 1:  # a repeated input shares its record
                        shared[key] = done
                    yield done
                    continue
                # Built directly rather than by attrs.evolve: this loop runs per input,
                # tens of thousands a second from a warm cache.
                yield FetchResult(
                    value,
                    done.pmid,
                    done.status,
                    done.record,
                    done.error,
                    done.from_cache,
                    done.source,
                    done.as_of,
                )

    def records(self, keys: Sequence[str], *, refresh: bool = False) -> dict[str, FetchResult]:
        """Results for unique normalized PMIDs (without an input)."""
        replies = ask(self._sources(refresh), keys)
        return {key: self._result(key, replies[key]) for key in keys}

    def _result(self, key: str, reply: RecordReply, given_input: Any = None) -> FetchResult:
        """The result of one reply, for the input ``given_input``; a held record that cannot
        be read is a miss, not a failure: it is fetched."""
        if isinstance(reply, PubenrichError):
            status: FetchStatus = "offline_miss" if isinstance(reply, OfflineMiss) else "error"
            return FetchResult(given_input, PMID(key), status, error=reply)
        try:
            record = reply.read()
        except (ParseError, MirrorError) as exc:
            log.warning(_UNREADABLE.get(reply.source, "%s %s"), key, exc)
            return self._result(key, self._ncbi.lookup([key])[key], given_input)
        from_cache = reply.source == "cache"
        if record is None:
            status = "not_found"
            pmid = PMID(key)
        elif isinstance(record, DeletedCitation):
            status = "deleted"
            pmid = PMID(key)
        else:
            status = "found"
            pmid = record.pmid if record.pmid.value == key else PMID(key)  # one PMID fewer
        return FetchResult(
            given_input, pmid, status, record, None, from_cache, reply.source, reply.as_of
        )


class Fetcher(Records):
    """Fetches records and converts ids for the :class:`~pubenrich.Enricher` and the resolver.

    Args:
        config: the settings (``offline``, ``batch_size``, ``max_in_flight``).
        client: the E-utilities client.
        cache: where records and mappings are kept.
        mirror: a local PubMed mirror asked before the cache and NCBI.
    """

    def __init__(
        self, config: Config, client: EutilsClient, cache: Cache, mirror: Mirror | None = None
    ) -> None:
        super().__init__(config, client, cache, mirror)
        self.client = client
        self.cache = cache
        self.mirror = mirror
        self._idmap = IdMap(config, client, cache, mirror)

    def convert(self, ids: Iterable[Any], *, refresh: bool = False) -> Iterator[ConvertResult]:
        """One :class:`ConvertResult` per input, in input order; see ``Enricher.convert``."""
        return self._idmap.convert(ids, refresh=refresh)

    def mappings(
        self, idents: Sequence[Identifier], *, refresh: bool = False
    ) -> dict[tuple[str, str], ConvertResult]:
        """Results keyed by (namespace, normalized id): mirror, then cache, then idconv."""
        return self._idmap.mappings(idents, refresh=refresh)


def _deleted(key: str) -> DeletedCitation:
    return DeletedCitation((PMID(key),))


def _cached_record(entry: CacheEntry) -> PubmedRecord:
    # The cache holds what NcbiRecords stored with to_dict: read it back trusted.
    return record_from_dict(entry.value, trusted=True)


def _parse_batch(body: bytes) -> tuple[dict[str, PubmedRecord], ParseError | None]:
    """Records of one reply by PMID; a parse failure keeps the records read before it."""
    got: dict[str, PubmedRecord] = {}
    try:
        for record in parse_pubmed_xml(body):
            if isinstance(record, DeletedCitation):
                for pmid in record.pmids:
                    got[pmid.value] = record
            else:
                got[record.pmid.value] = record
    except ParseError as exc:
        return got, exc
    return got, None
