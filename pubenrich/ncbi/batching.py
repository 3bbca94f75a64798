"""Ids into request batches: read as NCBI wants them, deduplicated, cut, and GET or POST.

Every batched endpoint cuts the same way, and a caller that reports per batch needs the very
boundaries the requests used; so the cutting is one rule, here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from pubenrich.errors import InvalidIdentifier
from pubenrich.model.identifiers import DOI, PMCID, PMID, Identifier

__all__ = ["POST_ABOVE_IDS", "as_iterable", "batches", "planned", "uid"]

POST_ABOVE_IDS = 200  # NCBI: "if more than about 200 UIDs ... should be made using POST"

_UID = re.compile(r"^[A-Za-z0-9_.\-]+$")


def as_iterable(ids: Iterable[Any] | str | int | Identifier) -> Iterable[Any]:
    """``ids`` as an iterable: a lone string or number is one id, not a sequence of characters."""
    if isinstance(ids, str | int | bytes | PMID | PMCID | DOI):
        return [ids]
    return ids


def uid(value: Any, db: str) -> str:
    """The UID form NCBI expects for ``db``: digits for pubmed and pmc, as given elsewhere."""
    if db == "pubmed":
        return PMID(value).value
    if db == "pmc":
        return PMCID(value).value[3:]
    text = str(value).strip()
    if not _UID.match(text):
        raise InvalidIdentifier("id", value, f"not a UID of {db}")
    return text


def batches(ids: Iterable[str], size: int) -> Iterator[tuple[str, ...]]:
    """Deduplicate (first one wins) and cut into tuples of at most ``size``, lazily."""
    seen: set[str] = set()
    batch: list[str] = []
    for item in ids:
        if item in seen:
            continue
        seen.add(item)
        batch.append(item)
        if len(batch) == size:
            yield tuple(batch)
            batch = []
    if batch:
        yield tuple(batch)


def planned(ids: Iterable[str], size: int) -> Iterator[tuple[tuple[str, ...], bool]]:
    """Batches, each with whether the whole call holds more than 200 ids (then POST).

    Looking ahead just past 200 ids tells a small call (GET) from a bulk one (POST for every
    batch) without reading all ids first.
    """
    cut = batches(ids, size)
    ahead: list[tuple[str, ...]] = []
    seen = 0
    for batch in cut:
        ahead.append(batch)
        seen += len(batch)
        if seen > POST_ABOVE_IDS:
            break
    bulk = seen > POST_ABOVE_IDS
    for batch in ahead:
        yield batch, bulk
    for batch in cut:
        yield batch, True
