"""The mixed-fault soak: 10,000 mixed inputs per job against the fake NCBI under faults.

Usage: python benchmarks/bench_faults.py [--inputs N] [--seed S] [--window W] [--size P]

For each job of tests/integration/fault_jobs.py (fetch with PMIDs, duplicates, junk and
unknown ids; convert with PMIDs, PMCIDs, DOIs and junk; enrich with ids, reference lines and
partial records) it runs the inputs once without faults
and once with 10% 5xx, 5% connection resets, 5% truncated bodies, 8% injected 429s and a client
paced above the fake's rate limit, then prints: inputs, faults injected by kind (from the fake
server's stats), records lost (must be 0), duplicates (must be 0), errors (failed inputs, each
with its reason), wall time. The client runs on the scaled clock of fault_jobs (retry waits
and pacing 50 times faster than real), like the CI test, which runs fewer inputs.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "integration"))

from fault_jobs import JOBS, compare, fast_config, open_enricher, start_fake

from pubenrich.testing.fake_ncbi import FaultPlan, SyntheticUniverse

MIXED = {
    "http_500": 0.034,
    "http_502": 0.033,
    "http_503": 0.033,
    "reset": 0.05,
    "truncate": 0.05,
    "rate_limit": 0.08,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--inputs", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=9)
    parser.add_argument("--size", type=int, default=5_000, help="PMIDs in the synthetic PubMed")
    parser.add_argument(
        "--window",
        type=float,
        default=5.0,
        help="the fake admits 10 requests per W (scaled) seconds; the client paces 14 a second",
    )
    args = parser.parse_args()
    universe = SyntheticUniverse(size=args.size, seed=11)
    for job in JOBS:
        inputs = job.inputs(universe, args.inputs, args.seed)
        with start_fake(universe) as fake, open_enricher(fast_config(fake)) as enricher:
            baseline = job.run(enricher, inputs)
        plan = FaultPlan(seed=args.seed, rates=MIXED)
        with start_fake(universe, faults=plan, enforce_rate=True, rate_window=args.window) as fake:
            config = fast_config(fake, api_key="bench-key", requests_per_second=14.0, batch_size=40)
            started = time.perf_counter()
            with open_enricher(config) as e:
                results = job.run(e, inputs)
            wall = time.perf_counter() - started
            stats = fake.stats.snapshot()
        ledger = compare(job, inputs, baseline, results)
        faults = dict(sorted(stats["faults"].items()))
        print(f"{job.name}: inputs={ledger.inputs:,} answered={ledger.answered:,}")
        print(
            f"  requests={stats['total_requests']:,} 429s={stats['status_429']:,} "
            f"(rate limit {stats['rate_limited']:,}, injected {faults.get('rate_limit', 0):,})"
        )
        print(f"  faults injected by kind: {faults} (total {sum(faults.values()):,})")
        print(
            f"  records lost={ledger.lost} duplicates={ledger.duplicates} "
            f"misplaced={ledger.misplaced} errors={ledger.errors} "
            f"(without a reason: {ledger.unexplained})"
        )
        print(f"  statuses={dict(sorted(ledger.statuses.items()))}")
        print(f"  wall time {wall:.2f} s")


if __name__ == "__main__":
    main()
