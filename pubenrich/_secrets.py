"""What a secret is and how it is masked: the one rule every log line, error and fixture uses.

``api_key`` and ``email`` say who is asking; they may reach NCBI and nowhere else. Each place
that shows a request (a log line, an error, a recorded fixture) masks them through this module,
so a new way for a secret to leak needs one fix, here.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping
from typing import Any
from urllib.parse import quote_plus

__all__ = [
    "MASK",
    "SECRET_PARAMS",
    "mask_bytes",
    "mask_params",
    "mask_query",
    "mask_values",
    "secret_values",
]

# Request parameters that identify the user; they never go into a log line or an error.
SECRET_PARAMS = frozenset({"api_key", "email"})
MASK = "***"
_LONG_VALUE = 200  # id lists: a log line shows their start and their length

_SECRET_IN_QUERY = re.compile(
    r"(?<![\w.-])(" + "|".join(sorted(SECRET_PARAMS)) + r")=[^&\s\"'#]*", re.IGNORECASE
)


def mask_params(params: Mapping[str, Any] | None) -> dict[str, str]:
    """Copy request parameters without the secret ones, for logs and error messages.

    ``api_key`` and ``email`` are replaced by ``"***"`` so that a reader still sees that they
    were sent; long values (id lists) are shortened.
    """
    clean: dict[str, str] = {}
    for name, value in (params or {}).items():
        if name in SECRET_PARAMS:
            clean[name] = MASK
            continue
        text = str(value)
        clean[name] = (
            text if len(text) <= _LONG_VALUE else f"{text[:_LONG_VALUE]}... ({len(text)} chars)"
        )
    return clean


def mask_query(text: str) -> str:
    """Mask the values of ``api_key=`` and ``email=`` wherever a query string shows in ``text``.

    For text that quotes a whole URL, such as an HTTP library's request log line.
    """
    return _SECRET_IN_QUERY.sub(rf"\1={MASK}", text)


def secret_values(pairs: Iterable[tuple[str, str]]) -> list[str]:
    """The values of the secret parameters among ``pairs``, longest first."""
    found = {value for name, value in pairs if name in SECRET_PARAMS and value}
    return sorted(found, key=len, reverse=True)


def mask_values(text: str, secrets: Collection[str], mask: str = MASK) -> str:
    """``text`` with every one of ``secrets`` replaced by ``mask``, as given and URL-encoded.

    A body or an exception that quotes the request URL holds a value URL-encoded ("@" as
    "%40"); longer secrets go first, so one that contains another is masked whole.
    """
    for secret in sorted(secrets, key=len, reverse=True):
        if secret:
            text = text.replace(secret, mask).replace(quote_plus(secret), mask)
    return text


def mask_bytes(data: bytes, secrets: Collection[str], mask: str = MASK) -> bytes:
    """:func:`mask_values` for a body that is not text (masked before it is base64-encoded)."""
    for secret in sorted(secrets, key=len, reverse=True):
        if secret:
            for form in {secret, quote_plus(secret)}:
                data = data.replace(form.encode("utf-8"), mask.encode("utf-8"))
    return data
