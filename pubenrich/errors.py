"""The one exception hierarchy of pubenrich.

Every error pubenrich raises derives from :class:`PubenrichError`, so a pipeline can catch
them all in one place. Foreign exceptions (``requests``, ``tenacity``, ``sqlite3``, ``lxml``)
are translated at exactly one boundary each, with ``raise ... from exc``.

::

    PubenrichError
    ├── InvalidIdentifier (+ValueError)   bad PMID / PMCID / DOI string
    ├── InvalidInput (+ValueError)        an enrich input with no id and too little to search
    ├── ParseError (+ValueError)          XML / JSON / text that cannot be read
    ├── TransportError                    no full reply: reset, timeout, cut body  (retried)
    │   └── ConnectionFailed              no connection at all: DNS, refused, proxy (tried twice)
    ├── NcbiError                         NCBI replied with an error               (not retried)
    │   ├── BadRequest                    4xx, ``<ERROR>Invalid ...``              (not retried)
    │   └── NcbiUnavailable               5xx, "Backend failed", HTML page         (retried)
    │       └── RateLimited               429 or NCBI's rate JSON                  (retried)
    ├── CacheError                        the cache cannot be read or written
    └── OfflineMiss                       offline mode and the answer is not cached

"Retried" means the E-utilities client retries it with backoff before giving up; what
reaches the caller after the retries is the last error.
"""

from __future__ import annotations

__all__ = [
    "BadRequest",
    "CacheError",
    "ConnectionFailed",
    "InvalidIdentifier",
    "InvalidInput",
    "MirrorError",
    "NcbiError",
    "NcbiUnavailable",
    "OfflineMiss",
    "ParseError",
    "PubenrichError",
    "RateLimited",
    "TransportError",
]


class PubenrichError(Exception):
    """Root of every error pubenrich raises."""


class InvalidIdentifier(PubenrichError, ValueError):
    """A string is not a valid PMID, PMCID or DOI.

    Attributes:
        kind: ``"pmid"``, ``"pmcid"``, ``"doi"`` or ``"id"`` when the kind is unknown.
        value: the offending input, as given.
    """

    def __init__(self, kind: str, value: object, reason: str) -> None:
        self.kind = kind
        self.value = value
        self.reason = reason
        super().__init__(f"invalid {kind.upper()} {value!r}: {reason}")


class InvalidInput(PubenrichError, ValueError):
    """An input of ``enrich`` that names no identifier and too little to search on, or is
    of a type that cannot be read; reported as that input's status, never raised by enrich."""


class ParseError(PubenrichError, ValueError):
    """Input (XML, JSON, MEDLINE text, a cache entry) that cannot be read.

    Attributes:
        record: what was being read when it broke (for example ``"PMID 25211170"`` or
            ``"record 3"``), or ``None`` when it broke before any record.
    """

    def __init__(self, message: str, record: str | None = None) -> None:
        self.record = record
        super().__init__(f"{message} (at {record})" if record else message)


class TransportError(PubenrichError):
    """No complete reply arrived: connection refused or reset, timeout, body cut short.

    Attributes:
        retried: whether a later attempt may fare better (False for a replay file that does
            not hold the request: it will not change).
    """

    retried = True


class ConnectionFailed(TransportError):
    """No connection could be made at all: the name did not resolve, the host or the proxy
    refused. Another attempt a second later is unlikely to fare better, so it is tried twice,
    not six times, and a command stops at the first one.

    Attributes:
        cause: what failed, in a few words (``"name resolution failed for eutils.ncbi..."``).
    """

    def __init__(self, cause: str) -> None:
        self.cause = cause
        super().__init__(f"cannot connect: {cause}")


class NcbiError(PubenrichError):
    """NCBI answered, and the answer is an error.

    Attributes:
        endpoint: the service, e.g. ``"efetch"`` or ``"idconv"``.
        message: NCBI's own message, when it gave one.
        status: the HTTP status code (NCBI often says 200 with an error inside).
        params: the request parameters with secrets (``api_key``, ``email``) scrubbed.
    """

    def __init__(
        self,
        message: str,
        *,
        endpoint: str = "",
        status: int | None = None,
        params: dict[str, str] | None = None,
    ) -> None:
        self.endpoint = endpoint
        self.message = message
        self.status = status
        self.params = dict(params or {})
        where = f"{endpoint}: " if endpoint else ""
        code = f" (HTTP {status})" if status is not None else ""
        super().__init__(f"{where}{message}{code}")


class BadRequest(NcbiError):
    """NCBI refused the request itself (4xx, ``<ERROR>Invalid ...``); retrying cannot help."""


class NcbiUnavailable(NcbiError):
    """NCBI could not answer now (5xx, "Backend failed", an HTML error page); worth a retry."""


class RateLimited(NcbiUnavailable):
    """NCBI throttled the request (HTTP 429 or its rate-limit JSON).

    Attributes:
        retry_after: seconds to wait, when NCBI said (it rarely does).
    """

    def __init__(
        self,
        message: str,
        *,
        endpoint: str = "",
        status: int | None = 429,
        params: dict[str, str] | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message, endpoint=endpoint, status=status, params=params)
        self.retry_after = retry_after


class CacheError(PubenrichError):
    """The cache cannot be opened, read or written."""


class MirrorError(PubenrichError):
    """The local PubMed mirror cannot be synced, built or read.

    Raised for a download whose MD5 does not match NCBI's ``.md5`` file, a file that is not
    PubMed XML, or a store that cannot be opened.
    """


class OfflineMiss(PubenrichError):
    """Offline mode was asked for and the answer is not in the cache."""
