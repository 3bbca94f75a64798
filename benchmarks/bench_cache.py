"""Write and read record-sized JSON values through SqliteCache; print records/s and size.

Usage: python benchmarks/bench_cache.py [N ...]   (default: 10000 100000)

Each value is a synthetic dict shaped like a serialized PubMed record (~4 KB). Reads go in
batches of 200 keys, as the fetch path asks, and decode each value. Peak RSS is the whole
process's.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

from pubenrich.cache import RECORDS, SqliteCache

BATCH = 200


def record(i: int) -> dict[str, object]:
    words = " ".join(f"word{(i * 7 + k) % 997}" for k in range(12))
    return {
        "type": "article",
        "schema": 1,
        "pmid": str(98000000 + i),
        "doi": f"10.5555/synthetic.{i}",
        "title": f"Synthetic record {i}: {words}",
        "authors": [
            {
                "last_name": f"Author{k}",
                "fore_name": "Synthetic",
                "initials": "S",
                "affiliations": [{"name": f"Institute {k} of Synthetic Studies, Nowhere"}],
            }
            for k in range(6)
        ],
        "journal": {
            "title": "Journal of Synthetic Records",
            "volume": str(i % 90),
            "issue": str(i % 12),
            "pages": f"{i % 900}-{i % 900 + 9}",
        },
        "abstract": {"text": (words + ". ") * 25},
        "mesh_headings": [{"descriptor": f"Term {k}", "ui": f"D{k:06d}"} for k in range(10)],
    }


def run(n: int, folder: Path) -> None:
    path = folder / f"bench-{n}.sqlite3"
    keys = [str(98000000 + i) for i in range(n)]
    size = sum(len(str(record(i))) for i in range(100)) / 100
    with SqliteCache(path) as cache:
        started = time.perf_counter()
        for start in range(0, n, BATCH):
            # Values are made batch by batch, so peak RSS is the cache's, not the input's.
            chunk = {keys[i]: record(i) for i in range(start, min(start + BATCH, n))}
            cache.put_many(RECORDS, chunk, version=1)
        wrote = time.perf_counter() - started
        started = time.perf_counter()
        hits = 0
        for start in range(0, n, BATCH):
            # Entries decode when read: read each value, so the figure includes decoding.
            got = cache.get_many(RECORDS, keys[start : start + BATCH], version=1)
            hits += sum(entry.value is not None for entry in got.values())
        read = time.perf_counter() - started
        info = cache.info()
    assert hits == n
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"N={n:>7} value~{size / 1024:.1f} KB  write {n / wrote:>8,.0f} rec/s  "
        f"read {n / read:>8,.0f} rec/s  file {info.size_bytes / 2**20:,.0f} MiB  "
        f"peak RSS {rss:,.0f} MiB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[10_000, 100_000])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        for n in args.sizes:
            run(n, Path(folder))


if __name__ == "__main__":
    main()
