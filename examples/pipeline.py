"""How another pipeline uses pubenrich: one Enricher, a shared cache file, an API key.

The API key and email come from the environment (``NCBI_API_KEY``, ``NCBI_EMAIL``) and are
passed in an explicit ``Config``; the cache is a SQLite file that several processes of the
pipeline may share. Records stream out one per input, in input order.

    python examples/pipeline.py --replay            # offline, from the recorded seeds
    NCBI_EMAIL=you@example.org python examples/pipeline.py 25211170 "PMC4206665"
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from contextlib import nullcontext
from pathlib import Path

import pubenrich
from pubenrich.testing.replay import replay

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "replay" / "seeds.json"
# Seed 002's paper and its ten related papers: the recording holds them as one efetch.
RECORDED = [
    "25211170",
    "27888550",
    "33397585",
    "32942796",
    "32671645",
    "27011289",
    "33766127",
    "36611801",
    "39934819",
    "30514375",
    "30766604",
]


def main(argv: list[str] | None = None) -> int:
    """Enrich the ids given (or, with --replay, ids the recording holds) and print a table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("ids", nargs="*", help="PMIDs, PMCIDs, DOIs or reference lines")
    parser.add_argument("--replay", action="store_true", help="serve answers from the recording")
    parser.add_argument("--cache", type=Path, help="the shared cache file (default: a temp file)")
    args = parser.parse_args(argv)
    config = pubenrich.Config() if args.replay else pubenrich.Config.from_env()
    inputs = args.ids or RECORDED
    with tempfile.TemporaryDirectory() as tmp:
        cache = pubenrich.SqliteCache(args.cache or Path(tmp) / "pipeline.sqlite3")
        served = replay(FIXTURE) if args.replay else nullcontext()
        with served, pubenrich.Enricher(config, cache=cache) as enricher:
            for result in enricher.fetch(inputs):
                title = result.record.title[:60] if result.ok and result.record else ""
                print(f"{result.input}\t{result.status}\t{title}")
        cache.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
