"""ESummary: document summaries as decoded JSON, and their parser.

ESummary is how pubenrich tells an unknown PMID (``"cannot get document summary"``) from one
efetch left out, so a summary that is an error stays in the result.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from pubenrich.errors import ParseError
from pubenrich.ncbi.reading import decode_json

__all__ = ["ESUMMARY_JSON_MAX_IDS", "JsonBatch", "esummary_params", "parse_esummary"]

ESUMMARY_JSON_MAX_IDS = 500  # "Maximum number of UIDs is 500 for JSON format output."


@attrs.frozen
class JsonBatch:
    """One decoded JSON reply and the ids it was asked for.

    Attributes:
        ids: the ids sent, deduplicated, in input order.
        data: the decoded JSON.
    """

    ids: tuple[str, ...]
    data: Any = attrs.field(repr=False)


def esummary_params(db: str, batch: tuple[str, ...]) -> list[tuple[str, str]]:
    """The parameters of one ESummary request for ``batch`` (JSON, which says which uids
    NCBI could not summarize)."""
    return [("db", db), ("id", ",".join(batch)), ("retmode", "json")]


def parse_esummary(reply: bytes | str | Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """The document summaries of an ESummary JSON reply, by uid, in NCBI's order.

    A uid NCBI could not summarize keeps its entry with an ``"error"`` key (``"cannot get
    document summary"``), so the caller can tell it from one that was never asked for.

    Args:
        reply: the body, or its decoded JSON, checked by
            :func:`~pubenrich.ncbi.classify.classify`.

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
