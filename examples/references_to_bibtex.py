"""Turn a pasted reference list into a BibTeX file, one entry per reference PubMed holds.

Each reference of the list is resolved on its own (by the PMID, PMCID or DOI it carries, else by
its title, authors, journal and year) and written from PubMed's record, in list order. A
reference that could not be resolved is not dropped: the .bib gets an ``@comment`` saying which
one and why, and the summary on stdout says it too. The exit code is 0 when every reference was
found, 1 when some were not.

Live by default (set ``NCBI_EMAIL`` and, for 10 requests a second, ``NCBI_API_KEY``); with
``--replay`` it serves NCBI's answers from ``tests/fixtures/replay/references.json``, recorded
for the list in ``examples/data/references.txt`` (the default input), so it runs offline.

    python examples/references_to_bibtex.py --replay
    NCBI_EMAIL=you@example.org python examples/references_to_bibtex.py my_refs.txt -o my.bib
"""

from __future__ import annotations

import argparse
import sys
from contextlib import nullcontext
from pathlib import Path

import pubenrich
from pubenrich.formats.export import bibtex_escape, bibtex_key, to_bibtex, unique_key
from pubenrich.formats.export.references import references, unresolved_reason
from pubenrich.testing.replay import ReplayTransport

ROOT = Path(__file__).resolve().parents[1]
REFERENCES = ROOT / "examples" / "data" / "references.txt"
FIXTURE = ROOT / "tests" / "fixtures" / "replay" / "references.json"


def main(argv: list[str] | None = None) -> int:
    """Run the example; returns the process exit code."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "file",
        nargs="?",
        type=Path,
        default=REFERENCES,
        help="the reference list, as pasted text ('-' for stdin; default: the example list)",
    )
    parser.add_argument("-o", "--out", type=Path, default=Path("references.bib"))
    parser.add_argument(
        "--replay", action="store_true", help="serve NCBI's answers from the recorded fixture"
    )
    args = parser.parse_args(argv)
    text = sys.stdin.read() if str(args.file) == "-" else args.file.read_text(encoding="utf-8")
    # The recorded job: defaults, nothing cached beforehand (tests/fixtures/rerecord.py).
    config = pubenrich.Config() if args.replay else pubenrich.Config.from_env()
    cache = pubenrich.NoCache() if args.replay else None
    # The recording answers through the client's transport: nothing is patched.
    transport = ReplayTransport.from_file(FIXTURE) if args.replay else None
    client = pubenrich.EutilsClient(config, transport=transport) if transport else None
    enricher = pubenrich.Enricher(config, client=client, cache=cache)
    with client or nullcontext(), enricher:
        (result,) = enricher.enrich([text])
    items = references(result)
    used: dict[str, int] = {}
    missed = 0
    with args.out.open("w", encoding="utf-8") as out:
        for number, record in enumerate(items, start=1):
            article = record.article
            if record.status == "enriched" and article is not None:
                key = unique_key(bibtex_key(article), used)
                out.write(to_bibtex(article, key) + "\n")
                print(f"[{number}] {key}: PMID {article.pmid} (by {record.route.method})")
                continue
            missed += 1
            reason = unresolved_reason(record)
            cited = " ".join(str(record.input).split())
            out.write(f"@comment{{reference {number} not resolved ({reason}): ")
            out.write(bibtex_escape(cited) + "}\n\n")
            print(f"[{number}] not resolved: {reason}")
    print(f"wrote {len(items) - missed} of {len(items)} references to {args.out}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
