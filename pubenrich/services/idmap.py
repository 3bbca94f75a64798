"""The id-mapping service: PMID <-> PMCID <-> DOI, from the mirror, then the cache, then NCBI.

One article's ids are one answer: stored under each of them, so any of the three finds the
others, and asked of the same sources, in the same order, as records are
(:mod:`pubenrich.services.sources`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date
from typing import Any, Literal, TypeVar

import attrs

from pubenrich.cache import DOI_TO_PMID, PMCID_TO_PMID, PMID_TO_IDS, Cache, CacheEntry
from pubenrich.config import Config
from pubenrich.errors import InvalidIdentifier, OfflineMiss, PubenrichError
from pubenrich.mirror import Mirror
from pubenrich.model.identifiers import DOI, PMCID, PMID, Identifier, parse_identifier
from pubenrich.model.records import Article, BookArticle
from pubenrich.model.results import ConvertResult, ConvertStatus
from pubenrich.ncbi.client import EutilsClient
from pubenrich.ncbi.idconv import IdconvRecord
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

__all__ = ["MAPPING_VERSION", "IdMap", "mapping_key"]

# Mapping values carry their own shape version; bump it when the stored dict changes.
MAPPING_VERSION = 1
# NCBI's "not in PMC" messages; any other idconv error means the id itself was refused.
_NOT_IN_PMC = ("not found in pmc", "no record in the reply", "not in pmc")

T = TypeVar("T")

# An article's ids; a source that knows an id is not in PMC answers None.
Ids = tuple[PMID | None, PMCID | None, DOI | None]
MappingReply = Reply[Ids | None]


def mapping_key(ident: Identifier) -> tuple[str, str]:
    """The cache namespace and key of an id (DOIs keyed case-insensitively)."""
    if isinstance(ident, PMID):
        return PMID_TO_IDS, ident.value
    if isinstance(ident, PMCID):
        return PMCID_TO_PMID, ident.value
    return DOI_TO_PMID, ident.key


class MirrorMappings:
    """What the mirror maps: the ids of each record it holds that names another id (a PMCID
    or DOI beside its PMID); the rest are left to the cache and idconv."""

    def __init__(self, mirror: Mirror) -> None:
        self.mirror = mirror

    def lookup(self, idents: Sequence[Identifier]) -> dict[Identifier, MappingReply]:
        """A DOI or PMCID is found by the mirror's indexes (the records', then PMC-ids), then
        the record gives the ids as PubMed writes them."""
        pmid_of: dict[Identifier, str] = {}
        for ident in idents:
            if isinstance(ident, PMID):
                pmid_of[ident] = ident.value
                continue
            found = (
                self.mirror.pmid_for_pmcid(ident)
                if isinstance(ident, PMCID)
                else self.mirror.pmid_for_doi(ident)
            )
            if found is not None:
                pmid_of[ident] = found.value
        if not pmid_of:
            return {}
        records = self.mirror.records_by_key(list(dict.fromkeys(pmid_of.values())))
        as_of = self.mirror.as_of if records else None
        replies: dict[Identifier, MappingReply] = {}
        for ident, pmid in pmid_of.items():
            record = records.get(pmid)
            if not isinstance(record, Article | BookArticle):
                continue
            pmcid = record.pmcid or (ident if isinstance(ident, PMCID) else None)
            if pmcid is None and record.doi is None:
                continue  # PMC-ids or idconv may know more than the record
            replies[ident] = Answer((record.pmid, pmcid, record.doi), given, "mirror", as_of)
        return replies


class CacheMappings:
    """The mappings and known "not in PMC" ids a cache holds."""

    def __init__(self, cache: Cache) -> None:
        self.cache = cache

    def lookup(self, idents: Sequence[Identifier]) -> dict[Identifier, MappingReply]:
        """The live entries among ``idents``, one read per namespace."""
        by_namespace: dict[str, dict[str, Identifier]] = {}
        for ident in idents:
            namespace, key = mapping_key(ident)
            by_namespace.setdefault(namespace, {})[key] = ident
        replies: dict[Identifier, MappingReply] = {}
        for namespace, wanted in by_namespace.items():
            hits = self.cache.get_many(namespace, list(wanted), version=MAPPING_VERSION)
            for key, entry in hits.items():
                replies[wanted[key]] = cache_answer(entry, _cached_ids)
        return replies


class NcbiMappings:
    """The PMC ID converter for what no other source maps, each batch cached as it is read.

    Offline, every id is an :class:`OfflineMiss`; an id NCBI refuses is an
    :class:`InvalidIdentifier`; a batch that fails after its retries fails only its own ids.
    """

    def __init__(self, config: Config, client: EutilsClient, cache: Cache) -> None:
        self.config = config
        self.client = client
        self.cache = cache

    def lookup(self, idents: Sequence[Identifier]) -> dict[Identifier, MappingReply]:
        """A reply for every id."""
        if self.config.offline:
            return {i: OfflineMiss(f"offline mode: {i} is not in the cache") for i in idents}
        replies = self._convert(idents)
        # A failed batch is asked again, with a fresh budget, after the rest of the window.
        again = retry_later(idents, replies)
        if again:
            replies.update(self._convert(again))
        return replies

    def _convert(self, idents: Sequence[Identifier]) -> dict[Identifier, MappingReply]:
        """One pass of the converter over ``idents``."""
        by_value = {ident.value: ident for ident in idents}
        replies: dict[Identifier, MappingReply] = {}
        for values, records in self.client.idconv_batches(list(by_value)):
            if not isinstance(records, list):
                failed_batch(values, records)
                replies.update({by_value[value]: records for value in values})
                continue
            now = today()
            answered = {
                by_value[value]: _from_idconv(by_value[value], record, now)
                for value, record in zip(values, records, strict=True)
            }
            replies.update(answered)
            # Stored per batch, as efetch's records are: a kill loses no completed batch.
            self._store(answered)
        return replies

    def _store(self, replies: dict[Identifier, MappingReply]) -> None:
        found: dict[str, dict[str, dict[str, str | None]]] = {}
        missing: dict[str, list[str]] = {}
        for ident, reply in replies.items():
            if isinstance(reply, PubenrichError):
                continue
            ids = reply.read()
            if ids is None:
                namespace, key = mapping_key(ident)
                missing.setdefault(namespace, []).append(key)
                continue
            value = {
                name: known.value if known else None
                for name, known in zip(("pmid", "pmcid", "doi"), ids, strict=True)
            }
            # One answer names all three ids: file it under each, so any of them hits.
            for known in ids:
                if known is not None:
                    namespace, key = mapping_key(known)
                    found.setdefault(namespace, {})[key] = value
        for namespace, items in found.items():
            self.cache.put_many(namespace, items, version=MAPPING_VERSION)
        for namespace, keys in missing.items():
            self.cache.put_missing(namespace, keys, version=MAPPING_VERSION)


class IdMap:
    """Ids to :class:`ConvertResult`: the mirror, then the cache (unless refreshing), then the
    PMC ID converter."""

    def __init__(
        self, config: Config, client: EutilsClient, cache: Cache, mirror: Mirror | None = None
    ) -> None:
        self.config = config
        self._mirror = MirrorMappings(mirror) if mirror is not None else None
        self._cache = CacheMappings(cache)
        self._ncbi = NcbiMappings(config, client, cache)

    def _sources(self, refresh: bool) -> list[Source[Identifier, Ids | None]]:
        return in_trust_order(self._mirror, self._cache, self._ncbi, refresh=refresh)

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
        wanted = {mapping_key(ident): ident for ident in idents}
        replies = ask(self._sources(refresh), list(wanted.values()))
        return {key: _result(ident, replies[ident]) for key, ident in wanted.items()}


def _result(ident: Identifier, reply: MappingReply) -> ConvertResult:
    kind = _kind(ident)
    if isinstance(reply, PubenrichError):
        status: ConvertStatus = (
            "invalid"
            if isinstance(reply, InvalidIdentifier)
            else "offline_miss"
            if isinstance(reply, OfflineMiss)
            else "error"
        )
        return ConvertResult(None, kind, status, error=reply)
    ids = reply.read()
    from_cache = reply.source == "cache"
    if ids is None:  # not in PMC: the id itself is all that is known
        ids = (
            ident if isinstance(ident, PMID) else None,
            ident if isinstance(ident, PMCID) else None,
            ident if isinstance(ident, DOI) else None,
        )
        status = "not_in_pmc"
    else:
        status = "found"
    pmid, pmcid, doi = ids
    return ConvertResult(
        None, kind, status, pmid, pmcid, doi, None, from_cache, reply.source, reply.as_of
    )


def _kind(ident: Identifier) -> Literal["pmid", "pmcid", "doi"]:
    if isinstance(ident, PMID):
        return "pmid"
    if isinstance(ident, PMCID):
        return "pmcid"
    return "doi"


def _id_or_none(factory: Callable[[str], T], value: Any) -> T | None:
    if not value:
        return None
    try:
        return factory(str(value))
    except InvalidIdentifier:
        return None


def _ids(value: Any) -> Ids:
    return (
        _id_or_none(PMID, value.get("pmid")),
        _id_or_none(PMCID, value.get("pmcid")),
        _id_or_none(DOI, value.get("doi")),
    )


def _cached_ids(entry: CacheEntry) -> Ids:
    return _ids(entry.value)


def _from_idconv(ident: Identifier, record: IdconvRecord, now: date) -> MappingReply:
    if record.error is None and (record.pmcid or (record.pmid and record.doi)):
        return Answer(_ids(attrs.asdict(record)), given, "eutils", now)
    message = (record.error or "").lower()
    if record.error is None or any(text in message for text in _NOT_IN_PMC):
        return Answer(None, given, "eutils", now)
    return InvalidIdentifier(_kind(ident), ident.value, f"NCBI: {record.error}")
