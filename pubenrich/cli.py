"""The ``pubenrich`` command. The one module that prints and sets exit codes.

``pubenrich extract FILE...`` (or standard input) prints one JSON line per citation found: its
role, section, identifiers with their spans, and cues. The other commands (``enrich``,
``fetch``, ``convert``, ``cache``) are still to come.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from pubenrich import __version__
from pubenrich.cues import read_citations

EXIT_OK = 0
EXIT_FAILURE = 2


def _read(name: str) -> str:
    if name == "-":
        return sys.stdin.read()
    with open(name, encoding="utf-8", errors="replace") as handle:
        return handle.read()


def _extract(paths: Sequence[str]) -> int:
    for name in paths or ["-"]:
        try:
            text = _read(name)
        except OSError as exc:
            print(f"pubenrich: cannot read {name}: {exc.strerror}", file=sys.stderr)
            return EXIT_FAILURE
        source = "<stdin>" if name == "-" else name
        for citation in read_citations(text):
            print(json.dumps({"source": source, **citation.to_dict()}, ensure_ascii=False))
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    parser = argparse.ArgumentParser(
        prog="pubenrich", description="Messy text about papers in, canonical metadata out."
    )
    parser.add_argument("--version", action="version", version=f"pubenrich {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    extract = commands.add_parser(
        "extract", help="print the citations and identifiers found in text, as JSON lines"
    )
    extract.add_argument("files", nargs="*", help="text files; '-' or none reads standard input")
    args = parser.parse_args(argv)
    try:
        return _extract(args.files)
    except BrokenPipeError:  # `pubenrich extract x | head` is a normal way to stop
        return EXIT_OK


if __name__ == "__main__":
    raise SystemExit(main())
