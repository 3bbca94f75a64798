"""The mirror's read view: :class:`Mirror`, its records by PMID, DOI and PMCID, and titles.

The view opens the store read-only and reads records trusted (its own build wrote them), so a
lookup costs one indexed query per chunk of keys and the decoding of what is used.
"""

from __future__ import annotations

import os
import re
import sqlite3
import threading
import zlib
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import attrs

from pubenrich.cache.jsontext import loads
from pubenrich.cache.sqlite import chunks
from pubenrich.closing import Closeable
from pubenrich.errors import MirrorError
from pubenrich.mirror.store.tables import BUILT_KEY, STORE_NAME
from pubenrich.model.identifiers import DOI, PMCID, PMID
from pubenrich.model.records import PubmedRecord, record_from_dict

__all__ = ["Mirror", "TitleHit", "stored_record"]

# SQLite's default limit on host parameters is 999 in older builds; stay below it.
_CHUNK = 900
_WORD = re.compile(r"\w+", re.UNICODE)


@attrs.frozen
class TitleHit:
    """One answer of :meth:`Mirror.search_title`, best first.

    Attributes:
        pmid: the record's PMID.
        title: its title.
        first_author: the first author's last name (or group name), or ``""``.
        year: the publication year, when known.
        score: SQLite FTS5's bm25 rank (lower is better).
    """

    pmid: PMID
    title: str
    first_author: str
    year: int | None
    score: float


def _json(blob: bytes) -> bytes:
    return blob if blob[:1] == b"{" else zlib.decompress(blob)


def stored_record(blob: bytes) -> PubmedRecord:
    """The record of a stored form (plain or zlib-compressed ``to_dict`` JSON), read trusted:
    the mirror's own build wrote it.

    Raises:
        MirrorError: the stored form is unreadable (a damaged store).
    """
    try:
        data = loads(_json(blob))
    except zlib.error as exc:
        raise MirrorError(f"a stored record is damaged: {exc}") from exc
    return record_from_dict(data, trusted=True)


def _fts_terms(text: str) -> list[str]:
    return ['"' + word + '"' for word in _WORD.findall(text.lower()) if len(word) > 1]


