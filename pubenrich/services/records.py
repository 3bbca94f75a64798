"""The fetch path: PMIDs to records and ids to ids, through a record-level cache.

The cache holds parsed records and id mappings, not HTTP replies, so any batch in any order is
served from what is known and only the missing ids go to NCBI. Inputs are read in windows
(``WINDOW_BATCHES`` batches at a time), so a job over a million ids holds one window of records
in memory, and results come out per input, in input order, as each window completes.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, date, datetime
from itertools import islice
from typing import Any, Literal, TypeVar

import attrs

from pubenrich.cache import (
    DOI_TO_PMID,
    PMCID_TO_PMID,
    PMID_TO_IDS,
    RECORDS,
    Cache,
    CacheEntry,
)
from pubenrich.config import Config
from pubenrich.errors import (
    InvalidIdentifier,
    MirrorError,
    NcbiError,
    NcbiUnavailable,
    OfflineMiss,
    ParseError,
    PubenrichError,
    TransportError,
)
from pubenrich.formats.pubmed_xml import parse_pubmed_xml
from pubenrich.mirror import Mirror
from pubenrich.mirror.store import stored_record
from pubenrich.model.enriched import RecordSource
from pubenrich.model.identifiers import DOI, PMCID, PMID, Identifier, parse_identifier
from pubenrich.model.records import (
    SCHEMA_VERSION,
    Article,
    BookArticle,
    DeletedCitation,
    PubmedRecord,
    record_from_dict,
)
from pubenrich.ncbi.client import EutilsClient
from pubenrich.ncbi.esummary import parse_esummary
from pubenrich.ncbi.idconv import IdconvRecord

__all__ = [
    "ConvertResult",
    "ConvertStatus",
    "FetchResult",
    "FetchStatus",
    "Fetcher",
    "RecordSource",
]

log = logging.getLogger(__name__)

FetchStatus = Literal["found", "deleted", "not_found", "invalid", "error", "offline_miss"]
ConvertStatus = Literal["found", "not_in_pmc", "invalid", "error", "offline_miss"]

# How many client batches of inputs one window holds: enough to keep every in-flight slot busy
# and to share batches across duplicate inputs, few enough to keep memory flat.
WINDOW_BATCHES = 10
# Mapping values carry their own shape version; bump it when the stored dict changes.
MAPPING_VERSION = 1
# NCBI's "not in PMC" messages; any other idconv error means the id itself was refused.
_NOT_IN_PMC = ("not found in pmc", "no record in the reply", "not in pmc")

# A record known without a request, kept in its stored form until used: the mirror's (bytes)
# or the cache's entry.
Held = CacheEntry | bytes

T = TypeVar("T")
R = TypeVar("R")


@attrs.frozen
class FetchResult:
    """The outcome of fetching one input PMID.

    Attributes:
        input: the input exactly as given.
        pmid: the normalized PMID, or None when the input was not a valid PMID.
        status: ``found`` (``record`` holds it), ``deleted`` (NCBI listed it as deleted),
            ``not_found`` (PubMed holds no such PMID), ``invalid`` (not a PMID),
            ``error`` (NCBI or the network failed; ``error`` says how), ``offline_miss``
            (offline mode and not cached).
        record: the parsed record, when found.
        error: what went wrong, for ``invalid``, ``error`` and ``offline_miss``.
        from_cache: the answer came from the cache, with no request.
        source: where the answer (``found``, ``deleted`` or ``not_found``) came from:
            ``mirror`` (the local mirror), ``cache``, or ``eutils`` (asked now); None when
            there is no answer (``invalid``, ``error``, ``offline_miss``).
        as_of: the date the answer holds for: the mirror's date (its last update file, else
            its build), the day the cache stored it, or today for E-utilities.
    """

    input: Any
    pmid: PMID | None
    status: FetchStatus
    record: PubmedRecord | None = None
    error: PubenrichError | None = attrs.field(default=None, eq=False)
    from_cache: bool = False
    source: RecordSource | None = None
    as_of: date | None = None

    @property
    def ok(self) -> bool:
        """True when the record was found."""
        return self.status == "found"


@attrs.frozen
class ConvertResult:
    """The outcome of converting one input id with the PMC ID converter.

    Attributes:
        input: the input exactly as given.
        kind: ``pmid``, ``pmcid`` or ``doi``, or None when the input is none of them.
        status: ``found``; ``not_in_pmc`` (a valid id that PMC does not hold: the converter
            knows only PMC articles); ``invalid`` (not an id, or refused by NCBI as one);
            ``error``; ``offline_miss``.
        pmid, pmcid, doi: the ids of the article, each when known.
        error: what went wrong, for ``invalid``, ``error`` and ``offline_miss``.
        from_cache: the answer came from the cache, with no request.
        source: where the answer (``found`` or ``not_in_pmc``) came from: ``mirror`` (the
            local mirror's id indexes), ``cache`` or ``eutils``; None when there is none.
        as_of: the date the answer holds for: the mirror's date, the day the cache stored it,
            or today for the PMC ID converter; None when there is no answer.
    """

    input: Any
    kind: Literal["pmid", "pmcid", "doi"] | None
    status: ConvertStatus
    pmid: PMID | None = None
    pmcid: PMCID | None = None
    doi: DOI | None = None
    error: PubenrichError | None = attrs.field(default=None, eq=False)
    from_cache: bool = False
    source: RecordSource | None = None
    as_of: date | None = None


def windows(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """``items`` in lists of ``size`` (the last may be shorter), read lazily."""
    iterator = iter(items)
    while window := list(islice(iterator, size)):
        yield window


def isolate_batches(
    run: Callable[[Sequence[str]], Iterator[R]],
    items: Sequence[str],
    size: int,
    count: Callable[[R], int],
) -> Iterator[tuple[Sequence[str], R | PubenrichError]]:
    """Run a batched client call so that one failed batch fails only its own ids.

    The client yields batches of ``size`` in order and stops at the first batch that fails
    after its retries; here the failed batch is reported and the call resumes after it.
    """
    start = 0
    while start < len(items):
        try:
            for result in run(items[start:]):
                done = count(result)
                yield items[start : start + done], result
                start += done
        except (NcbiError, TransportError) as exc:
            failed = items[start : start + size]
            log.warning("a batch of %d ids failed: %s", len(failed), exc)
            yield failed, exc
            start += len(failed)


class Fetcher:
    """Fetches records and converts ids for the :class:`~pubenrich.Enricher`.

    Args:
        config: the settings (``offline``, ``batch_size``, ``max_in_flight``).
        client: the E-utilities client.
        cache: where records and mappings are kept.
        mirror: a local PubMed mirror asked before the cache and NCBI (records only).
    """

    def __init__(
        self, config: Config, client: EutilsClient, cache: Cache, mirror: Mirror | None = None
    ) -> None:
        self.config = config
        self.client = client
        self.cache = cache
        self.mirror = mirror
        self._mirror_as_of: date | None = None  # read from the mirror at each lookup

    # ------------------------------------------------------------------ records

    def fetch(self, pmids: Iterable[Any], *, refresh: bool = False) -> Iterator[FetchResult]:
        """One :class:`FetchResult` per input, in input order; see ``Enricher.fetch``.

        A window's cached records are rebuilt one at a time as their results are yielded, not
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
            outcomes, hits = self._lookup(list(counts), refresh=refresh)
            for value, pmid in parsed:
                if isinstance(pmid, InvalidIdentifier):
                    yield FetchResult(input=value, pmid=None, status="invalid", error=pmid)
                    continue
                key = pmid.value
                done = outcomes.get(key)
                if done is None:
                    done = self._rebuild(key, hits.pop(key), value)
                    if counts[key] > 1:  # a repeated input shares its record
                        outcomes[key] = done
                    if done.input is value:
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
        """Results for unique normalized PMIDs: mirror, then cache, then efetch for the misses."""
        outcomes, hits = self._lookup(keys, refresh=refresh)
        for key, entry in hits.items():
            outcomes[key] = self._rebuild(key, entry)
        return outcomes

    def _cached(self, keys: Sequence[str]) -> dict[str, CacheEntry]:
        return self.cache.get_many(RECORDS, keys, version=SCHEMA_VERSION)

    def _lookup(
        self, keys: Sequence[str], *, refresh: bool
    ) -> tuple[dict[str, FetchResult], dict[str, Held]]:
        """Results for every key but the held records (the mirror's deletions, known-absent
        ones from the cache, the misses fetched or offline misses), and the stored forms of
        the held records (the mirror's, then the cache's), left for the caller to rebuild
        when it needs them."""
        outcomes: dict[str, FetchResult] = {}
        held: dict[str, Held] = {}
        rest = keys
        if self.mirror is not None:
            self._mirror_as_of = self.mirror.as_of
            held.update(self.mirror.stored_by_key(keys))
            rest = [key for key in keys if key not in held]
            # A PMID an update file deleted is answered by the mirror: no request.
            for key in self.mirror.deleted_among(rest) if rest else ():
                pmid = PMID(key)
                outcomes[key] = FetchResult(
                    None,
                    pmid,
                    "deleted",
                    DeletedCitation((pmid,)),
                    source="mirror",
                    as_of=self._mirror_as_of,
                )
            if outcomes:
                rest = [key for key in rest if key not in outcomes]
        hits = self._cached(rest) if rest and not refresh else {}
        for key in [key for key, entry in hits.items() if entry.negative]:
            stored = _day(hits.pop(key).stored_at)
            outcomes[key] = FetchResult(
                None, PMID(key), "not_found", from_cache=True, source="cache", as_of=stored
            )
        outcomes.update(self._missed([k for k in rest if k not in hits and k not in outcomes]))
        held.update(hits)
        return outcomes, held

    def _missed(self, misses: Sequence[str]) -> dict[str, FetchResult]:
        if not misses:
            return {}
        if not self.config.offline:
            return self._efetch(misses)
        outcomes: dict[str, FetchResult] = {}
        for key in misses:
            miss = OfflineMiss(f"offline mode: PMID {key} is not in the cache")
            outcomes[key] = FetchResult(None, PMID(key), "offline_miss", error=miss)
        return outcomes

    def _rebuild(self, key: str, entry: Held, given: Any = None) -> FetchResult:
        """The result of a held record, for the input ``given``; an unreadable one is a
        miss, not a failure (its result, then fetched, has no input)."""
        if isinstance(entry, bytes):  # the mirror's stored form
            try:
                record = stored_record(entry)
            except (ParseError, MirrorError) as exc:
                log.warning("mirror record %s is unreadable (%s); fetching it", key, exc)
                return self._missed([key])[key]
            return _found(key, record, given=given, source="mirror", as_of=self._mirror_as_of)
        try:
            # The cache holds what _store wrote with to_dict: read it back trusted.
            record = record_from_dict(entry.value, trusted=True)
        except ParseError as exc:
            log.warning("cached record %s is unreadable (%s); fetching again", key, exc)
            return self._missed([key])[key]
        return _found(
            key, record, from_cache=True, given=given, source="cache", as_of=_day(entry.stored_at)
        )

    def _efetch(self, misses: Sequence[str]) -> dict[str, FetchResult]:
        outcomes, absent = self._efetch_round(misses, _today())
        # NCBI leaves unknown PMIDs out of a reply, and under load sometimes leaves out known
        # ones too: ask once more for the absent ones before calling them not found.
        if absent:
            today = _today()
            again, still_absent = self._efetch_round(absent, today)
            outcomes.update(again)
            if still_absent:
                outcomes.update(self._confirm_absent(still_absent, today))
        return outcomes

    def _confirm_absent(self, keys: Sequence[str], today: date) -> dict[str, FetchResult]:
        """Tell unknown PMIDs from known ones efetch left out twice, by asking ESummary.

        efetch is silent about unknown PMIDs, but ESummary names each ("cannot get document
        summary"): only those are ``not_found`` and cached so. A PMID it summarizes exists, so
        its absence is NCBI's failure, reported as an error and not cached; so is every PMID
        of a summary request that fails.
        """
        outcomes: dict[str, FetchResult] = {}
        unknown: list[str] = []
        for ids, batch in isolate_batches(
            self.client.esummary, keys, self.config.batch_size, lambda b: len(b.ids)
        ):
            if isinstance(batch, PubenrichError):
                summaries: dict[str, dict[str, Any]] = {}
                failure: PubenrichError | None = batch
            else:
                try:
                    summaries, failure = parse_esummary(batch.data), None
                except ParseError as exc:
                    summaries, failure = {}, exc
            for key in ids:
                summary = summaries.get(key)
                if summary is not None and "error" in summary:
                    unknown.append(key)
                    outcomes[key] = FetchResult(
                        None, PMID(key), "not_found", source="eutils", as_of=today
                    )
                    continue
                reason = failure or NcbiUnavailable(
                    f"efetch left out PMID {key} twice, though ESummary lists it"
                )
                outcomes[key] = FetchResult(None, PMID(key), "error", error=reason)
        if unknown:
            self.cache.put_missing(RECORDS, unknown, version=SCHEMA_VERSION)
        return outcomes

    def _efetch_round(
        self, keys: Sequence[str], today: date
    ) -> tuple[dict[str, FetchResult], list[str]]:
        """One pass of efetch over ``keys``: the outcomes, and the PMIDs the replies left out.

        Each batch's records are stored as soon as its reply is parsed, not once per window:
        a process killed mid-window then loses no batch it had completed, and a re-run asks
        NCBI only for what was still in flight.
        """
        outcomes: dict[str, FetchResult] = {}
        absent: list[str] = []
        for ids, body in isolate_batches(
            self.client.efetch, keys, self.config.batch_size, lambda b: len(b.ids)
        ):
            if isinstance(body, PubenrichError):
                for key in ids:
                    outcomes[key] = FetchResult(None, PMID(key), "error", error=body)
                continue
            got, failure = self._parse_batch(body.body, today)
            answered: dict[str, FetchResult] = {}
            for key in ids:
                if key in got:
                    outcomes[key] = answered[key] = got[key]
                elif failure is not None:
                    outcomes[key] = FetchResult(None, PMID(key), "error", error=failure)
                else:
                    absent.append(key)
            self._store(answered)
        return outcomes, absent

    @staticmethod
    def _parse_batch(body: bytes, today: date) -> tuple[dict[str, FetchResult], ParseError | None]:
        """Records of one reply by PMID; a parse failure keeps the records read before it."""
        got: dict[str, FetchResult] = {}
        try:
            for record in parse_pubmed_xml(body):
                if isinstance(record, DeletedCitation):
                    for pmid in record.pmids:
                        got[pmid.value] = FetchResult(
                            None, pmid, "deleted", record, source="eutils", as_of=today
                        )
                else:
                    got[record.pmid.value] = _found(
                        record.pmid.value, record, source="eutils", as_of=today
                    )
        except ParseError as exc:
            return got, exc
        return got, None

    def _store(self, outcomes: dict[str, FetchResult]) -> None:
        """Cache the records and deletions of one batch, in one transaction; never errors."""
        found = {  # a deletion is an answer too, kept as long as a record
            key: r.record.to_dict()
            for key, r in outcomes.items()
            if r.status in ("found", "deleted") and r.record is not None and not r.from_cache
        }
        if found:
            self.cache.put_many(RECORDS, found, version=SCHEMA_VERSION)

    # ------------------------------------------------------------------ id mappings

    def convert(self, ids: Iterable[Any], *, refresh: bool = False) -> Iterator[ConvertResult]:
        """One :class:`ConvertResult` per input, in input order; see ``Enricher.convert``."""
        for window in windows(ids, self.config.batch_size * WINDOW_BATCHES):
            parsed: list[tuple[Any, Identifier | InvalidIdentifier]] = []
            for value in window:
                try:
                    parsed.append((value, parse_identifier(value)))
                except InvalidIdentifier as exc:
                    parsed.append((value, exc))
            wanted = [p for _, p in parsed if not isinstance(p, InvalidIdentifier)]
            outcomes = self.mappings(wanted, refresh=refresh)
            for value, ident in parsed:
                if isinstance(ident, InvalidIdentifier):
                    yield ConvertResult(input=value, kind=None, status="invalid", error=ident)
                else:
                    yield attrs.evolve(outcomes[mapping_key(ident)], input=value)

    def mappings(
        self, idents: Sequence[Identifier], *, refresh: bool = False
    ) -> dict[tuple[str, str], ConvertResult]:
        """Results keyed by (namespace, normalized id): mirror, then cache, then idconv."""
        by_namespace: dict[str, dict[str, Identifier]] = {}
        for ident in idents:
            namespace, key = mapping_key(ident)
            by_namespace.setdefault(namespace, {})[key] = ident
        outcomes: dict[tuple[str, str], ConvertResult] = {}
        for namespace, wanted in by_namespace.items():
            if self.mirror is not None:
                known = self._mirror_mappings(self.mirror, list(wanted.values()))
                for key, result in known.items():
                    outcomes[namespace, key] = result
                    del wanted[key]
                if not wanted:
                    continue
            hits = (
                {}
                if refresh
                else self.cache.get_many(namespace, list(wanted), version=MAPPING_VERSION)
            )
            for key, entry in hits.items():
                ident = wanted[key]
                value = None if entry.negative else entry.value
                stored = _day(entry.stored_at)
                if value is None:
                    outcomes[namespace, key] = _not_in_pmc(ident, from_cache=True, as_of=stored)
                else:
                    outcomes[namespace, key] = _mapped(ident, value, from_cache=True, as_of=stored)
            misses = [ident for key, ident in wanted.items() if key not in hits]
            if misses and self.config.offline:
                for ident in misses:
                    miss = OfflineMiss(f"offline mode: {ident} is not in the cache")
                    outcomes[namespace, mapping_key(ident)[1]] = ConvertResult(
                        None, _kind(ident), "offline_miss", error=miss
                    )
            elif misses:
                outcomes.update(self._idconv(namespace, misses))
        return outcomes

    @staticmethod
    def _mirror_mappings(mirror: Mirror, idents: Sequence[Identifier]) -> dict[str, ConvertResult]:
        """What the mirror maps, by mapping key: the ids of each record it holds that names
        another id (a PMCID or DOI beside its PMID); the rest are left to the cache and idconv.

        A DOI or PMCID is found by the mirror's indexes (the records', then PMC-ids), then
        the record gives the ids as PubMed writes them."""
        pmid_of: dict[str, str] = {}
        for ident in idents:
            key = mapping_key(ident)[1]
            if isinstance(ident, PMID):
                pmid_of[key] = ident.value
            else:
                found = (
                    mirror.pmid_for_pmcid(ident)
                    if isinstance(ident, PMCID)
                    else mirror.pmid_for_doi(ident)
                )
                if found is not None:
                    pmid_of[key] = found.value
        records = mirror.records_by_key(list(dict.fromkeys(pmid_of.values()))) if pmid_of else {}
        as_of = mirror.as_of if records else None
        known: dict[str, ConvertResult] = {}
        for ident in idents:
            key = mapping_key(ident)[1]
            record = records.get(pmid_of.get(key, ""))
            if not isinstance(record, Article | BookArticle):
                continue
            pmcid = record.pmcid or (ident if isinstance(ident, PMCID) else None)
            if pmcid is None and record.doi is None:
                continue  # PMC-ids or idconv may know more than the record
            known[key] = ConvertResult(
                None,
                _kind(ident),
                "found",
                pmid=record.pmid,
                pmcid=pmcid,
                doi=record.doi,
                source="mirror",
                as_of=as_of,
            )
        return known

    def _idconv(
        self, namespace: str, misses: Sequence[Identifier]
    ) -> dict[tuple[str, str], ConvertResult]:
        by_value = {ident.value: ident for ident in misses}
        outcomes: dict[tuple[str, str], ConvertResult] = {}
        size = min(self.config.batch_size, 200)
        for values, reply in isolate_batches(self.client.idconv, list(by_value), size, len):
            if isinstance(reply, PubenrichError):
                for value in values:
                    ident = by_value[value]
                    outcomes[namespace, mapping_key(ident)[1]] = ConvertResult(
                        None, _kind(ident), "error", error=reply
                    )
                continue
            today = _today()
            answered = [
                _from_idconv(by_value[value], record, today)
                for value, record in zip(values, reply, strict=True)
            ]
            for value, result in zip(values, answered, strict=True):
                outcomes[namespace, mapping_key(by_value[value])[1]] = result
            # Stored per batch, as efetch's records are: a kill loses no completed batch.
            self._store_mappings(answered)
        return outcomes

    def _store_mappings(self, results: Iterable[ConvertResult]) -> None:
        found: dict[str, dict[str, dict[str, str | None]]] = {}
        missing: dict[str, list[str]] = {}
        for result in results:
            if result.status == "found":
                value = {
                    "pmid": result.pmid.value if result.pmid else None,
                    "pmcid": result.pmcid.value if result.pmcid else None,
                    "doi": result.doi.value if result.doi else None,
                }
                # One answer names all three ids: file it under each, so any of them hits.
                for ident in (result.pmid, result.pmcid, result.doi):
                    if ident is not None:
                        namespace, key = mapping_key(ident)
                        found.setdefault(namespace, {})[key] = value
            elif result.status == "not_in_pmc":
                for ident in (result.pmid, result.pmcid, result.doi):
                    if ident is not None:
                        namespace, key = mapping_key(ident)
                        missing.setdefault(namespace, []).append(key)
        for namespace, items in found.items():
            self.cache.put_many(namespace, items, version=MAPPING_VERSION)
        for namespace, keys in missing.items():
            self.cache.put_missing(namespace, keys, version=MAPPING_VERSION)


def _found(
    key: str,
    record: PubmedRecord,
    *,
    from_cache: bool = False,
    given: Any = None,
    source: RecordSource,
    as_of: date | None,
) -> FetchResult:
    if isinstance(record, DeletedCitation):
        return FetchResult(given, PMID(key), "deleted", record, None, from_cache, source, as_of)
    pmid = record.pmid if record.pmid.value == key else PMID(key)  # one PMID fewer per record
    return FetchResult(given, pmid, "found", record, None, from_cache, source, as_of)


def _day(timestamp: float) -> date:
    """The UTC day of a cache timestamp."""
    return datetime.fromtimestamp(timestamp, tz=UTC).date()


def _today() -> date:
    """Today's UTC day: what an answer fetched now holds for."""
    return datetime.now(tz=UTC).date()


def _kind(ident: Identifier) -> Literal["pmid", "pmcid", "doi"]:
    if isinstance(ident, PMID):
        return "pmid"
    if isinstance(ident, PMCID):
        return "pmcid"
    return "doi"


def mapping_key(ident: Identifier) -> tuple[str, str]:
    """The cache namespace and key of an id (DOIs keyed case-insensitively)."""
    if isinstance(ident, PMID):
        return PMID_TO_IDS, ident.value
    if isinstance(ident, PMCID):
        return PMCID_TO_PMID, ident.value
    return DOI_TO_PMID, ident.key


def _id_or_none(factory: Callable[[str], T], value: Any) -> T | None:
    if not value:
        return None
    try:
        return factory(str(value))
    except InvalidIdentifier:
        return None


def _mapped(
    ident: Identifier, value: Any, *, from_cache: bool = False, as_of: date | None = None
) -> ConvertResult:
    return ConvertResult(
        None,
        _kind(ident),
        "found",
        pmid=_id_or_none(PMID, value.get("pmid")),
        pmcid=_id_or_none(PMCID, value.get("pmcid")),
        doi=_id_or_none(DOI, value.get("doi")),
        from_cache=from_cache,
        source="cache" if from_cache else "eutils",
        as_of=as_of,
    )


def _not_in_pmc(
    ident: Identifier, *, from_cache: bool = False, as_of: date | None = None
) -> ConvertResult:
    return ConvertResult(
        None,
        _kind(ident),
        "not_in_pmc",
        pmid=ident if isinstance(ident, PMID) else None,
        pmcid=ident if isinstance(ident, PMCID) else None,
        doi=ident if isinstance(ident, DOI) else None,
        from_cache=from_cache,
        source="cache" if from_cache else "eutils",
        as_of=as_of,
    )


def _from_idconv(ident: Identifier, record: IdconvRecord, today: date) -> ConvertResult:
    if record.error is None and (record.pmcid or (record.pmid and record.doi)):
        ids = {"pmid": record.pmid, "pmcid": record.pmcid, "doi": record.doi}
        return _mapped(ident, ids, as_of=today)
    message = (record.error or "").lower()
    if record.error is None or any(text in message for text in _NOT_IN_PMC):
        return _not_in_pmc(ident, as_of=today)
    refused = InvalidIdentifier(_kind(ident), ident.value, f"NCBI: {record.error}")
    return ConvertResult(None, _kind(ident), "invalid", error=refused)
