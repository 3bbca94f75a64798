"""Enrich the three seed documents of ``seeds/`` and print what pubenrich made of each.

Live by default (set ``NCBI_EMAIL`` and, for 10 requests a second, ``NCBI_API_KEY``); with
``--replay`` it serves NCBI's answers from ``tests/fixtures/replay/seeds.json`` instead, so it
runs on a machine without network. It prints a readable summary and writes every enriched
record, with its related papers, as JSON lines to ``--out`` (``enriched_seeds.jsonl``). When
every seed failed (no network) it exits 2 and leaves ``--out`` as it was; 1 when some failed.

    python examples/enrich_seeds.py --replay
"""

from __future__ import annotations

import argparse
import json
import sys
from contextlib import nullcontext
from pathlib import Path

import pubenrich
from pubenrich.testing.replay import ReplayMiss, ReplayTransport

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "replay" / "seeds.json"


def summarize(record: pubenrich.EnrichedRecord, name: str) -> list[str]:
    """A few readable lines about one enriched seed and its related papers."""
    lines = [f"{name}: {record.status}"]
    article = record.article
    if article is not None:
        journal = article.journal
        lines.append(f"  PMID {article.pmid}  PMCID {article.pmcid}  DOI {article.doi}")
        lines.append(f"  {article.title}")
        where = f"{journal.title} {article.pub_date.year};{journal.volume}:{journal.pages}"
        lines.append(f"  {where}  (found by {record.route.method})")
    elif record.error is not None:
        lines.append(f"  error: {record.error}")
    for candidate in record.candidates:
        lines.append(
            f"  candidate PMID {candidate.pmid} score {candidate.score.total:.2f}: "
            f"{candidate.title[:70]}"
        )
    for conflict in record.conflicts:
        lines.append(f"  conflict on {conflict.field}: {conflict.input!r} vs {conflict.pubmed!r}")
    if record.related:
        counts: dict[str, int] = {}
        for item in record.related:
            # Replay serves only what was recorded; a question it holds no answer to is no
            # failure of NCBI's, so the summary says which it is.
            status = "not in the replay file" if isinstance(item.error, ReplayMiss) else item.status
            counts[f"{item.role} {status}"] = counts.get(f"{item.role} {status}", 0) + 1
        lines.append("  related: " + ", ".join(f"{n} {k}" for k, n in sorted(counts.items())))
    return lines


def main(argv: list[str] | None = None) -> int:
    """Run the example; returns the process exit code."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--replay",
        action="store_true",
        help="serve NCBI's answers from tests/fixtures/replay/seeds.json (hand-built, partly "
        "synthetic records) instead of the network",
    )
    parser.add_argument("--out", type=Path, default=Path("enriched_seeds.jsonl"))
    args = parser.parse_args(argv)
    seeds = sorted((ROOT / "seeds").glob("*.txt"))
    texts = [path.read_text(encoding="utf-8") for path in seeds]
    # The recorded job: defaults, nothing cached beforehand (tests/fixtures/rerecord.py).
    config = pubenrich.Config() if args.replay else pubenrich.Config.from_env()
    # The recording answers through the client's transport: nothing is patched.
    transport = ReplayTransport.from_file(FIXTURE) if args.replay else None
    client = pubenrich.EutilsClient(config, transport=transport) if transport else None
    enricher = pubenrich.Enricher(config, client=client, cache=pubenrich.NoCache())
    with client or nullcontext(), enricher:
        results = list(enricher.enrich(texts))
    for path, record in zip(seeds, results, strict=True):
        print("\n".join(summarize(record, path.name)))
    failed = [r for r in results if r.status == "error"]
    if len(failed) == len(results):
        # Nothing was learnt (no network, most often): keep whatever good output is there.
        print(f"every seed failed ({failed[0].error}); {args.out} left as it was", file=sys.stderr)
        return 2
    # Written beside the output, then moved over it: an interrupted run leaves the old file.
    part = args.out.with_name(args.out.name + ".part")
    with part.open("w", encoding="utf-8") as out:
        for record in results:
            out.write(json.dumps(record.to_dict(), ensure_ascii=False) + "\n")
    part.replace(args.out)
    print(f"wrote {len(results)} records to {args.out}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
