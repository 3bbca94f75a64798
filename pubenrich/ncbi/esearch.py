"""ESearch: the search result value, the search request, and its reply parser.

A query can match more records than one ESearch hands out (9,999); the slicing by date and the
paging that list them all are part of searching, so they live here too.
"""

from __future__ import annotations

import logging
import re
from datetime import date, timedelta
from typing import Any, Protocol

import attrs

from pubenrich.errors import NcbiError, ParseError
from pubenrich.ncbi.reading import decode_json, read_int, str_tuple, text_of, texts, xml_root

__all__ = ["OneSearch", "SearchResult", "parse_esearch", "search_all", "search_params"]

log = logging.getLogger(__name__)

POST_ABOVE_TERM_CHARS = 300  # NCBI: "very long queries (more than several hundred characters)"
ESEARCH_WINDOW = 9_999  # PubMed ESearch "can only retrieve the first 9,999 records"
SEARCH_FIRST_DAY = date(1700, 1, 1)
SEARCH_LAST_DAY = date(3000, 12, 31)  # PubMed's own idiom for "no upper bound"

_DATE = re.compile(r"^(\d{4})(?:/(\d{1,2})(?:/(\d{1,2}))?)?$")


@attrs.frozen(kw_only=True)
class SearchResult:
    """What an ESearch answered.

    Attributes:
        term: the query as sent.
        count: how many records match in all (may exceed ``len(ids)``).
        ids: the UIDs returned, in NCBI's order.
        retstart: the offset of the first id returned.
        query_translation: how NCBI read the query; check it before trusting a hit.
        phrases_not_found: phrases NCBI ignored because nothing matched them.
        errors: the rest of NCBI's ``ErrorList`` (e.g. ``"FieldNotFound: foo"``).
        warnings: NCBI's ``WarningList`` (e.g. ``"No items found."``).
        webenv: the history-server environment, with ``usehistory=y``.
        query_key: the history-server key, with ``usehistory=y``.
    """

    term: str = ""
    count: int = 0
    ids: tuple[str, ...] = attrs.field(default=(), converter=str_tuple)
    retstart: int = 0
    query_translation: str | None = None
    phrases_not_found: tuple[str, ...] = attrs.field(default=(), converter=str_tuple)
    errors: tuple[str, ...] = attrs.field(default=(), converter=str_tuple)
    warnings: tuple[str, ...] = attrs.field(default=(), converter=str_tuple)
    webenv: str | None = attrs.field(default=None, repr=False)
    query_key: str | None = None

    @property
    def complete(self) -> bool:
        """Whether ``ids`` holds every match (``count`` of them)."""
        return len(self.ids) >= self.count


def parse_esearch(body: bytes | str, *, term: str = "") -> SearchResult:
    """Read an ESearch reply, XML or JSON.

    Args:
        body: the reply; it must have passed :func:`~pubenrich.ncbi.classify.classify`.
        term: the query that was sent, kept on the result.

    Raises:
        ParseError: when the reply is not an ESearch result.
    """
    raw = body.encode("utf-8") if isinstance(body, str) else body
    if raw.lstrip()[:1] == b"{":
        return _parse_esearch_json(decode_json(raw), term)
    root = xml_root(raw, "esearch")
    if root.tag != "eSearchResult":
        raise ParseError(f"esearch: expected <eSearchResult>, got <{root.tag}>")
    error_list = root.find("ErrorList")
    phrases: tuple[str, ...] = ()
    errors: list[str] = []
    if error_list is not None:
        phrases = texts(error_list.iter("PhraseNotFound"))
        for child in error_list:
            if child.tag != "PhraseNotFound" and (value := text_of(child)):
                errors.append(f"{child.tag}: {value}")
    warning_list = root.find("WarningList")
    warnings: list[str] = []
    if warning_list is not None:
        for child in warning_list:
            if value := text_of(child):
                warnings.append(value if child.tag == "OutputMessage" else f"{child.tag}: {value}")
    count = text_of(root.find("Count"))
    if count is None:
        raise ParseError("esearch: no <Count> in the reply")
    return SearchResult(
        term=term,
        count=read_int(count, "esearch Count"),
        ids=texts(root.iterfind("IdList/Id")),
        retstart=read_int(text_of(root.find("RetStart")) or 0, "esearch RetStart"),
        query_translation=text_of(root.find("QueryTranslation")),
        phrases_not_found=phrases,
        errors=errors,
        warnings=warnings,
        webenv=text_of(root.find("WebEnv")),
        query_key=text_of(root.find("QueryKey")),
    )


def _strings(value: Any) -> tuple[str, ...]:
    if isinstance(value, list):
        return tuple(str(v) for v in value if str(v).strip())
    return ()


def _parse_esearch_json(data: Any, term: str) -> SearchResult:
    result = data.get("esearchresult") if isinstance(data, dict) else None
    if not isinstance(result, dict) or "count" not in result:
        raise ParseError("esearch: JSON without esearchresult.count")
    error_list = result.get("errorlist") or {}
    warning_list = result.get("warninglist") or {}
    errors = [f"FieldNotFound: {f}" for f in _strings(error_list.get("fieldsnotfound"))]
    warnings = list(_strings(warning_list.get("outputmessages")))
    warnings += [f"PhraseIgnored: {p}" for p in _strings(warning_list.get("phrasesignored"))]
    warnings += [
        f"QuotedPhraseNotFound: {p}" for p in _strings(warning_list.get("quotedphrasesnotfound"))
    ]
    return SearchResult(
        term=term,
        count=read_int(result["count"], "esearch count"),
        ids=_strings(result.get("idlist")),
        retstart=read_int(result.get("retstart", 0), "esearch retstart"),
        query_translation=result.get("querytranslation") or None,
        phrases_not_found=_strings(error_list.get("phrasesnotfound")),
        errors=errors,
        warnings=warnings,
        webenv=result.get("webenv") or None,
        query_key=str(result["querykey"]) if result.get("querykey") else None,
    )


