"""Send one HTTP request and return the whole reply, or raise :class:`TransportError`.

This is the only module that imports ``requests``. The client takes any object with a
``send`` method (:class:`Transport`), so tests and other back ends need no monkeypatching.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Mapping
from typing import Protocol
from urllib.parse import urlencode, urlsplit

import attrs
import requests
import requests.adapters
import urllib3.exceptions

from pubenrich._secrets import MASK, SECRET_PARAMS, mask_query, mask_values, secret_values
from pubenrich.errors import ConnectionFailed, NcbiError, TransportError

__all__ = [
    "HttpRequest",
    "HttpResponse",
    "RequestsTransport",
    "Transport",
    "connection_cause",
    "download_to",
]

log = logging.getLogger(__name__)

Pairs = tuple[tuple[str, str], ...]

# urllib3 logs every request line, query string included, at DEBUG (and retries at WARNING);
# a GET URL carries the key and the email, so their records are masked before any handler.
_URLLIB3_LOGGERS = ("urllib3.connectionpool", "urllib3.util.retry")


class _MaskSecrets(logging.Filter):
    """Mask ``api_key=`` and ``email=`` values in the records of urllib3's loggers."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_query(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


def _mask_urllib3_logs() -> None:
    """Install :class:`_MaskSecrets` on urllib3's loggers, once."""
    for name in _URLLIB3_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, _MaskSecrets) for f in logger.filters):
            logger.addFilter(_MaskSecrets())


def _pairs(value: Mapping[str, str] | Iterable[tuple[str, str]] | None) -> Pairs:
    if value is None:
        return ()
    items = value.items() if isinstance(value, Mapping) else value
    return tuple((str(k), str(v)) for k, v in items)


def _optional_pairs(value: Mapping[str, str] | Iterable[tuple[str, str]] | None) -> Pairs | None:
    return None if value is None else _pairs(value)


@attrs.frozen
class HttpRequest:
    """One request: the URL without query, its parameters, and a form body for POST.

    Parameters are ordered pairs, not a dict, because ELink pairs inputs with outputs by
    repeating ``id=`` once per UID.

    Attributes:
        method: ``"GET"`` or ``"POST"``.
        url: the endpoint, without a query string.
        params: query-string pairs.
        data: form-body pairs (``application/x-www-form-urlencoded``), POST only.
        timeout: ``(connect, read)`` seconds.
    """

    method: str = attrs.field(validator=attrs.validators.in_({"GET", "POST"}))
    url: str
    params: Pairs = attrs.field(default=(), converter=_pairs)
    data: Pairs | None = attrs.field(default=None, converter=_optional_pairs, repr=False)
    timeout: tuple[float, float] = (10.0, 60.0)

    def __repr__(self) -> str:
        return f"HttpRequest({self.method} {self.safe_url()})"

    def secrets(self) -> list[str]:
        """The secret values this request carries (api_key, email), longest first."""
        return secret_values((*self.params, *(self.data or ())))

    def redact(self, text: str) -> str:
        """``text`` with every secret value of this request replaced by ``***``."""
        return mask_values(text, self.secrets())

    def safe_url(self) -> str:
        """The URL with its query string, secrets masked; safe to log."""
        shown = [(k, MASK if k in SECRET_PARAMS else v) for k, v in self.params]
        return self.url + ("?" + urlencode(shown) if shown else "")


@attrs.frozen
class HttpResponse:
    """A complete reply.

    Attributes:
        status: the HTTP status code.
        headers: header names in lower case.
        body: the whole body, decompressed.
        url: the final URL after redirects (secrets masked).
    """

    status: int
    headers: Mapping[str, str] = attrs.field(repr=False)
    body: bytes = attrs.field(repr=False)
    url: str = ""


