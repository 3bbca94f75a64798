"""The ``pubenrich mirror`` subcommands: ``sync`` and ``build`` a local PubMed mirror.

Kept apart from :mod:`pubenrich.cli` so the main command wires them in with two calls::

    add_parser(commands)            # adds "mirror sync" and "mirror build"
    if args.command == "mirror":
        return run(args)
"""

from __future__ import annotations

import argparse
import logging
import sys
from typing import Any

from pubenrich.errors import PubenrichError
from pubenrich.mirror import BuildProgress, build, sync

__all__ = ["add_parser", "run"]

EXIT_OK = 0
EXIT_FAILURE = 2


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``mirror sync DIR [--from PATH]`` and ``mirror build DIR ...`` to a CLI.

    Args:
        subparsers: what ``ArgumentParser.add_subparsers`` returned.

    Returns:
        The ``mirror`` parser.
    """
    mirror = subparsers.add_parser("mirror", help="keep a local PubMed mirror (sync, build)")
    actions = mirror.add_subparsers(dest="mirror_command", required=True)
    do_sync = actions.add_parser(
        "sync", help="download the baseline, update files and PMC-ids.csv.gz (MD5-checked)"
    )
    do_sync.add_argument("dir", help="the mirror folder")
    do_sync.add_argument(
        "--from", dest="from_path", metavar="PATH", help="take the files from this folder"
    )
    do_build = actions.add_parser("build", help="parse the files into the mirror's store")
    do_build.add_argument("dir", help="the mirror folder")
    do_build.add_argument(
        "--processes", type=int, default=None, metavar="N", help="parser processes (all cores)"
    )
    do_build.add_argument(
        "--scheduler",
        default=None,
        metavar="ADDR",
        help="a Dask scheduler address (tcp://host:8786); needs pubenrich[bulk]",
    )
    do_build.add_argument(
        "--uncompressed",
        action="store_true",
        help="store plain JSON: a bigger store that reads faster",
    )
    return mirror  # type: ignore[no-any-return]


def _show(step: BuildProgress) -> None:
    print(
        f"{step.file}: {step.files_done}/{step.files_total} files, "
        f"{step.records_per_second:,.0f} records/s, {step.seconds_left:,.0f} s left",
        file=sys.stderr,
    )


def run(args: argparse.Namespace) -> int:
    """Run a parsed ``mirror`` subcommand; returns the exit code."""
    logging.basicConfig(level=logging.WARNING)
    try:
        if args.mirror_command == "sync":
            report = sync(args.dir, from_path=args.from_path)
            print(f"{len(report.fetched)} files fetched, {len(report.skipped)} already there")
        else:
            built = build(
                args.dir,
                processes=args.processes,
                scheduler=args.scheduler,
                progress=_show,
                compress=not args.uncompressed,
            )
            print(
                f"{built.files_applied} files applied ({built.files_skipped} already), "
                f"{built.records} records, {built.deleted} deleted, "
                f"{built.records_per_second:,.0f} records/s; as of {built.as_of}"
            )
    except PubenrichError as exc:
        print(f"pubenrich mirror: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    return EXIT_OK