# --------------------------------------------------------------------------- requests


def search_params(
    term: str, db: str, params: dict[str, Any], *, retmax: int, retstart: int = 0
) -> tuple[list[tuple[str, str]], bool]:
    """The parameters of one ESearch request, and whether it goes as POST (a long term)."""
    pairs = [("db", db), ("term", term), ("retmode", "xml"), ("retmax", str(retmax))]
    if retstart:
        pairs.append(("retstart", str(retstart)))
    pairs += [(str(k), str(v)) for k, v in params.items() if v is not None]
    return pairs, len(term) > POST_ABOVE_TERM_CHARS


class OneSearch(Protocol):
    """Sends one ESearch request and reads its reply."""

    def __call__(
        self, term: str, db: str, params: dict[str, Any], *, retmax: int, retstart: int = 0
    ) -> SearchResult: ...


def search_all(
    search: OneSearch, term: str, db: str, retmax: int | None, params: dict[str, Any]
) -> SearchResult:
    """Every UID of ``term`` (at most ``retmax``), however many ESearch hands out at once;
    see :meth:`pubenrich.EutilsClient.esearch`."""
    if not term or not term.strip():
        raise ValueError("term must not be empty")
    if retmax is not None and retmax < 0:
        raise ValueError(f"retmax must not be negative, got {retmax!r}")
    first_max = ESEARCH_WINDOW if retmax is None else min(retmax, ESEARCH_WINDOW)
    first = search(term, db, params, retmax=first_max)
    if first.complete or (retmax is not None and retmax <= ESEARCH_WINDOW):
        return first
    limit = first.count if retmax is None else min(retmax, first.count)
    if db == "pubmed":
        ids = _by_date(search, term, params, limit)
    else:
        ids = _by_paging(search, term, db, params, first=first, limit=limit)
    if len(ids) < limit:
        log.warning(
            "esearch returned %d of %d ids for %r (records changed while searching?)",
            len(ids),
            limit,
            term,
            extra={"endpoint": "esearch", "count": first.count, "returned": len(ids)},
        )
    return attrs.evolve(first, ids=tuple(ids[:limit]))


def _by_date(search: OneSearch, term: str, params: dict[str, Any], limit: int) -> list[str]:
    """Every UID of a PubMed search past 9,999: date slices halved until each fits, oldest
    slice first; a single day holding more raises rather than return less."""
    params = dict(params)
    if params.get("reldate") is not None:
        raise ValueError(
            "a search of more than 9,999 PubMed records is split by date; "
            "give mindate and maxdate instead of reldate"
        )
    datetype = params.pop("datetype", None) or "edat"
    mindate = params.pop("mindate", None)
    maxdate = params.pop("maxdate", None)
    low = _day(mindate, end=False) if mindate else SEARCH_FIRST_DAY
    high = _day(maxdate, end=True) if maxdate else SEARCH_LAST_DAY
    ids: list[str] = []
    seen: set[str] = set()
    ranges = [(low, high)]
    while ranges and len(ids) < limit:
        start, end = ranges.pop()
        sliced = {
            **params,
            "datetype": datetype,
            "mindate": _ncbi_date(start),
            "maxdate": _ncbi_date(end),
        }
        part = search(term, "pubmed", sliced, retmax=ESEARCH_WINDOW)
        if part.count > ESEARCH_WINDOW:
            if start == end:
                raise NcbiError(
                    f"more than {ESEARCH_WINDOW} records on {_ncbi_date(start)} "
                    f"({datetype}); ESearch cannot list them all",
                    endpoint="esearch",
                )
            middle = start + (end - start) // 2
            ranges.append((middle + timedelta(days=1), end))
            ranges.append((start, middle))  # popped first: oldest slice first
            continue
        for uid in part.ids:
            if uid not in seen:
                seen.add(uid)
                ids.append(uid)
    return ids


def _by_paging(
    search: OneSearch,
    term: str,
    db: str,
    params: dict[str, Any],
    *,
    first: SearchResult,
    limit: int,
) -> list[str]:
    ids = list(first.ids)
    while len(ids) < limit:
        page = search(
            term,
            db,
            params,
            retmax=min(ESEARCH_WINDOW, limit - len(ids)),
            retstart=len(ids),
        )
        if not page.ids:
            break
        ids.extend(page.ids)
    return ids


def _day(value: Any, *, end: bool) -> date:
    """Read NCBI's YYYY, YYYY/MM or YYYY/MM/DD as the first (or last) day it covers."""
    match = _DATE.match(str(value).strip())
    if not match:
        raise ValueError(f"dates are YYYY, YYYY/MM or YYYY/MM/DD, got {value!r}")
    year = int(match.group(1))
    month = int(match.group(2) or (12 if end else 1))
    if match.group(3):
        return date(year, month, int(match.group(3)))
    if not end:
        return date(year, month, 1)
    following = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return following - timedelta(days=1)


def _ncbi_date(day: date) -> str:
    return f"{day.year:04d}/{day.month:02d}/{day.day:02d}"
