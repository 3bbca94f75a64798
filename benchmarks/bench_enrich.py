"""Enrich 10,000 mixed inputs against the local fake NCBI and compare with the rate bound.

Usage: python benchmarks/bench_enrich.py [--n N] [--latency S] [--seed K]

Inputs, drawn with a seeded generator from a synthetic PubMed: PMIDs, PMCIDs, DOIs of papers in
PMC and of papers outside it (those need the PubMed [doi] search), unknown PMIDs and DOIs, and
duplicates. The fake server enforces NCBI's 10 requests/s for an API key, with a latency model.

The least batching allows: ceil(unique/200) idconv requests per id type, one [doi] search per
DOIS_PER_SEARCH DOIs the converter did not map, ceil(PMIDs to fetch / 200) efetch requests.
Issue 19's targets: requests at most 1.2x that least; wall time at most 1.2x the bound for the
requests made (requests / 10 per second plus two latencies). The converter's own 3 requests a
second make a second floor (idconv requests / 3), printed beside it.
"""

from __future__ import annotations

import argparse
import math
import random
import time

from pubenrich import Config, Enricher, MemoryCache
from pubenrich.services.resolve import DOIS_PER_SEARCH
from pubenrich.testing.fake_ncbi import FakeNcbi, SyntheticUniverse


def make_inputs(universe: SyntheticUniverse, n: int, seed: int) -> list[str]:
    """N inputs of mixed kinds, with about 10% duplicates."""
    rng = random.Random(seed)
    records = list(universe.records())
    in_pmc = [r for r in records if r.pmcid]
    in_pmc_doi = [r for r in in_pmc if r.doi]
    doi_outside = [r for r in records if r.doi and not r.pmcid]
    inputs: list[str] = []
    for _ in range(n):
        roll = rng.random()
        if roll < 0.30:
            inputs.append(rng.choice(records).pmid)
        elif roll < 0.50:
            inputs.append(str(rng.choice(in_pmc).pmcid))
        elif roll < 0.65:
            inputs.append(str(rng.choice(in_pmc_doi).doi).upper())
        elif roll < 0.80:
            inputs.append(str(rng.choice(doi_outside).doi))
        elif roll < 0.85:
            inputs.append(f"PMID: {rng.randint(99000001, 99999999)}")
        elif roll < 0.90:
            inputs.append(f"10.5555/unknown.{rng.randint(1, 10**6)}")
        else:
            inputs.append(rng.choice(inputs) if inputs else records[0].pmid)
    return inputs


def lower_bound(universe: SyntheticUniverse, inputs: list[str]) -> dict[str, int]:
    """The fewest requests per endpoint that batching allows for these inputs."""
    pmids: set[str] = set()
    pmcids: set[str] = set()
    dois: set[str] = set()
    for value in set(inputs):
        if value.startswith("PMC"):
            pmcids.add(value)
            pmid = universe.pmid_for_pmcid(value)
            if pmid:
                pmids.add(pmid)
        elif value.startswith("10."):
            dois.add(value.lower())
        else:
            pmids.add(value.removeprefix("PMID: "))
    outside = set()
    for doi in dois:
        pmid = universe.pmid_for_doi(doi)
        record = universe.record(pmid) if pmid else None
        if record is None or not record.pmcid:
            outside.add(doi)
        if pmid:
            pmids.add(pmid)
    return {
        "idconv": math.ceil(len(pmcids) / 200) + math.ceil(len(dois) / 200),
        "esearch": math.ceil(len(outside) / DOIS_PER_SEARCH),
        "efetch": math.ceil(len(pmids) / 200),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--size", type=int, default=20_000)
    parser.add_argument("--latency", type=float, default=0.15)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    universe = SyntheticUniverse(size=args.size, seed=args.seed)
    inputs = make_inputs(universe, args.n, args.seed)
    bound = lower_bound(universe, inputs)
    with FakeNcbi(universe, latency=args.latency) as fake:
        config = Config(eutils_url=fake.eutils_url, idconv_url=fake.idconv_url, api_key="bench")
        statuses: dict[str, int] = {}
        started = time.perf_counter()
        with Enricher(config, cache=MemoryCache()) as enricher:
            for record in enricher.enrich(inputs):
                statuses[record.status] = statuses.get(record.status, 0) + 1
        wall = time.perf_counter() - started
        sent = fake.stats.snapshot()
    made = sent["requests"]
    total, least = sum(made.values()), sum(bound.values())
    print(f"inputs {args.n:,} ({len(set(inputs)):,} unique), latency {args.latency}s")
    print(f"statuses {dict(sorted(statuses.items()))}")
    print(f"requests made     {dict(sorted(made.items()))}  (429 answers: {sent['rate_limited']})")
    print(f"fewest possible   {dict(sorted(bound.items()))}")
    print(f"requests {total} against the least {least} (ratio {total / least:.2f}; target 1.2)")
    rate_bound = total / config.rate + 2 * args.latency
    idconv_floor = made.get("idconv", 0) / 3.0 + 2 * args.latency
    print(
        f"wall {wall:.2f}s; bound for the requests made {rate_bound:.2f}s "
        f"(ratio {wall / rate_bound:.2f}; target 1.2); the converter's 3/s alone "
        f"{idconv_floor:.2f}s (ratio {wall / idconv_floor:.2f})"
    )


if __name__ == "__main__":
    main()
