"""ESearch: the search result value, the search request, and its reply parser.

A query can match more records than one ESearch hands out (9,999); the slicing by date and the
paging that list them all are part of searching, so they live here too.
"""

from __future__ import annotations

from typing import Any

import attrs

from pubenrich.errors import ParseError
from pubenrich.ncbi.reading import decode_json, read_int, str_tuple, text_of, texts, xml_root

__all__ = ["SearchResult", "parse_esearch"]


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