class Mirror(Closeable):
    """A read view of a mirror built by :func:`pubenrich.mirror.build`.

    Safe to share between threads (one connection behind a lock).

    Args:
        directory: the mirror's folder (the one given to ``sync`` and ``build``).

    Raises:
        MirrorError: the folder holds no built mirror.
    """

    def __init__(self, directory: str | os.PathLike[str]) -> None:
        self.directory = Path(directory)
        path = self.directory / STORE_NAME
        if not path.is_file():
            raise MirrorError(f"no mirror in {self.directory} (run `pubenrich mirror build`)")
        try:
            self._conn = sqlite3.connect(
                f"{path.as_uri()}?mode=ro", uri=True, check_same_thread=False
            )
        except sqlite3.Error as exc:
            raise MirrorError(f"cannot open the mirror store {path}: {exc}") from exc
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"Mirror({str(self.directory)!r})"

    def close(self) -> None:
        """Close the store."""
        self._conn.close()

    def _query(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        try:
            with self._lock:
                return self._conn.execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            raise MirrorError(f"cannot read the mirror {self.directory}: {exc}") from exc

    def __len__(self) -> int:
        return int(self._query("SELECT count(*) FROM records")[0][0])

    def get(self, pmids: Iterable[PMID | str | int]) -> dict[PMID, PubmedRecord]:
        """The records the mirror holds among ``pmids``; absent and deleted ones are left out.

        Raises:
            InvalidIdentifier: an input is not a PMID.
            MirrorError: the store cannot be read.
        """
        keys = sorted({PMID(p).value for p in pmids})
        return {PMID(key): record for key, record in self.records_by_key(keys).items()}

    def records_by_key(self, keys: Sequence[str]) -> dict[str, PubmedRecord]:
        """The records held among normalized PMIDs (``PMID.value`` strings), by the same keys.

        The bulk path of the Enricher, which has the keys normalized already: one query per
        chunk of keys, and each record read trusted (our own build wrote it).

        Raises:
            MirrorError: the store cannot be read.
        """
        return {key: stored_record(blob) for key, blob in self.stored_by_key(keys).items()}

    def stored_by_key(self, keys: Sequence[str]) -> dict[str, bytes]:
        """The stored forms of the records held among normalized PMIDs, by the same keys,
        for :func:`stored_record` to read one at a time as they are used (a record built
        only when the caller reaches it dies young, which spares the garbage collector).

        Raises:
            MirrorError: the store cannot be read.
        """
        found: dict[str, bytes] = {}
        for chunk in chunks([int(key) for key in keys], _CHUNK):
            marks = ",".join("?" * len(chunk))
            rows = self._query(f"SELECT pmid, data FROM records WHERE pmid IN ({marks})", chunk)  # noqa: S608 - only placeholders
            for pmid, blob in rows:
                found[str(pmid)] = blob
        return found

    def deleted_among(self, keys: Sequence[str]) -> list[str]:
        """Those of normalized PMIDs (``PMID.value`` strings) that an update file deleted.

        Raises:
            MirrorError: the store cannot be read.
        """
        gone: list[str] = []
        for chunk in chunks([int(key) for key in keys], _CHUNK):
            marks = ",".join("?" * len(chunk))
            rows = self._query(f"SELECT pmid FROM deleted WHERE pmid IN ({marks})", chunk)  # noqa: S608 - only placeholders
            gone.extend(str(row[0]) for row in rows)
        return gone

    def get_json(self, pmids: Iterable[PMID | str | int]) -> dict[PMID, bytes]:
        """The stored ``to_dict`` JSON (UTF-8) of the records held, without building records.

        The fast path for bulk jobs that write JSON anyway: it skips
        :func:`~pubenrich.model.records.record_from_dict`, which costs far more than the lookup.

        Raises:
            InvalidIdentifier: an input is not a PMID.
            MirrorError: the store cannot be read.
        """
        wanted = sorted({int(PMID(p).value) for p in pmids})
        found: dict[PMID, bytes] = {}
        for chunk in chunks(wanted, _CHUNK):
            marks = ",".join("?" * len(chunk))
            rows = self._query(f"SELECT pmid, data FROM records WHERE pmid IN ({marks})", chunk)  # noqa: S608 - only placeholders
            for pmid, blob in rows:
                found[PMID(pmid)] = _json(blob)
        return found

    def is_deleted(self, pmid: PMID | str | int) -> bool:
        """Whether an update file deleted ``pmid`` (and no later file brought it back)."""
        key = int(PMID(pmid).value)
        return bool(self._query("SELECT 1 FROM deleted WHERE pmid = ?", (key,)))

    def pmid_for_doi(self, doi: DOI | str) -> PMID | None:
        """The PMID of the record with this DOI (any case), from the records or PMC-ids.

        Raises:
            InvalidIdentifier: ``doi`` is not a DOI.
        """
        return self._pmid_by("doi", (doi if isinstance(doi, DOI) else DOI(doi)).key)

    def pmid_for_pmcid(self, pmcid: PMCID | str) -> PMID | None:
        """The PMID of the record with this PMCID, from the records or PMC-ids.

        Raises:
            InvalidIdentifier: ``pmcid`` is not a PMCID.
        """
        return self._pmid_by("pmcid", (pmcid if isinstance(pmcid, PMCID) else PMCID(pmcid)).value)

    def _pmid_by(self, column: str, key: str) -> PMID | None:
        """The PMID whose ``column`` (doi or pmcid) is ``key``: the lowest among the records
        (the index gives them in PMID order), else the first that PMC-ids maps."""
        # Only the column's name, one of the two above, is formatted in; the key is bound.
        for query in (
            f"SELECT pmid FROM records WHERE {column} = ? ORDER BY pmid LIMIT 1",  # noqa: S608
            f"SELECT pmid FROM pmc_ids WHERE {column} = ? AND pmid IS NOT NULL LIMIT 1",  # noqa: S608
        ):
            rows = self._query(query, (key,))
            if rows:
                return PMID(rows[0][0])
        return None

    def search_title(
        self,
        title: str,
        *,
        author: str | None = None,
        year: int | None = None,
        limit: int = 10,
    ) -> list[TitleHit]:
        """Records whose title shares words with ``title``, best match first.

        Any title word may match (ranked by bm25, so more shared words rank higher); an
        ``author`` (a last name) must match the first author; a ``year`` must match exactly.
        Good enough to turn a citation's cues into candidate PMIDs without a request.
        """
        terms = _fts_terms(title)
        if not terms:
            return []
        query = "(" + " OR ".join(terms) + ")"
        author_terms = _fts_terms(author or "")
        if author_terms:
            query += " AND author : (" + " ".join(author_terms) + ")"
        sql = "SELECT rowid, title, author, year, bm25(titles) FROM titles WHERE titles MATCH ?"
        params: list[Any] = [query]
        if year is not None:
            sql += " AND year = ?"
            params.append(year)
        sql += " ORDER BY bm25(titles) LIMIT ?"
        params.append(limit)
        hits = []
        for pmid, text, first, when, score in self._query(sql, params):
            hits.append(TitleHit(PMID(pmid), text, first, when, float(score)))
        return hits

    @property
    def as_of(self) -> date | None:
        """The date the mirror holds PubMed as of: that of the last file applied (its
        modification date, as NCBI served it), else the day it was last built; None when
        neither is known (a store built before builds were dated, with undated files)."""
        rows = self._query("SELECT day FROM files ORDER BY seq DESC LIMIT 1")
        if not rows or rows[0][0] is None:
            rows = self._query(f"SELECT value FROM meta WHERE key = '{BUILT_KEY}'")  # noqa: S608 - a constant
        if not rows or rows[0][0] is None:
            return None
        return date.fromisoformat(rows[0][0])

    def files(self) -> list[str]:
        """The names of the files applied, in the order they were applied."""
        return [row[0] for row in self._query("SELECT name FROM files ORDER BY seq")]
