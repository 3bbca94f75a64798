"""The JSON text of stored values: compact encoding in, fast decoding out.

The cache and the mirror both keep JSON text and read far more than they write, so the decoding
rule (orjson first, json for what orjson refuses) lives here once for both.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import orjson

from pubenrich.errors import CacheError

__all__ = ["JSONValue", "encode", "loads"]

JSONValue = Any


def encode(namespace: str, items: Mapping[str, JSONValue]) -> dict[str, str]:
    """Compact JSON text per key; a value JSON cannot hold is the caller's bug, said clearly."""
    encoded = {}
    for key, value in items.items():
        try:
            encoded[key] = json.dumps(value, separators=(",", ":"), allow_nan=False)
        except (TypeError, ValueError) as exc:
            raise CacheError(f"cannot store {namespace}/{key}: not JSON ({exc})") from exc
    return encoded


def loads(text: str | bytes) -> JSONValue:
    """Decode a stored value: orjson (twice as fast as json here, and the read path of a warm
    cache is mostly decoding), with json for the rare text orjson refuses (integers past 64
    bits) so that what json wrote always reads back."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)
