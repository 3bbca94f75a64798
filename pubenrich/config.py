"""One frozen configuration for everything that talks to NCBI.

The environment is read in exactly one place, :meth:`Config.from_env`, so a library call never
changes behaviour because of a variable someone exported; everything else takes a ``Config``.
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Any

import attrs

from pubenrich._secrets import SECRET_PARAMS, mask_params, mask_query

__all__ = ["SECRET_PARAMS", "Config", "scrub", "scrub_query"]

RATE_WITHOUT_KEY = 3.0  # NCBI: "more than 3 requests per second ... will receive an error"
RATE_WITH_KEY = 10.0  # NCBI: "a site can post up to 10 requests per second by default"
MAX_BATCH_SIZE = 10_000  # EFetch / ESummary: "up to a maximum of 10,000"

# The masking rule lives in pubenrich._secrets; these names stay for the code that imports them.
scrub = mask_params
scrub_query = mask_query


def _optional_str(value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise TypeError("expected a string or None")
    return value.strip() or None


def _url(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError("expected a string")
    value = value.strip()
    return value if value.endswith("/") else value + "/"


def _optional_path(value: object) -> Path | None:
    if value is None or isinstance(value, Path):
        return value
    if isinstance(value, str):
        return Path(value)
    raise TypeError("expected a path, a string or None")


def _check_email(_inst: object, _attr: attrs.Attribute[Any], value: str | None) -> None:
    # The value is not echoed: an address is personal data and stays out of messages.
    if value is None:
        return
    local, at, host = value.partition("@")
    if not at or not local or "." not in host or any(c.isspace() for c in value):
        raise ValueError("email must be an address like name@example.org")


def _check_api_key(_inst: object, _attr: attrs.Attribute[Any], value: str | None) -> None:
    if value is not None and any(c.isspace() for c in value):
        raise ValueError("api_key must not contain spaces")


def _check_tool(_inst: object, _attr: attrs.Attribute[Any], value: str) -> None:
    # NCBI: "Value must be a string with no internal spaces."
    if not value or any(c.isspace() for c in value):
        raise ValueError("tool must be a non-empty string without spaces")


def _check_url(_inst: object, attr: attrs.Attribute[Any], value: str) -> None:
    if not value.startswith(("http://", "https://")) or len(value) <= len("https://"):
        raise ValueError(f"{attr.name} must be an http:// or https:// URL, got {value!r}")


def _positive(_inst: object, attr: attrs.Attribute[Any], value: float | None) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not math.isfinite(value) or value <= 0:
        raise ValueError(f"{attr.name} must be a positive number, got {value!r}")


def _at_least_one(_inst: object, attr: attrs.Attribute[Any], value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{attr.name} must be an integer of at least 1, got {value!r}")


def _check_batch_size(inst: object, attr: attrs.Attribute[Any], value: int) -> None:
    _at_least_one(inst, attr, value)
    if value > MAX_BATCH_SIZE:
        raise ValueError(f"batch_size must be at most {MAX_BATCH_SIZE}, got {value!r}")


@attrs.frozen(kw_only=True)
class Config:
    """Settings for talking to NCBI: identity, endpoints, pacing, batching, timeouts, retries.

    Attributes:
        email: your address; NCBI asks for it on every request and uses it to reach you.
        api_key: your NCBI API key; raises the default rate from 3 to 10 requests per second.
            Never shown in a repr, a log line or an error.
        tool: the application name sent with every request (no spaces).
        eutils_url: base URL of the E-utilities; point it at a local fake server in tests.
        idconv_url: base URL of the PMC ID converter.
        requests_per_second: the pace for all requests of this process; ``None`` means NCBI's
            default, 10 with a key and 3 without (see :attr:`rate`).
        batch_size: ids per request (NCBI asks for POST above 200; idconv takes at most 200
            and ESummary JSON at most 500, whatever this says).
        connect_timeout: seconds to wait for a connection.
        read_timeout: the most seconds to wait for each read of the reply. A request waits
            less when it is small: 15 s, plus 0.05 s per id past 300 (a stalled reply to a
            200-id efetch is cut off after 15 s, not 60), and never more than this.
        max_attempts: tries per request, the first included, 429s not counted. The deadline
            below binds first in an outage (twenty tries back off over about two minutes).
        max_retry_seconds: a request's deadline: it is not tried again past this many seconds
            after its first try.
        max_outage_seconds: the run's deadline: once NCBI has failed for this long with no
            reply in between, a failed request is no longer retried, nor a failed batch asked
            again, until NCBI answers again. The defaults ride out an outage of a few minutes.
        max_in_flight: requests sent together and awaiting their replies. NCBI takes one to a
            few seconds per batch, so a window that covers rate x latency lets the rate limit,
            not the latency, bound a large job.
        cache_path: where a cache keeps replies (used by the cache layer).
        offline: answer from the cache only; never send a request.
    """

    email: str | None = attrs.field(default=None, converter=_optional_str, validator=_check_email)
    api_key: str | None = attrs.field(
        default=None, converter=_optional_str, validator=_check_api_key, repr=False
    )
    tool: str = attrs.field(default="pubenrich", validator=_check_tool)
    eutils_url: str = attrs.field(
        default="https://eutils.ncbi.nlm.nih.gov/entrez/eutils/",
        converter=_url,
        validator=_check_url,
    )
    idconv_url: str = attrs.field(
        default="https://pmc.ncbi.nlm.nih.gov/tools/idconv/api/v1/articles/",
        converter=_url,
        validator=_check_url,
    )
    requests_per_second: float | None = attrs.field(default=None, validator=_positive)
    batch_size: int = attrs.field(default=200, validator=_check_batch_size)
    connect_timeout: float = attrs.field(default=10.0, validator=_positive)
    read_timeout: float = attrs.field(default=60.0, validator=_positive)
    max_attempts: int = attrs.field(default=20, validator=_at_least_one)
    max_retry_seconds: float = attrs.field(default=120.0, validator=_positive)
    max_outage_seconds: float = attrs.field(default=300.0, validator=_positive)
    max_in_flight: int = attrs.field(default=10, validator=_at_least_one)
    cache_path: Path | None = attrs.field(default=None, converter=_optional_path)
    offline: bool = attrs.field(default=False, validator=attrs.validators.instance_of(bool))

    @property
    def rate(self) -> float:
        """Requests per second for this process: the setting, else NCBI's default for the key."""
        if self.requests_per_second is not None:
            return float(self.requests_per_second)
        return RATE_WITH_KEY if self.api_key else RATE_WITHOUT_KEY

    @property
    def timeout(self) -> tuple[float, float]:
        """``(connect, read)`` seconds, the form HTTP libraries take."""
        return (self.connect_timeout, self.read_timeout)

    def identity(self) -> dict[str, str]:
        """The parameters NCBI asks for on every request: tool, email, api_key when given."""
        params = {"tool": self.tool}
        if self.email:
            params["email"] = self.email
        if self.api_key:
            params["api_key"] = self.api_key
        return params

    @classmethod
    def from_env(cls, **overrides: Any) -> Config:
        """Build a Config from ``NCBI_API_KEY`` and ``NCBI_EMAIL``; keyword arguments win.

        This is the only place pubenrich reads the environment. Empty variables count as unset.

        Raises:
            ValueError: when a value (from the environment or an override) is invalid.
        """
        values: dict[str, Any] = {
            "api_key": os.environ.get("NCBI_API_KEY") or None,
            "email": os.environ.get("NCBI_EMAIL") or None,
        }
        values.update(overrides)
        return cls(**values)