class Transport(Protocol):
    """Anything that turns an :class:`HttpRequest` into an :class:`HttpResponse`.

    A transport that answers from this machine rather than from NCBI (a recording) may say
    so with a class attribute ``answers_locally = True``; its requests are then not paced.
    """

    def send(self, request: HttpRequest) -> HttpResponse:
        """Send ``request``; raise :class:`TransportError` when no complete reply arrives."""
        ...  # pragma: no cover


def _redact_chain(exc: BaseException, request: HttpRequest) -> None:
    """Mask secrets in the messages of a foreign exception and the exceptions it wraps.

    ``raise ... from exc`` keeps the foreign exception for the traceback; its message may
    quote the URL, and a GET URL may hold the key.
    """
    seen: set[int] = set()
    stack: list[BaseException] = [exc]
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        args: list[object] = []
        for arg in current.args:
            if isinstance(arg, BaseException):
                stack.append(arg)
                args.append(arg)
            elif isinstance(arg, str):
                args.append(request.redact(arg))
            else:
                args.append(arg)
        current.args = tuple(args)
        reason = getattr(current, "reason", None)
        if isinstance(reason, BaseException):
            stack.append(reason)
        for linked in (current.__cause__, current.__context__):
            if linked is not None:
                stack.append(linked)


def _chain(exc: BaseException) -> list[BaseException]:
    """``exc`` and every exception it wraps (args, ``reason``, cause, context), outer first."""
    found: list[BaseException] = []
    stack: list[BaseException] = [exc]
    while stack:
        current = stack.pop(0)
        if any(current is seen for seen in found):
            continue
        found.append(current)
        stack.extend(a for a in current.args if isinstance(a, BaseException))
        reason = getattr(current, "reason", None)
        if isinstance(reason, BaseException):
            stack.append(reason)
        stack.extend(e for e in (current.__cause__, current.__context__) if e is not None)
    return found


def _innermost(exc: BaseException) -> str:
    """The deepest exception's class and message: the cause urllib3 wraps three times."""
    last = _chain(exc)[-1]
    return f"{type(last).__name__}: {last}" if str(last) else type(last).__name__


def connection_cause(exc: BaseException, request: HttpRequest) -> str | None:
    """What stopped a connection from being made at all, in a few words, or None when the
    failure is of another kind (a reset or a timeout after connecting is worth a retry).

    Name resolution and refusal are told apart because the user's fix differs: a name that
    does not resolve means no network or no DNS, a refusal means a firewall, a proxy or a
    server that is down.
    """
    host = urlsplit(request.url).hostname or request.url
    chain = _chain(exc)
    via_proxy = any(isinstance(e, requests.exceptions.ProxyError) for e in chain)
    for error in chain:
        if isinstance(error, urllib3.exceptions.NameResolutionError):
            last = _chain(error)[-1]
            return f"name resolution failed for {host} ({getattr(last, 'strerror', '') or last})"
        if isinstance(error, ConnectionRefusedError):
            where = "the proxy" if via_proxy else host
            return f"connection refused by {where} (no network, a firewall, or a proxy setting?)"
    if via_proxy:
        return f"cannot connect to the proxy for {host} ({_innermost(exc)})"
    return None


