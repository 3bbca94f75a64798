"""Fault injection: which requests fail and how, and the replies that stand in for answers.

A :class:`FaultPlan` is deterministic (seed and request number), so a test that found a bug
under faults finds it again; the canned replies copy what NCBI sends when it fails.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Mapping, Sequence

import attrs

from pubenrich.testing.fake_ncbi.ratelimit import rate_reply
from pubenrich.testing.fake_ncbi.wire import (
    HTML_TYPE,
    JSON_TYPE,
    XML_TYPE,
    Params,
    Reply,
    ncbi_json,
    param,
)

__all__ = ["FAULT_KINDS", "FaultPlan", "OutagePlan", "cut_point", "fault_reply"]

FAULT_KINDS = (
    "rate_limit",
    "http_500",
    "http_502",
    "http_503",
    "reset",
    "stall",
    "truncate",
    "html_error",
    "error_200",
    "omit_ids",
)


@attrs.frozen
class FaultPlan:
    """Which requests fail, and how: deterministic by ``seed`` and request counter.

    Request ``n`` (counted from 0 by the server) draws one number from a generator seeded by
    ``(seed, n)``; the kinds' probabilities are stacked in :data:`FAULT_KINDS` order, so the
    same seed and rates fault the same request numbers with the same kinds every run.

    Args:
        seed: the seed.
        rates: probability per kind (their sum at most 1).
        stall_seconds: how long a ``stall`` holds the reply (bounded to 30 s; the server's
            shutdown cuts it short).
    """

    seed: int = 0
    rates: Mapping[str, float] = attrs.field(factory=dict)
    stall_seconds: float = 2.0

    @rates.validator
    def _check(self, _attr: object, value: Mapping[str, float]) -> None:
        unknown = set(value) - set(FAULT_KINDS)
        if unknown:
            raise ValueError(f"unknown fault kinds: {sorted(unknown)}")
        if any(p < 0 for p in value.values()) or sum(value.values()) > 1 + 1e-9:
            raise ValueError("fault rates must be >= 0 and sum to at most 1")

    def fault_for(self, index: int) -> str | None:
        """The fault of request number ``index``, or ``None``."""
        draw = random.Random(f"fault:{self.seed}:{index}").random()  # noqa: S311 - not secret
        total = 0.0
        for kind in FAULT_KINDS:
            total += self.rates.get(kind, 0.0)
            if draw < total:
                return kind
        return None

    def rng(self, index: int) -> random.Random:
        """A generator for the details of request ``index``'s fault (what to cut, omit)."""
        return random.Random(f"fault-detail:{self.seed}:{index}")  # noqa: S311 - not secret


@attrs.frozen
class OutagePlan(FaultPlan):
    """An outage: every request answered ``kind`` (503 by default) from ``start`` seconds
    after the plan is made for ``seconds`` seconds, on the real monotonic clock; before and
    after it, the plan's seeded faults (none by default).

    Args:
        start: seconds from the plan's making to the outage.
        seconds: how long the outage lasts.
        kind: the fault every request meets during it.
    """

    start: float = 2.0
    seconds: float = 20.0
    kind: str = "http_503"
    made: float = attrs.field(factory=time.monotonic)

    def fault_for(self, index: int) -> str | None:
        """The outage's fault while it lasts, else the seeded plan's."""
        elapsed = time.monotonic() - self.made
        if self.start <= elapsed < self.start + self.seconds:
            return self.kind
        return super().fault_for(index)


def fault_reply(fault: str, endpoint: str, params: Params, client: str, limit: int) -> Reply | None:
    """The reply sent instead of the answer under ``fault``; None for the faults that act on
    the connection or on the real answer (reset, stall, truncate, omit_ids)."""
    if fault == "rate_limit":
        return rate_reply(client, limit + 1, limit)
    if fault in ("http_500", "http_502", "http_503"):
        return server_error(int(fault[-3:]))
    if fault == "html_error":
        return html_error()
    if fault == "error_200":
        return error_200(endpoint, params)
    return None


def server_error(status: int) -> Reply:
    reason = {500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable"}
    body = (
        f"<html><head><title>{status} {reason[status]}</title></head><body>"
        f"<h1>{reason[status]}</h1><p>Synthetic fault injected by the fake NCBI.</p>"
        "</body></html>"
    )
    return Reply(status, body.encode(), HTML_TYPE)


def html_error() -> Reply:
    body = (
        '<!DOCTYPE html><html lang="en"><head><title>NCBI - WWW Error Blocked Diagnostic'
        "</title></head><body><h1>Service temporarily unavailable</h1><p>Synthetic HTML "
        "error page with status 200, injected by the fake NCBI.</p></body></html>"
    )
    return Reply(200, body.encode(), HTML_TYPE)


def error_200(endpoint: str, params: Mapping[str, Sequence[str]]) -> Reply:
    json_mode = param(params, "retmode", "xml") == "json" or endpoint in ("esummary", "idconv")
    if endpoint == "esearch" and json_mode:
        data = {
            "header": {"type": "esearch", "version": "0.3"},
            "esearchresult": {"ERROR": "Search Backend failed: synthetic fault"},
        }
        return Reply(200, ncbi_json(data), JSON_TYPE)
    if json_mode:
        body = json.dumps({"error": "Search Backend failed: synthetic fault"}).encode()
        return Reply(200, body, JSON_TYPE)
    root = {"esearch": "eSearchResult", "elink": "eLinkResult"}.get(endpoint, "eFetchResult")
    xml = (
        '<?xml version="1.0" encoding="UTF-8" ?>\n'
        f"<{root}>\n\t<ERROR>Unable to obtain query #1 (synthetic fault)</ERROR>\n</{root}>\n"
    )
    return Reply(200, xml.encode(), XML_TYPE)


def cut_point(body: bytes, rng: random.Random) -> int:
    """Where to cut a body: inside a record when there is one, else in the middle."""
    start = body.find(b"<PubmedArticle>")
    if start >= 0:
        last = body.rfind(b"</PubmedArticle>")
        return rng.randint(start + 20, max(start + 21, last))
    return rng.randint(1, len(body) - 1)
