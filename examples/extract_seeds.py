"""Print the citations pubenrich reads from text files: role, identifiers and main cues.

Usage:
    python examples/extract_seeds.py              # every file in the repository's seeds/
    python examples/extract_seeds.py page.txt ... # the files given

Each file's text goes through ``pubenrich.read_citations``; nothing touches the network, so
``--replay`` (which every example takes) changes nothing here. ``| head`` ends it quietly.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from pubenrich import Citation, read_citations

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def describe(citation: Citation) -> str:
    """One or two lines about a citation: role, ids, then its main cues."""
    ids = ", ".join(
        f"{name.upper()} {value}"
        for name, value in (
            ("pmid", citation.pmid),
            ("pmcid", citation.pmcid),
            ("doi", citation.doi),
        )
        if value
    )
    cues = citation.cues
    parts = []
    if cues.title:
        parts.append(f"title: {cues.title[:90]}")
    if cues.authors:
        names = ", ".join(f"{a.last_name} {a.initials}".strip() for a in cues.authors[:4])
        parts.append(f"authors: {names}{' et al.' if len(cues.authors) > 4 else ''}")
    source = " ".join(
        str(part)
        for part in (cues.journal, cues.year, cues.volume and f"vol {cues.volume}", cues.pages)
        if part
    )
    if source:
        parts.append(f"source: {source}")
    if cues.topic_words and not ids:
        parts.append(f"topics: {', '.join(cues.topic_words)}")
    section = f" [{citation.section}]" if citation.section else ""
    head = f"  {citation.role:9s}{section} {ids or '(no identifiers)'}"
    return head + "".join(f"\n      {part}" for part in parts)


def main(argv: list[str] | None = None) -> int:
    """Read the files and print their citations; returns the exit status."""
    parser = argparse.ArgumentParser(
        description="Print the citations (role, PMID/PMCID/DOI, cues) found in text files.",
    )
    parser.add_argument(
        "files",
        nargs="*",
        type=Path,
        help=f"text files to read (default: every file in {SEEDS})",
    )
    parser.add_argument(
        "--replay",
        action="store_true",
        help="accepted like every example's; reading citations never asks NCBI anyway",
    )
    args = parser.parse_args(argv)
    files: list[Path] = args.files or sorted(p for p in SEEDS.iterdir() if p.is_file())
    status = 0
    for path in files:
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError as exc:
            print(f"{path}: cannot read: {exc}", file=sys.stderr)
            status = 1
            continue
        citations = read_citations(text)
        print(f"{path.name}: {len(citations)} citation(s)")
        for citation in citations:
            print(describe(citation))
    return status


def run(argv: list[str] | None = None) -> int:
    """:func:`main`, ending quietly when the reader of standard output goes away (``| head``)
    or on Ctrl-C (130), as a Unix tool does."""
    try:
        return main(argv)
    except BrokenPipeError:
        # The interpreter's last flush would hit the closed pipe again: point it elsewhere.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(run())
