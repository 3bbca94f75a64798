"""Read NCBI's small answers into values, and tell an answer from an error dressed as one.

NCBI often says HTTP 200 and puts the error inside: ``<ERROR>`` in an ``eSearchResult``, JSON
``{"error": ...}`` (sometimes not even valid JSON), "Search Backend failed", an HTML page where
XML was asked for, a body cut off mid-record. :func:`classify` turns each into the matching
:mod:`pubenrich.errors` class, so nothing of the sort is ever handed on as data. The parsers
(:func:`parse_esearch`, :func:`parse_esummary`, :func:`parse_idconv`, :func:`parse_ecitmatch`,
:func:`parse_elink`) read replies that passed :func:`classify`. PubMed records themselves are
the business of ``pubmed_xml``, not of this module.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any, Literal
from urllib.parse import unquote

import attrs
from lxml import etree

from pubenrich._secrets import mask_values
from pubenrich.errors import (
    BadRequest,
    NcbiError,
    NcbiUnavailable,
    ParseError,
    RateLimited,
    TransportError,
)

__all__ = [
    "CitationMatch",
    "CitationQuery",
    "IdconvRecord",
    "Link",
    "LinkSet",
    "SearchResult",
    "build_bdata",
    "citation_key",
    "classify",
    "decode_json",
    "parse_ecitmatch",
    "parse_elink",
    "parse_esearch",
    "parse_esummary",
    "parse_idconv",
]

Format = Literal["xml", "json", "text"]

RETRIED_STATUS = frozenset({500, 502, 503, 504})

# The format each service answers in unless told otherwise.
_DEFAULT_FORMAT: dict[str, Format] = {
    "ecitmatch": "text",
    "idconv": "json",
}

_XML_PROLOG = re.compile(
    rb"\A(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--.*?-->\s*)*"
    rb"(?:<!DOCTYPE[^>\[]*(?:\[.*?\])?\s*>\s*)?(?:<!--.*?-->\s*)*<([A-Za-z_][\w.\-:]*)",
    re.DOTALL,
)
_HTML_START = re.compile(rb"\A(?:\xef\xbb\xbf)?\s*(?:<!DOCTYPE\s+html|<html)", re.IGNORECASE)
_HTML_TITLE = re.compile(rb"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
_XML_ERROR = re.compile(rb"<ERROR>(.*?)</ERROR>", re.DOTALL)
_TAGS = re.compile(r"<[^>]+>")

# Messages that say "not now" rather than "not this": NCBI's back ends fail and recover.
_TRANSIENT = re.compile(
    r"backend failed|c\+\+ exception|temporarily unavailable|service unavailable|"
    r"internal server error|gateway|timed? ?out|unable to obtain query|try again",
    re.IGNORECASE,
)
# ... except where the message also says the request itself is out of bounds.
_PERMANENT = re.compile(
    r"cannot be larger than|can only retrieve|invalid|too many uids|maximum number",
    re.IGNORECASE,
)
_RATE_MESSAGE = "API rate limit exceeded"
_MAX_MESSAGE = 300

_XML_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
)


# --------------------------------------------------------------------------- classification


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _MAX_MESSAGE else text[: _MAX_MESSAGE - 3] + "..."


def decode_json(body: bytes | str) -> Any:
    """Decode NCBI JSON, tolerating raw control characters inside strings.

    NCBI sometimes puts a raw newline inside a string (the esearch ``retstart`` error), which
    strict JSON forbids.

    Raises:
        ParseError: when the text is not JSON even so.
    """
    text = body.decode("utf-8", errors="replace") if isinstance(body, bytes) else body
    try:
        return json.loads(text, strict=False)
    except json.JSONDecodeError as exc:
        raise ParseError(
            f"invalid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from exc


def _retry_after(headers: Mapping[str, str]) -> float | None:
    # Only the delta-seconds form: an HTTP date would need a clock, and NCBI sends neither.
    for name, value in headers.items():
        if name.lower() == "retry-after":
            try:
                seconds = float(value.strip())
            except ValueError:
                return None
            return seconds if seconds >= 0 else None
    return None


class _Context:
    """What every error of one reply shares: where it came from and what was asked."""

    def __init__(
        self,
        endpoint: str,
        status: int,
        headers: Mapping[str, str],
        params: Mapping[str, str] | None,
        secrets: Collection[str],
    ) -> None:
        self.endpoint = endpoint
        self.status = status
        self.headers = headers
        self.params = dict(params or {})
        self.secrets = secrets

    def error(self, message: str) -> NcbiError:
        """The error class NCBI's message calls for."""
        message = _short(mask_values(message, self.secrets)) or "no message"
        if _RATE_MESSAGE.lower() in message.lower():
            return self.rate_limited(message)
        if _PERMANENT.search(message) or not _TRANSIENT.search(message):
            return self.bad_request(message)
        return self.unavailable(message)

    def rate_limited(self, message: str = _RATE_MESSAGE) -> RateLimited:
        return RateLimited(
            _short(mask_values(message, self.secrets)),
            endpoint=self.endpoint,
            status=self.status,
            params=self.params,
            retry_after=_retry_after(self.headers),
        )

    def bad_request(self, message: str) -> BadRequest:
        return BadRequest(
            _short(mask_values(message, self.secrets)),
            endpoint=self.endpoint,
            status=self.status,
            params=self.params,
        )

    def unavailable(self, message: str) -> NcbiUnavailable:
        return NcbiUnavailable(
            _short(mask_values(message, self.secrets)),
            endpoint=self.endpoint,
            status=self.status,
            params=self.params,
        )

    def cut(self, message: str) -> TransportError:
        return TransportError(f"{self.endpoint}: {message} (HTTP {self.status})")