class RequestsTransport:
    """The default transport: a ``requests.Session`` that follows redirects.

    The legacy ID-converter URL answers with a redirect, so redirects are followed. Every
    ``requests`` exception becomes a :class:`TransportError` (or :class:`NcbiError` for a
    redirect loop) whose message holds no secret.

    Args:
        session: a session to use; the transport then leaves closing it to the caller.
        pool_size: connections kept per host; match it to the requests in flight.
    """

    def __init__(self, session: requests.Session | None = None, *, pool_size: int = 10) -> None:
        _mask_urllib3_logs()
        self._owns_session = session is None
        if session is None:
            session = requests.Session()
            adapter = requests.adapters.HTTPAdapter(
                pool_connections=4, pool_maxsize=max(1, pool_size)
            )
            session.mount("https://", adapter)
            session.mount("http://", adapter)
        self._session = session

    def send(self, request: HttpRequest) -> HttpResponse:
        """Send the request and read the whole body.

        Raises:
            TransportError: connection refused or reset, timeout, body cut short.
            NcbiError: too many redirects.
        """
        try:
            reply = self._session.request(
                request.method,
                request.url,
                params=list(request.params) or None,
                data=list(request.data) if request.data is not None else None,
                timeout=request.timeout,
                allow_redirects=True,
            )
            body = reply.content  # reads the body; a cut chunked body raises here
        except requests.TooManyRedirects as exc:
            _redact_chain(exc, request)
            raise NcbiError(
                "too many redirects", endpoint=request.url.rsplit("/", 1)[-1] or request.url
            ) from exc
        except requests.Timeout as exc:
            _redact_chain(exc, request)
            raise TransportError(f"timed out: {request!r}") from exc
        except requests.exceptions.ChunkedEncodingError as exc:
            _redact_chain(exc, request)
            raise TransportError(f"reply cut short: {request!r}") from exc
        except requests.exceptions.ContentDecodingError as exc:
            _redact_chain(exc, request)
            raise TransportError(f"reply could not be decompressed: {request!r}") from exc
        except requests.ConnectionError as exc:
            _redact_chain(exc, request)
            cause = connection_cause(exc, request)
            if cause is not None:
                raise ConnectionFailed(cause) from exc
            raise TransportError(f"connection failed ({_innermost(exc)}): {request!r}") from exc
        except requests.RequestException as exc:
            _redact_chain(exc, request)
            raise TransportError(f"request failed ({type(exc).__name__}): {request!r}") from exc
        headers = {k.lower(): v for k, v in reply.headers.items()}
        return HttpResponse(
            status=reply.status_code, headers=headers, body=body, url=request.redact(reply.url)
        )

    def close(self) -> None:
        """Close the session if this transport created it."""
        if self._owns_session:
            self._session.close()


def download_to(
    url: str,
    part: str | os.PathLike[str],
    *,
    timeout: tuple[float, float] = (10.0, 300.0),
    chunk_size: int = 1 << 20,
) -> HttpResponse:
    """Stream ``url`` into the file ``part``, resuming after the bytes it already holds.

    Bulk files (PubMed's baseline is about 1,300 files of 20-40 MB) do not fit the
    whole-body :class:`Transport`; this asks with ``Range: bytes=N-`` and appends, so an
    interrupted download continues where it stopped. A server that ignores the range (200)
    restarts the file; 416 means ``part`` is already complete.

    Args:
        url: the file's URL.
        part: where the bytes go (appended to when it exists).
        timeout: ``(connect, read)`` seconds.
        chunk_size: bytes read per write.

    Returns:
        The reply's status and headers, with an empty body.

    Raises:
        TransportError: the connection failed or timed out, or the status is not 200, 206
            or 416.
    """
    have = os.path.getsize(part) if os.path.exists(part) else 0
    # identity: the bytes on disk must be the file's own bytes, for the MD5 check.
    headers = {"Accept-Encoding": "identity"}
    if have:
        headers["Range"] = f"bytes={have}-"
    try:
        with requests.get(url, headers=headers, stream=True, timeout=timeout) as reply:
            status = reply.status_code
            if status not in (200, 206, 416):
                raise TransportError(f"download of {url} failed: HTTP {status}")
            if status != 416:
                with open(part, "ab" if status == 206 else "wb") as out:
                    for chunk in reply.raw.stream(chunk_size, decode_content=False):
                        out.write(chunk)
            found = {k.lower(): v for k, v in reply.headers.items()}
    except (requests.RequestException, urllib3.exceptions.HTTPError) as exc:
        # urllib3's errors surface directly when the raw stream breaks mid-body
        raise TransportError(f"download of {url} failed ({type(exc).__name__})") from exc
    log.debug("downloaded %s (HTTP %d, resumed at %d bytes)", url, status, have)
    return HttpResponse(status=status, headers=found, body=b"", url=url)
