"""Honest under faults: the mixed-fault soak with a second job on the key, and an outage.

Usage:
    python benchmarks/bench_faults.py mix [--inputs N] [--seeds S ...] [--jobs NAME ...]
    python benchmarks/bench_faults.py outage [--pmids N] [--start S] [--seconds D]

``mix`` runs each job of tests/integration/fault_jobs.py (enrich by default: ids of every kind,
reference lines, partial records, duplicates, junk) over N mixed inputs (10,000 by default)
once without faults, then once per fault seed under the issue's mix: 10% 5xx, 5% connection
resets, 5% cut bodies, 3% error bodies (HTTP 200), 1% stalls, 3% efetch answers that leave
out records, and a second job on the same API key (a client fetching PMIDs at the key's full
rate all along, so the two together ask for twice what the fake admits). Both clients run on
the scaled clock of fault_jobs (10 times faster than real with --scale 0.1; the fake's rate
window is scaled alike, so the key's limit binds), with the API key and its default rate.

Printed per run: the resolvable inputs (the fault-free run's successes) and how many came
back equal to it; wrong PMIDs (a non-error result naming another PMID than the fault-free
run); other wrong statuses; errors (each must carry its reason); faults, 429s, wall time.

``outage`` fetches N PMIDs (10,000) in real time from the fake NCBI with an API key, with every
request answered 503 from S seconds (2) after the start for D seconds (20), and prints the
statuses of the results (found, not_found, error) and the wall time.
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "integration"))

import attrs
import fault_jobs
from fault_jobs import (
    JOBS,
    Job,
    Result,
    compare,
    fast_config,
    open_enricher,
    start_fake,
    virtual_clock,
    virtual_sleep,
)

from pubenrich import Config, Enricher, EutilsClient, NoCache
from pubenrich.testing.fake_ncbi import FakeNcbi, FaultPlan, SyntheticUniverse
from pubenrich.testing.fake_ncbi.faults import OutagePlan

API_KEY = "synthetic0benchmark0key0000000000000"
MIXED = {
    "http_500": 0.034,
    "http_502": 0.033,
    "http_503": 0.033,
    "reset": 0.05,
    "truncate": 0.05,
    "error_200": 0.03,
    "stall": 0.01,
    "omit_ids": 0.03,
}


def second_job(config: Config, pmids: list[str], stop: threading.Event) -> int:
    """Fetch ``pmids`` over and over on the same key until ``stop``; return the requests."""
    sent = 0
    config = attrs.evolve(config, max_in_flight=10)
    with EutilsClient(config, clock=virtual_clock, sleep=virtual_sleep) as client:
        while not stop.is_set():
            for _ in client.efetch_batches(pmids):
                if stop.is_set():
                    break
            sent = sum(client.requests_sent.values())
    return sent


def wrong_pmids(baseline: list[Result], results: list[Result]) -> int:
    """Non-error results that name another PMID than the fault-free run."""
    return sum(
        1
        for before, after in zip(baseline, results, strict=False)
        if after.status != "error" and getattr(after, "pmid", None) != getattr(before, "pmid", None)
    )


def run_mix(job: Job, universe: SyntheticUniverse, n: int, seed: int) -> None:
    """One job under the mix with one fault seed, against its fault-free run."""
    inputs = job.inputs(universe, n, 3)
    with start_fake(universe) as fake, open_enricher(fast_config(fake)) as enricher:
        baseline = job.run(enricher, inputs)
    plan = FaultPlan(seed=seed, rates=MIXED, stall_seconds=2.0)
    with start_fake(universe, faults=plan, enforce_rate=True) as fake:
        # The key's default rate (10 a second), on the scaled clock, with the fake's window.
        config = fast_config(fake, api_key=API_KEY, requests_per_second=None, batch_size=40)
        stop = threading.Event()
        other: list[int] = []
        pmids = [str(p) for p in universe.pmids()[:400]]
        thread = threading.Thread(
            target=lambda: other.append(second_job(config, pmids, stop)), daemon=True
        )
        thread.start()
        started = time.perf_counter()
        with open_enricher(config) as e:
            results = job.run(e, inputs)
        wall = time.perf_counter() - started
        stop.set()
        thread.join(timeout=30)
        stats = fake.stats.snapshot()
    ledger = compare(job, inputs, baseline, results)
    resolvable = [i for i, r in enumerate(baseline) if r.status == job.success]
    right = sum(1 for i in resolvable if job.settled(results[i]) == job.settled(baseline[i]))
    failed = [results[i] for i in resolvable if results[i].status == "error"]
    reasons = sorted({type(r.error).__name__ for r in failed})
    faults = dict(sorted(stats["faults"].items()))
    share = 100.0 * right / max(1, len(resolvable))
    print(f"{job.name}, fault seed {seed}: inputs={ledger.inputs:,} answered={ledger.answered:,}")
    print(
        f"  resolvable={len(resolvable):,} right={right:,} ({share:.2f}%) "
        f"errors among them={len(failed):,} {reasons}"
    )
    print(
        f"  wrong PMIDs={wrong_pmids(baseline, results)} other wrong statuses={ledger.lost} "
        f"misplaced={ledger.misplaced} duplicates={ledger.duplicates} "
        f"errors={ledger.errors} (without a reason: {ledger.unexplained})"
    )
    print(
        f"  requests={stats['total_requests']:,} (second job {other[0] if other else '?'}) "
        f"429s={stats['status_429']:,}; faults injected {faults} (total {sum(faults.values()):,})"
    )
    print(f"  statuses={dict(sorted(ledger.statuses.items()))}")
    print(f"  wall time {wall:.1f} s (clock and rate window scaled by {fault_jobs.TIME_SCALE})")


def run_outage(n: int, start: float, seconds: float) -> None:
    """A real-time fetch of ``n`` PMIDs through an outage."""
    universe = SyntheticUniverse(size=n, seed=0)
    pmids = [str(universe.first_pmid + i) for i in range(n)]
    for pmid in pmids:  # build the records before timing (the fake's cost, not NCBI's)
        universe.record(pmid)
    expected = sum(1 for pmid in pmids if universe.record(pmid) is not None)
    plan = OutagePlan(start=start, seconds=seconds)
    with FakeNcbi(universe, faults=plan) as fake:
        config = Config(eutils_url=fake.eutils_url, idconv_url=fake.idconv_url, api_key=API_KEY)
        plan = OutagePlan(start=start, seconds=seconds)
        fake.faults = plan  # the outage's clock starts now
        began = time.perf_counter()
        with Enricher(config, cache=NoCache()) as enricher:
            statuses = Counter(result.status for result in enricher.fetch(pmids))
        wall = time.perf_counter() - began
        stats = fake.stats.snapshot()
    print(
        f"outage of {seconds:g} s from {start:g} s into a fetch of {n:,} PMIDs (API key): "
        f"statuses={dict(sorted(statuses.items()))} (the universe holds {expected:,} of "
        f"the PMIDs) wall={wall:.1f} s requests={stats['total_requests']:,} "
        f"503s injected={stats['faults'].get('http_503', 0):,}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    sub = parser.add_subparsers(dest="mode", required=True)
    mix = sub.add_parser("mix")
    mix.add_argument("--inputs", type=int, default=10_000)
    mix.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    mix.add_argument("--jobs", nargs="+", default=["enrich"], choices=[j.name for j in JOBS])
    mix.add_argument("--size", type=int, default=5_000, help="PMIDs in the synthetic PubMed")
    mix.add_argument(
        "--scale",
        type=float,
        default=0.1,
        help="the client's clock and the fake's rate window run this many times real time "
        "(0.1: the key's 10 a second are 100 real requests a second, which the fake serves)",
    )
    outage = sub.add_parser("outage")
    outage.add_argument("--pmids", type=int, default=10_000)
    outage.add_argument("--start", type=float, default=2.0)
    outage.add_argument("--seconds", type=float, default=20.0)
    args = parser.parse_args()
    if args.mode == "outage":
        run_outage(args.pmids, args.start, args.seconds)
        return
    fault_jobs.TIME_SCALE = args.scale  # read at each call of the scaled clock and fake
    universe = SyntheticUniverse(size=args.size, seed=11)
    for name in args.jobs:
        job = next(j for j in JOBS if j.name == name)
        for seed in args.seeds:
            run_mix(job, universe, args.inputs, seed)


if __name__ == "__main__":
    main()