def _json_message(data: Any) -> str | None:
    """NCBI's error message inside a decoded JSON reply, if there is one."""
    if not isinstance(data, dict):
        return None
    if isinstance(data.get("error"), str):
        return str(data["error"])
    if data.get("status") == "error":  # the ID converter
        message = data.get("message") or data.get("errmsg") or "error"
        return unquote(str(message))
    for wrapper in ("esearchresult", "esummaryresult", "elinkresult", "einforesult"):
        inner = data.get(wrapper)
        if isinstance(inner, dict):
            for key in ("ERROR", "error"):
                if isinstance(inner.get(key), str):
                    return str(inner[key])
        if isinstance(inner, list) and inner and all(isinstance(m, str) for m in inner):
            # {"esummaryresult": ["Empty id list - nothing todo"]}
            return "; ".join(inner)
    return None


def _message_from_body(body: bytes) -> str:
    """A readable message from an error body of any kind, for 4xx and 5xx replies."""
    text = body[:20_000]
    if match := _HTML_TITLE.search(text):
        return _TAGS.sub(" ", match.group(1).decode("utf-8", "replace"))
    errors = [m.decode("utf-8", "replace") for m in _XML_ERROR.findall(text)]
    if errors:
        return "; ".join(errors)
    stripped = text.strip()
    if stripped.startswith(b"{"):
        try:
            message = _json_message(decode_json(stripped))
        except ParseError:
            message = None
        if message:
            return message
    return _TAGS.sub(" ", stripped.decode("utf-8", "replace"))


def _looks_like_rate_json(body: bytes) -> bool:
    head = body[:2000].lstrip()
    return head.startswith(b"{") and _RATE_MESSAGE.encode() in head


