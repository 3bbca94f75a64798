"""Tell an answer from an error dressed as one: the one place where a reply becomes an error.

NCBI often says HTTP 200 and puts the error inside: ``<ERROR>`` in an ``eSearchResult``, JSON
``{"error": ...}`` (sometimes not even valid JSON), "Search Backend failed", an HTML page where
XML was asked for, a body cut off mid-record. :func:`classify` turns each into the matching
:mod:`pubenrich.errors` class, so nothing of the sort is ever handed on as data. Each endpoint's
module (``esearch``, ``esummary``, ``elink``, ``ecitmatch``, ``idconv``) reads replies that
passed :func:`classify`; PubMed records are the business of ``formats.pubmed_xml``.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from typing import Any, Literal
from urllib.parse import unquote

from pubenrich._secrets import mask_values
from pubenrich.errors import (
    BadRequest,
    NcbiError,
    NcbiUnavailable,
    ParseError,
    RateLimited,
    TransportError,
)
from pubenrich.ncbi.reading import decode_json

__all__ = ["Format", "classify"]

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

# --------------------------------------------------------------------------- classification


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _MAX_MESSAGE else text[: _MAX_MESSAGE - 3] + "..."


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
