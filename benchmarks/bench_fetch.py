"""The fetch path against the local fake NCBI: cold fetch, warm re-run, memory of a big job.

Usage: python benchmarks/bench_fetch.py [--cold N] [--big N] [--latency S]

1. Cold: fetch N PMIDs (default 10,000) into an empty SqliteCache through the fake server.
2. Warm: fetch the same N again; it must make zero HTTP requests. Reports records/s, which is
   the cache read plus turning each stored dict back into an Article.
3. Big: fetch N PMIDs (default 100,000) into a fresh SqliteCache, consuming
   results as they stream, and report the process's peak RSS.

The server is pubenrich.testing.fake_ncbi on 127.0.0.1 with synthetic records.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

from pubenrich import Config, Enricher, SqliteCache
from pubenrich.testing.fake_ncbi import FakeNcbi, SyntheticUniverse


def fetch_all(config: Config, cache_path: Path, pmids: list[str]) -> tuple[float, dict[str, int]]:
    counts: dict[str, int] = {}
    started = time.perf_counter()
    with Enricher(config, cache=SqliteCache(cache_path)) as enricher:
        for result in enricher.fetch(pmids):
            counts[result.status] = counts.get(result.status, 0) + 1
    return time.perf_counter() - started, counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cold", type=int, default=10_000)
    parser.add_argument("--big", type=int, default=100_000)
    parser.add_argument("--latency", type=float, default=0.0)
    args = parser.parse_args()
    universe = SyntheticUniverse(size=max(args.cold, args.big))
    pmids = [str(p) for p in universe.pmids()]
    with FakeNcbi(universe, latency=args.latency) as fake, tempfile.TemporaryDirectory() as tmp:
        config = Config(eutils_url=fake.eutils_url, idconv_url=fake.idconv_url, api_key="bench-key")

        def run(label: str, cache_name: str, n: int) -> tuple[float, int, dict[str, int]]:
            fake.reset_stats()
            wall, counts = fetch_all(config, Path(tmp) / cache_name, pmids[:n])
            sent = sum(fake.stats.snapshot()["requests"].values())
            print(f"{label:<5} N={n:>7,}  requests={sent:>4}  wall={wall:6.2f}s  ", end="")
            return wall, sent, counts

        _, _, counts = run("cold", "bench.sqlite3", args.cold)
        print(f"statuses={counts}")
        wall, _, _ = run("warm", "bench.sqlite3", args.cold)
        print(f"{args.cold / wall:,.0f} records/s from SqliteCache")
        run("big", "big.sqlite3", args.big)
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak RSS of the whole process {rss:,.0f} MiB (server included)")


if __name__ == "__main__":
    main()
