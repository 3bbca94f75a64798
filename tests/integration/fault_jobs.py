"""Jobs run against the fake NCBI with and without faults, and the ledger that compares them.

A :class:`Job` says how to build mixed inputs, how to run them through an Enricher and what
of a result must match; the fault tests and ``benchmarks/bench_faults.py`` are parametrized
over :data:`JOBS` (fetch, convert, enrich). Another run is one more :class:`Job` there.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import attrs

from pubenrich import Config, Enricher, EutilsClient, NoCache, PubenrichError
from pubenrich.cache import Cache
from pubenrich.model.enriched import EnrichedRecord
from pubenrich.services.records import ConvertResult, FetchResult
from pubenrich.testing.fake_ncbi import FakeNcbi, FaultPlan, SyntheticUniverse

# The client runs on a clock TIME_SCALE times slower than real time (its pacing, retry waits
# and retry budget all read it) and the fake's rate window is scaled alike, so a test sees the
# same 429s, retries and give-ups as a real run in a fiftieth of the time. Socket timeouts
# and stalls stay in real seconds.
TIME_SCALE = 0.02
PMC_OFFSET = 90000001  # the fake's first synthetic PMCID, for PMCIDs of universe records

Result = FetchResult | ConvertResult | EnrichedRecord


def virtual_clock() -> float:
    """Monotonic seconds of the scaled clock."""
    return time.monotonic() / TIME_SCALE


def virtual_sleep(seconds: float) -> None:
    """Sleep ``seconds`` of the scaled clock."""
    time.sleep(seconds * TIME_SCALE)


def start_fake(
    universe: SyntheticUniverse,
    *,
    faults: FaultPlan | None = None,
    enforce_rate: bool = False,
    rate_window: float = 1.0,
) -> FakeNcbi:
    """A fake NCBI whose rate window (1 s, 50 ms slack by default) is on the scaled clock."""
    return FakeNcbi(
        universe,
        enforce_rate=enforce_rate,
        faults=faults,
        rate_window=rate_window * TIME_SCALE,
        rate_slack=0.05 * TIME_SCALE,
    )


def fast_config(fake: FakeNcbi, **overrides: Any) -> Config:
    """A Config against ``fake`` with short (real) timeouts and a bounded retry budget.

    ``max_retry_seconds`` is on the scaled clock: 300 virtual seconds are 6 real ones.
    """
    settings: dict[str, Any] = {
        "eutils_url": fake.eutils_url,
        "idconv_url": fake.idconv_url,
        "requests_per_second": 200.0,
        "batch_size": 20,
        "connect_timeout": 1.0,
        "read_timeout": 0.3,
        "max_attempts": 6,
        "max_retry_seconds": 300.0,
        "max_in_flight": 4,
    }
    settings.update(overrides)
    return Config(**settings)


@contextmanager
def open_enricher(config: Config, cache: Cache | None = None) -> Iterator[Enricher]:
    """An Enricher whose client paces, waits and budgets on the scaled clock."""
    client = EutilsClient(config, clock=virtual_clock, sleep=virtual_sleep)
    with client, Enricher(config, cache if cache is not None else NoCache(), client=client) as e:
        yield e


# ---------------------------------------------------------------------------- inputs

_JUNK = ("", "   ", "abc", "PMID:", "-5", "12.5", "0", "PMID 12x", "<b>1</b>", "１２３", "\x00")


def fetch_inputs(universe: SyntheticUniverse, n: int, seed: int) -> list[Any]:
    """``n`` mixed fetch inputs: PMIDs in several forms and with duplicates, unknown ids,
    strings that are no PMID."""
    rng = random.Random(seed)
    first, size = universe.first_pmid, universe.size
    pool = [first + rng.randrange(size) for _ in range(max(1, n * 6 // 10))]
    out: list[Any] = []
    for _ in range(n):
        draw = rng.random()
        number = rng.choice(pool)
        if draw < 0.55:
            out.append(str(number))
        elif draw < 0.65:
            out.append(f"PMID: {number}")
        elif draw < 0.72:
            out.append(number)
        elif draw < 0.82:  # beyond the universe: PubMed holds no such PMID
            out.append(str(first + size + rng.randrange(1000)))
        else:
            out.append(rng.choice(_JUNK) + rng.choice(("", "x", " 1")))
    return out


def convert_inputs(universe: SyntheticUniverse, n: int, seed: int) -> list[Any]:
    """``n`` mixed convert inputs: PMIDs, PMCIDs and DOIs (some unknown), and junk."""
    rng = random.Random(seed)
    first, size = universe.first_pmid, universe.size
    out: list[Any] = []
    for _ in range(n):
        draw = rng.random()
        number = first + rng.randrange(size + size // 20)  # some beyond the universe
        if draw < 0.3:
            out.append(str(number))
        elif draw < 0.6:
            out.append(f"PMC{number - first + PMC_OFFSET}")
        elif draw < 0.9:
            out.append(f"10.5555/synthetic.{number}")
        else:
            out.append(rng.choice(_JUNK) + rng.choice(("", "doi", "PMC")))
    return out


def enrich_inputs(universe: SyntheticUniverse, n: int, seed: int) -> list[Any]:
    """``n`` mixed enrich inputs: ids of every kind (some unknown, DOIs in upper case),
    reference lines and partial records without ids (fewer: the fake scans its whole
    universe for each), duplicates, and junk."""
    rng = random.Random(seed)
    first, size = universe.first_pmid, universe.size
    out: list[Any] = []
    for _ in range(n):
        draw = rng.random()
        number = first + rng.randrange(size + size // 20)  # some beyond the universe
        rec = universe.record(number)
        if draw < 0.3:
            out.append(f"PMID: {number}")
        elif draw < 0.5:
            out.append(f"PMC{number - first + PMC_OFFSET}")
        elif draw < 0.7:
            out.append(f"doi:10.5555/SYNTHETIC.{number}")
        elif draw < 0.76 and rec is not None:
            lead = rec.authors[0]
            out.append(
                f"{lead.last} {lead.initials}. {rec.title} {rec.journal}. "
                f"{rec.year};{rec.volume}:{rec.pages}."
            )
        elif draw < 0.8 and rec is not None:
            authors = [f"{a.last} {a.initials}" for a in rec.authors]
            out.append({"title": rec.title, "authors": authors})
        elif draw < 0.9 and out:
            out.append(out[rng.randrange(len(out))])
        else:
            out.append(rng.choice(_JUNK))
    return out


# ---------------------------------------------------------------------------- jobs


def settled_fetch(result: Any) -> tuple[Any, ...]:
    """What a fetch result says, without how it was obtained (cache flag, error object)."""
    return (result.status, result.pmid, result.record)


def settled_convert(result: Any) -> tuple[Any, ...]:
    """What a convert result says, without how it was obtained."""
    return (result.status, result.kind, result.pmid, result.pmcid, result.doi)


def settled_enrich(result: Any) -> tuple[Any, ...]:
    """What an enrich result says: status, paper, candidates and related papers."""
    return (
        result.status,
        result.pmid,
        result.article,
        tuple(c.pmid for c in result.candidates),
        tuple(settled_enrich(r) for r in result.related),
    )


@attrs.frozen
class Job:
    """A run over mixed inputs: how to make them, how to push them through an Enricher, and
    what of a result must equal the fault-free run's. Results need ``input``, ``status`` and
    ``error`` attributes, as every result type of the Enricher has."""

    name: str
    inputs: Callable[[SyntheticUniverse, int, int], list[Any]]
    run: Callable[[Enricher, Sequence[Any]], list[Any]]
    settled: Callable[[Any], tuple[Any, ...]]
    success: str = "found"


FETCH = Job(
    "fetch", fetch_inputs, lambda enricher, inputs: list(enricher.fetch(inputs)), settled_fetch
)
CONVERT = Job(
    "convert",
    convert_inputs,
    lambda enricher, inputs: list(enricher.convert(inputs)),
    settled_convert,
)
ENRICH = Job(
    "enrich",
    enrich_inputs,
    lambda enricher, inputs: list(enricher.enrich(inputs)),
    settled_enrich,
    success="enriched",
)
JOBS = (FETCH, CONVERT, ENRICH)


# ---------------------------------------------------------------------------- the ledger


@attrs.frozen
class Ledger:
    """How a faulty run compares with the fault-free run of the same inputs.

    Attributes:
        inputs: how many inputs went in.
        answered: how many results came out.
        misplaced: results whose input is not the input at their position.
        lost: inputs without a result, plus results that differ from the fault-free run
            without saying they failed.
        duplicates: results beyond one per input.
        errors: results with status ``error`` (each carries its reason).
        unexplained: ``error`` results without a PubenrichError that has a message.
        statuses: count of each status.
    """

    inputs: int
    answered: int
    misplaced: int
    lost: int
    duplicates: int
    errors: int
    unexplained: int
    statuses: dict[str, int]


def compare(
    job: Job, inputs: Sequence[Any], baseline: Sequence[Result], faulty: Sequence[Result]
) -> Ledger:
    """The :class:`Ledger` of ``faulty`` against ``baseline`` for ``inputs`` of ``job``."""
    statuses: dict[str, int] = {}
    misplaced = changed = errors = unexplained = 0
    for position, result in enumerate(faulty):
        statuses[result.status] = statuses.get(result.status, 0) + 1
        if position >= len(inputs) or result.input is not inputs[position]:
            misplaced += 1
            continue
        if result.status == "error":
            errors += 1
            error = result.error
            unexplained += not (isinstance(error, PubenrichError) and str(error).strip())
        elif job.settled(result) != job.settled(baseline[position]):
            changed += 1
    return Ledger(
        inputs=len(inputs),
        answered=len(faulty),
        misplaced=misplaced,
        lost=max(0, len(inputs) - len(faulty)) + changed,
        duplicates=max(0, len(faulty) - len(inputs)),
        errors=errors,
        unexplained=unexplained,
        statuses=statuses,
    )