def classify(
    endpoint: str,
    status: int,
    headers: Mapping[str, str],
    body: bytes,
    *,
    fmt: Format | None = None,
    params: Mapping[str, str] | None = None,
    secrets: Collection[str] = (),
) -> None:
    """Return quietly when a reply is data; raise the matching error when it is not.

    The rules, in order:

    - NCBI's rate JSON (``{"error":"API rate limit exceeded",...}``) or HTTP 429:
      :class:`RateLimited`, whatever the status (some report it with HTTP 200).
    - HTTP 500, 502, 503, 504: :class:`NcbiUnavailable`; other 5xx and 1xx/3xx:
      :class:`NcbiError`; other 4xx: :class:`BadRequest` with NCBI's message.
    - An empty body or an HTML page where XML, JSON or text was expected:
      :class:`TransportError` (empty) or :class:`NcbiUnavailable` (HTML).
    - XML that does not end with the closing tag of its root element was cut off:
      :class:`TransportError`, retried. ``<ERROR>`` inside an E-utility wrapper
      (``eSearchResult``, ``eFetchResult``...): :class:`NcbiUnavailable` when it says the
      back end failed ("Search Backend failed", "NCBI C++ Exception"), else
      :class:`BadRequest` ("Invalid db name", "Invalid uid", "retstart cannot be larger").
    - JSON with a top-level ``error``, ``esearchresult.ERROR`` or the ID converter's
      ``"status": "error"``: the same split; JSON cut off: :class:`TransportError`.

    Per-record problems (an esummary uid with ``"error"``, an idconv record with ``errmsg``, an
    esearch ``ErrorList`` of phrases not found) are data and pass.

    Args:
        endpoint: the service: ``"efetch"``, ``"esearch"``, ``"idconv"``...
        status: the HTTP status code.
        headers: the reply headers.
        body: the whole body.
        fmt: the format asked for; by default JSON for idconv, text for ecitmatch, else XML.
        params: the request parameters, already scrubbed, to attach to the error.
        secrets: strings masked in any message (the caller's API key and email).

    Raises:
        RateLimited: throttled.
        NcbiUnavailable: NCBI cannot answer now.
        BadRequest: NCBI refused the request.
        NcbiError: another error that retrying will not cure.
        TransportError: the body is empty or was cut off.
    """
    ctx = _Context(endpoint, status, headers, params, secrets)
    fmt = fmt or _DEFAULT_FORMAT.get(endpoint, "xml")
    if _looks_like_rate_json(body) or status == 429:
        raise ctx.rate_limited()
    if status in RETRIED_STATUS:
        raise ctx.unavailable(_message_from_body(body) or f"HTTP {status}")
    if status >= 500 or status < 200 or 300 <= status < 400:
        raise NcbiError(
            _short(mask_values(_message_from_body(body) or f"HTTP {status}", secrets)),
            endpoint=endpoint,
            status=status,
            params=ctx.params,
        )
    if 400 <= status < 500:
        raise ctx.bad_request(_message_from_body(body) or f"HTTP {status}")
    if not body.strip():
        raise ctx.cut("empty reply")
    if _HTML_START.match(body):
        title = _HTML_TITLE.search(body[:20_000])
        name = _TAGS.sub(" ", title.group(1).decode("utf-8", "replace")) if title else ""
        raise ctx.unavailable(f"HTML page instead of {fmt.upper()}: {name}".rstrip(": "))
    head = body.lstrip()[:1]
    if head in (b"{", b"["):
        _classify_json(ctx, body)
    elif head == b"<":
        _classify_xml(ctx, body)
        if fmt == "json":
            raise ctx.unavailable("XML reply where JSON was asked for")
    elif fmt in ("xml", "json"):
        raise ctx.unavailable(f"reply is not {fmt.upper()}: {body[:80]!r}")
    else:
        _classify_text(ctx, body)


def _classify_json(ctx: _Context, body: bytes) -> None:
    try:
        data = decode_json(body)
    except ParseError as exc:
        if not body.rstrip().endswith((b"}", b"]")):
            raise ctx.cut("JSON reply cut off") from exc
        raise ctx.unavailable(f"reply is not valid JSON ({exc})") from exc
    message = _json_message(data)
    if message is not None:
        raise ctx.error(message)


def _classify_xml(ctx: _Context, body: bytes) -> None:
    match = _XML_PROLOG.match(body)
    if not match:
        if body.lstrip().startswith((b"<?xml", b"<!DOCTYPE")) and b"</" not in body:
            raise ctx.cut("XML reply cut off before its first element")
        raise ctx.unavailable(f"reply is not well-formed XML: {body[:80]!r}")
    root = match.group(1)
    tail = body.rstrip()
    closed = tail.endswith(b"</" + root + b">")
    rest = tail[match.end() :]
    self_closed = rest.endswith(b"/>") and rest.count(b">") == 1  # the whole reply is <root/>
    if not (closed or self_closed):
        raise ctx.cut(f"XML reply cut off before </{root.decode()}>")
    lowered = root.lower()
    wrapper = lowered.startswith(b"e") and lowered.endswith(b"result")
    if wrapper or lowered in (b"pmcids", b"error"):
        errors = [m.decode("utf-8", "replace").strip() for m in _XML_ERROR.findall(body)]
        if errors:
            raise ctx.error("; ".join(errors))
        if lowered == b"pmcids" and re.search(rb"<pmcids[^>]*status=\"error\"", body[:2000]):
            raise ctx.bad_request(_message_from_body(body) or "ID converter error")


