"""Issue 18's yardstick: cold and warm ``Enricher.fetch`` on realistic records, with peak RSS.

Usage: python benchmarks/bench_realistic.py [--n N] [--latency S] [--min-kb K] [--max-kb M]

Records: the real PubMed records in ../shared/ncbi-samples/efetch_pubmed_xml of K to M KB of
XML (default 8 to 64: drops the citation-only stubs of old records, and the two records of
140+ KB, whose hundreds of references would dominate the mean), renumbered to N distinct
PMIDs from 90,000,000 on, round robin, and served by the project's fake NCBI
(``RealisticUniverse``) on 127.0.0.1 with NCBI's rate limit, an API key and S seconds of
latency a request (default 0.25). The fake runs in this process; each measurement runs in a
fresh subprocess of its own, so that its wall time does not share a GIL with the server and its
peak RSS (``resource.getrusage``) is its own.

1. Cold: fetch the N PMIDs through a fresh SqliteCache. Reports wall, requests and the ratio to
   the rate bound (requests / 10 per second + latency): the client can go no faster.
2. Warm: fetch the same N again in a new process through the same cache file. Reports requests
   (must be 0) and typed records/s (results whose record is an ``Article``).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from pubenrich import Article, Config, Enricher, SqliteCache
from pubenrich.testing.fake_ncbi import FakeNcbi
from pubenrich.testing.fake_ncbi.real import load_articles
from pubenrich.testing.fake_ncbi.realistic import RealisticUniverse

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT.parent / "shared" / "ncbi-samples" / "efetch_pubmed_xml"
FIRST_PMID = 90_000_000
API_RATE = 10.0  # requests a second NCBI allows with an API key


def child(args: argparse.Namespace) -> None:
    """One fetch of the N PMIDs in this fresh process; print its figures as JSON."""
    config = Config(eutils_url=args.eutils, idconv_url=args.idconv, api_key="bench-key")
    pmids = [str(FIRST_PMID + i) for i in range(args.n)]
    statuses: dict[str, int] = {}
    typed = cached = 0
    started = time.perf_counter()
    with Enricher(config, cache=SqliteCache(Path(args.cache))) as enricher:
        for result in enricher.fetch(pmids):
            statuses[result.status] = statuses.get(result.status, 0) + 1
            typed += isinstance(result.record, Article)
            cached += result.from_cache
    wall = time.perf_counter() - started
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    figures = {"wall": wall, "statuses": statuses, "typed": typed, "cached": cached, "rss": rss}
    print(json.dumps(figures))


def measure(args: argparse.Namespace, phase: str, fake: FakeNcbi, cache: Path) -> dict[str, Any]:
    """Run one phase in a fresh subprocess; add the requests the fake saw."""
    fake.reset_stats()
    command = [sys.executable, __file__, "--child", phase, "--n", str(args.n)]
    command += ["--eutils", fake.eutils_url, "--idconv", fake.idconv_url, "--cache", str(cache)]
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    figures: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    seen = fake.stats.snapshot()
    figures["requests"], figures["rate_limited"] = seen["total_requests"], seen["rate_limited"]
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2_000, help="PMIDs to fetch (default 2,000)")
    parser.add_argument("--latency", type=float, default=0.25, help="seconds a request")
    parser.add_argument("--min-kb", type=float, default=8.0, help="smallest source record")
    parser.add_argument("--max-kb", type=float, default=64.0, help="largest source record")
    parser.add_argument("--child", choices=["cold", "warm"], help=argparse.SUPPRESS)
    for hidden in ("--eutils", "--idconv", "--cache"):
        parser.add_argument(hidden, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    if not SAMPLES.is_dir():
        print(f"skipped: no real samples at {SAMPLES} (../shared is absent)")
        return

    low, high = args.min_kb * 1024, args.max_kb * 1024
    articles = [a for a in load_articles(SAMPLES.glob("*.xml")) if low <= len(a[1]) <= high]
    if not articles:
        print(f"skipped: no real record of {args.min_kb}-{args.max_kb} KB in {SAMPLES}")
        return
    universe = RealisticUniverse(articles, size=args.n, first_pmid=FIRST_PMID)
    sizes = [len(xml) for _, xml in articles]
    served = [sizes[i % len(sizes)] for i in range(args.n)]
    mean_kb = sum(served) / len(served) / 1024
    print(
        f"input: {args.n:,} PMIDs, renumbered copies of {len(articles)} real records "
        f"({min(sizes) / 1024:.1f}-{max(sizes) / 1024:.1f} KB), mean XML {mean_kb:.1f} KB a "
        f"record; fake NCBI with API key, latency {args.latency} s, rate limit on"
    )
    with FakeNcbi(universe, latency=args.latency) as fake, tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp) / "realistic.sqlite3"
        cold = measure(args, "cold", fake, cache)
        warm = measure(args, "warm", fake, cache)
    requests, wall = cold["requests"], cold["wall"]
    bound = requests / API_RATE + args.latency
    print(
        f"cold: wall {wall:.2f} s, {requests} requests ({cold['rate_limited']} refused 429), "
        f"rate bound {bound:.2f} s, ratio {wall / bound:.2f}x, "
        f"{args.n / wall:,.0f} records/s, statuses {cold['statuses']}"
    )
    print(f"      peak RSS {cold['rss']:,.0f} MiB")
    warm_wall = warm["wall"]
    print(
        f"warm: wall {warm_wall:.2f} s, {warm['requests']} requests, "
        f"{warm['typed'] / warm_wall:,.0f} typed records/s "
        f"({warm['typed']} typed, {warm['cached']} from cache), statuses {warm['statuses']}"
    )
    print(f"      peak RSS {warm['rss']:,.0f} MiB")


if __name__ == "__main__":
    main()