def _classify_text(ctx: _Context, body: bytes) -> None:
    head = body[:2000].decode("utf-8", "replace")
    if _TRANSIENT.search(head) and ("error" in head.lower() or "failed" in head.lower()):
        raise ctx.unavailable(head.strip().splitlines()[0])


# --------------------------------------------------------------------------- helpers


def _str_tuple(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(str(v) for v in values)


def _xml_root(body: bytes | str, what: str) -> etree._Element:
    data = body.encode("utf-8") if isinstance(body, str) else body
    try:
        return etree.fromstring(data, parser=_XML_PARSER)
    except etree.XMLSyntaxError as exc:
        raise ParseError(f"{what}: XML is not well-formed ({exc})") from exc


def _text(element: etree._Element | None) -> str | None:
    if element is None:
        return None
    text = "".join(str(t) for t in element.itertext()).strip()
    return text or None


def _texts(elements: Iterable[etree._Element]) -> tuple[str, ...]:
    return tuple(t for t in (_text(e) for e in elements) if t)


def _int(value: Any, what: str) -> int:
    try:
        return int(str(value).strip())
    except ValueError as exc:
        raise ParseError(f"{what}: expected a number, got {value!r}") from exc


# --------------------------------------------------------------------------- ESearch


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
    ids: tuple[str, ...] = attrs.field(default=(), converter=_str_tuple)
    retstart: int = 0
    query_translation: str | None = None
    phrases_not_found: tuple[str, ...] = attrs.field(default=(), converter=_str_tuple)
    errors: tuple[str, ...] = attrs.field(default=(), converter=_str_tuple)
    warnings: tuple[str, ...] = attrs.field(default=(), converter=_str_tuple)
    webenv: str | None = attrs.field(default=None, repr=False)
    query_key: str | None = None

    @property
    def complete(self) -> bool:
        """Whether ``ids`` holds every match (``count`` of them)."""
        return len(self.ids) >= self.count


def parse_esearch(body: bytes | str, *, term: str = "") -> SearchResult:
    """Read an ESearch reply, XML or JSON.

    Args:
        body: the reply; it must have passed :func:`classify`.
        term: the query that was sent, kept on the result.

    Raises:
        ParseError: when the reply is not an ESearch result.
    """
    raw = body.encode("utf-8") if isinstance(body, str) else body
    if raw.lstrip()[:1] == b"{":
        return _parse_esearch_json(decode_json(raw), term)
    root = _xml_root(raw, "esearch")
    if root.tag != "eSearchResult":
        raise ParseError(f"esearch: expected <eSearchResult>, got <{root.tag}>")
    error_list = root.find("ErrorList")
    phrases: tuple[str, ...] = ()
    errors: list[str] = []
    if error_list is not None:
        phrases = _texts(error_list.iter("PhraseNotFound"))
        for child in error_list:
            if child.tag != "PhraseNotFound" and (value := _text(child)):
                errors.append(f"{child.tag}: {value}")
    warning_list = root.find("WarningList")
    warnings: list[str] = []
    if warning_list is not None:
        for child in warning_list:
            if value := _text(child):
                warnings.append(value if child.tag == "OutputMessage" else f"{child.tag}: {value}")
    count = _text(root.find("Count"))
    if count is None:
        raise ParseError("esearch: no <Count> in the reply")
    return SearchResult(
        term=term,
        count=_int(count, "esearch Count"),
        ids=_texts(root.iterfind("IdList/Id")),
        retstart=_int(_text(root.find("RetStart")) or 0, "esearch RetStart"),
        query_translation=_text(root.find("QueryTranslation")),
        phrases_not_found=phrases,
        errors=errors,
        warnings=warnings,
        webenv=_text(root.find("WebEnv")),
        query_key=_text(root.find("QueryKey")),
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
        count=_int(result["count"], "esearch count"),
        ids=_strings(result.get("idlist")),
        retstart=_int(result.get("retstart", 0), "esearch retstart"),
        query_translation=result.get("querytranslation") or None,
        phrases_not_found=_strings(error_list.get("phrasesnotfound")),
        errors=errors,
        warnings=warnings,
        webenv=result.get("webenv") or None,
        query_key=str(result["querykey"]) if result.get("querykey") else None,
    )


# --------------------------------------------------------------------------- ESummary


def parse_esummary(reply: bytes | str | Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """The document summaries of an ESummary JSON reply, by uid, in NCBI's order.

    A uid NCBI could not summarize keeps its entry with an ``"error"`` key (``"cannot get
    document summary"``), so the caller can tell it from one that was never asked for.

    Args:
        reply: the body, or its decoded JSON; it must have passed :func:`classify`.

    Raises:
        ParseError: when the reply has no ``result``.
    """
    data = reply if isinstance(reply, Mapping) else decode_json(reply)
    result = data.get("result") if isinstance(data, Mapping) else None
    if not isinstance(result, Mapping):
        raise ParseError("esummary: JSON without a result object")
    uids = result.get("uids")
    order = [str(u) for u in uids] if isinstance(uids, list) else []
    order += [k for k in result if k != "uids" and k not in order]
    summaries: dict[str, dict[str, Any]] = {}
    for uid in order:
        entry = result.get(uid)
        if isinstance(entry, Mapping):
            summaries[uid] = dict(entry)
        else:
            summaries[uid] = {"uid": uid, "error": "no summary in the reply"}
    return summaries


# --------------------------------------------------------------------------- ID converter


def _optional_id(value: Any) -> str | None:
    if value is None or isinstance(value, bool):
        return None
    text = str(value).strip()
    return text or None


@attrs.frozen(kw_only=True)
class IdconvRecord:
    """One answer of the PMC ID converter.

    Attributes:
        requested_id: the id this record answers, as sent.
        pmid: the PMID, when the article is known to PMC.
        pmcid: the PMCID (``PMC...``), when the article is in PMC.
        doi: the DOI.
        error: NCBI's message when it could not convert the id (e.g. ``"Identifier not found
            in PMC"``); ``None`` otherwise.
    """

    requested_id: str | None = None
    pmid: str | None = attrs.field(default=None, converter=_optional_id)
    pmcid: str | None = attrs.field(default=None, converter=_optional_id)
    doi: str | None = attrs.field(default=None, converter=_optional_id)
    error: str | None = None


def parse_idconv(reply: bytes | str | Mapping[str, Any]) -> list[IdconvRecord]:
    """The records of an ID-converter reply, in its order.

    Reads the current API's JSON (``pmid`` an integer, ``requested-id`` present, versions with
    ``"current": true``), the legacy JSON (``pmid`` a string, ``"current": "true"``) and the
    legacy XML (``<pmcids><record .../>``).

    Args:
        reply: the body, or its decoded JSON; it must have passed :func:`classify`.

    Raises:
        ParseError: when the reply holds no record list.
    """
    data: Any = reply
    if not isinstance(reply, Mapping):
        raw = reply.encode("utf-8") if isinstance(reply, str) else reply
        if raw.lstrip()[:1] == b"<":
            return _parse_idconv_xml(raw)
        data = decode_json(raw)
    records = data.get("records") if isinstance(data, Mapping) else None
    if not isinstance(records, list):
        raise ParseError("idconv: JSON without a records list")
    parsed = []
    for number, record in enumerate(records, 1):
        if not isinstance(record, Mapping):
            raise ParseError("idconv: a record is not an object", record=f"record {number}")
        error = record.get("errmsg")
        if error is None and record.get("status") == "error":
            error = "error"
        parsed.append(
            IdconvRecord(
                requested_id=_optional_id(record.get("requested-id")),
                pmid=record.get("pmid"),
                pmcid=record.get("pmcid"),
                doi=record.get("doi"),
                error=unquote(str(error)) if error is not None else None,
            )
        )
    return parsed


def _parse_idconv_xml(raw: bytes) -> list[IdconvRecord]:
    root = _xml_root(raw, "idconv")
    parsed = []
    for record in root.iter("record"):
        error = record.get("errmsg")
        if error is None and record.get("status") == "error":
            error = "error"
        parsed.append(
            IdconvRecord(
                requested_id=record.get("requested-id"),
                pmid=record.get("pmid"),
                pmcid=record.get("pmcid"),
                doi=record.get("doi"),
                error=error,
            )
        )
    return parsed


# --------------------------------------------------------------------------- ECitMatch

_FIELD_NOISE = re.compile(r"[|\r\n\t]+")
_CITATIONS_COUNT = re.compile(r"\(\s*\d+\s+citations?\s*\)", re.IGNORECASE)
_PMID_TOKEN = re.compile(r"(?<!\d)\d{1,8}(?!\d)")


def _field(value: object) -> str:
    """A bdata field: ``|`` would end it and CR would end the line, so both become spaces."""
    if value is None:
        return ""
    return " ".join(_FIELD_NOISE.sub(" ", str(value)).split())


def _optional_field(value: object) -> str | None:
    return None if value is None else str(value)


@attrs.frozen(kw_only=True)
class CitationQuery:
    """One citation to look up with ECitMatch.

    Attributes:
        journal: the journal title or its abbreviation (``"proc natl acad sci u s a"``).
        year: the publication year.
        volume: the volume.
        first_page: the first page.
        author: an author as ``"surname initials"`` (``"mann bj"``).
        key: your own label, returned on the match; it is never sent to NCBI.
    """

    journal: str = attrs.field(converter=str)
    year: str | None = attrs.field(default=None, converter=_optional_field)
    volume: str | None = attrs.field(default=None, converter=_optional_field)
    first_page: str | None = attrs.field(default=None, converter=_optional_field)
    author: str | None = attrs.field(default=None, converter=_optional_field)
    key: str | None = None


@attrs.frozen(kw_only=True)
class CitationMatch:
    """ECitMatch's answer for one citation.

    Attributes:
        key: the query's own key.
        status: ``"found"``, ``"not_found"`` or ``"ambiguous"``.
        pmid: the PMID when found.
        candidates: the PMIDs NCBI named for an ambiguous citation (often none).
        reason: NCBI's words when not found or ambiguous (``"INVALID_JOURNAL"``).
    """

    key: str | None
    status: Literal["found", "not_found", "ambiguous"]
    pmid: str | None = None
    candidates: tuple[str, ...] = attrs.field(default=(), converter=_str_tuple)
    reason: str | None = None


def citation_key(index: int) -> str:
    """The key sent to NCBI for the citation at ``index`` of a request.

    Keys are made here, not taken from the caller, so they are unique, free of ``|``, spaces
    and capitals (NCBI lower-cases what it echoes), and cannot collide.
    """
    return f"pe{index}"


def build_bdata(queries: Sequence[CitationQuery]) -> str:
    """The ``bdata`` value for ECitMatch: one ``journal|year|volume|page|author|key|`` a line.

    Lines are joined by a carriage return and spaces are left as spaces: the HTTP layer
    form-encodes the value exactly once (space to ``+``, CR to ``%0D``, ``|`` to ``%7C``),
    which is what NCBI decodes. Encoding here too would send ``%2B`` for every space.
    """
    lines = []
    for index, query in enumerate(queries):
        fields = (query.journal, query.year, query.volume, query.first_page, query.author)
        lines.append("|".join(_field(f) for f in fields) + f"|{citation_key(index)}|")
    return "\r".join(lines)


def _answer(query: CitationQuery, slot: str | None) -> CitationMatch:
    if slot is None:
        return CitationMatch(key=query.key, status="not_found", reason="no answer line")
    slot = slot.strip()
    if slot.isdigit():
        return CitationMatch(key=query.key, status="found", pmid=slot.lstrip("0") or slot)
    if slot.upper().startswith("AMBIGUOUS"):
        candidates = _PMID_TOKEN.findall(_CITATIONS_COUNT.sub(" ", slot[len("AMBIGUOUS") :]))
        return CitationMatch(
            key=query.key, status="ambiguous", candidates=candidates, reason=slot or None
        )
    reason = slot
    if reason.upper().startswith("NOT_FOUND"):
        reason = reason[len("NOT_FOUND") :].lstrip(";: ")
    return CitationMatch(key=query.key, status="not_found", reason=reason or None)


def parse_ecitmatch(
    text: bytes | str,
    queries: Sequence[CitationQuery],
    *,
    keys: Sequence[str] | None = None,
) -> list[CitationMatch]:
    """One :class:`CitationMatch` per query, in the queries' order.

    Lines are matched to queries by the key that was sent (the sixth field), not by position:
    NCBI echoes the citation, sometimes altered (an author dropped), and appends the PMID or
    a reason (``NOT_FOUND;INVALID_JOURNAL``, ``AMBIGUOUS``) as the seventh.

    Args:
        text: ECitMatch's reply.
        queries: the citations, in the order they were sent.
        keys: the keys sent for them; by default those :func:`build_bdata` makes.
    """
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    if keys is None:
        keys = [citation_key(index) for index in range(len(queries))]
    if len(keys) != len(queries):
        raise ValueError("keys and queries must have the same length")
    slots: dict[str, str] = {}
    for line in text.splitlines():
        parts = line.split("|")
        if len(parts) < 7:
            continue
        key = parts[5].strip().lower()
        slots.setdefault(key, "|".join(parts[6:]).strip("| "))
    return [
        _answer(query, slots.get(key.strip().lower()))
        for key, query in zip(keys, queries, strict=True)
    ]


# --------------------------------------------------------------------------- ELink


@attrs.frozen(kw_only=True)
class Link:
    """The links of one kind from a link set.

    Attributes:
        dbto: the target database.
        linkname: NCBI's link name (``"pubmed_pmc"``).
        ids: the linked UIDs, in NCBI's order.
    """

    dbto: str | None
    linkname: str | None
    ids: tuple[str, ...] = attrs.field(converter=_str_tuple)


def _link_tuple(links: Iterable[Link]) -> tuple[Link, ...]:
    return tuple(links)


@attrs.frozen(kw_only=True)
class LinkSet:
    """One ELink ``LinkSet``: input UIDs and what they link to.

    With one ``id=`` per UID (as :class:`~pubenrich.ncbi.client.EutilsClient` sends), each link set
    answers exactly one input UID, which keeps inputs paired with outputs.

    Attributes:
        dbfrom: the source database.
        ids: the input UIDs of this set.
        links: the links, one entry per link name.
    """

    dbfrom: str | None
    ids: tuple[str, ...] = attrs.field(converter=_str_tuple)
    links: tuple[Link, ...] = attrs.field(converter=_link_tuple)

    def linked(self, linkname: str) -> tuple[str, ...]:
        """The UIDs under ``linkname`` (empty when there are none)."""
        return tuple(i for link in self.links if link.linkname == linkname for i in link.ids)


def parse_elink(body: bytes | str) -> list[LinkSet]:
    """The link sets of an ELink XML reply, in NCBI's order.

    Raises:
        ParseError: when the reply is not an ``eLinkResult``.
    """
    root = _xml_root(body, "elink")
    if root.tag != "eLinkResult":
        raise ParseError(f"elink: expected <eLinkResult>, got <{root.tag}>")
    sets = []
    for linkset in root.iterfind("LinkSet"):
        links = [
            Link(
                dbto=_text(db.find("DbTo")),
                linkname=_text(db.find("LinkName")),
                ids=_texts(db.iterfind("Link/Id")),
            )
            for db in linkset.iterfind("LinkSetDb")
        ]
        sets.append(
            LinkSet(
                dbfrom=_text(linkset.find("DbFrom")),
                ids=_texts(linkset.iterfind("IdList/Id")),
                links=links,
            )
        )
    return sets
