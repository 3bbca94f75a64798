"""Where the command meets the user: reading input, logging, stopping, an unreachable NCBI.

Kept apart from the commands themselves because every command shares them: a binary file is
refused before it is echoed into JSON, ids are read as people paste them (spaces, commas, lines),
log lines are few and short, and Ctrl-C or a closed pipe ends the run like a Unix tool.
"""

from __future__ import annotations

import logging
import os
import re
import sys
from collections.abc import Iterable

from pubenrich.errors import ConnectionFailed

__all__ = [
    "CliFailure",
    "Tally",
    "quiet_stdout",
    "read_text",
    "setup_logging",
    "split_ids",
    "unreachable",
]

_SNIFF_BYTES = 8192
# A DOI may hold a comma; any other id never does, so commas split everything but DOIs.
_DOI_START = re.compile(r"(?i)^(?:doi:|https?://(?:dx\.)?doi\.org/)?10\.\d{4,9}/")


class CliFailure(Exception):
    """A one-line reason the command cannot go on (exit 2)."""


class Tally:
    """How much of the output a command has written, for the line Ctrl-C leaves."""

    def __init__(self, noun: str = "records") -> None:
        self.noun = noun
        self.done = 0


def read_text(name: str) -> str:
    """A file's text ('-' is standard input); a binary file is refused, not echoed.

    A NUL byte in the first 8 KB marks a binary file (as git and grep decide); text in any
    other encoding than UTF-8 is read with replacement characters, as it may still hold ids.

    Raises:
        CliFailure: the file cannot be read or is binary.
    """
    try:
        if name == "-":
            data = sys.stdin.buffer.read()
        else:
            with open(name, "rb") as handle:
                data = handle.read()
    except OSError as exc:
        raise CliFailure(f"cannot read {name}: {exc.strerror or exc}") from exc
    if b"\0" in data[:_SNIFF_BYTES]:
        shown = "standard input" if name == "-" else name
        raise CliFailure(f"{shown} is a binary file, not text; give a text file")
    return data.decode("utf-8", errors="replace")


def split_ids(texts: Iterable[str]) -> list[str]:
    """Ids as pasted: separated by whitespace, newlines or commas (a DOI keeps its commas)."""
    ids: list[str] = []
    for text in texts:
        for token in text.split():
            if _DOI_START.match(token):
                ids.append(token.rstrip(","))
            else:
                ids.extend(part for part in token.split(",") if part)
    return ids


def unreachable(errors: Iterable[BaseException | None]) -> ConnectionFailed | None:
    """The first error that says NCBI cannot be reached at all, if any."""
    for error in errors:
        if isinstance(error, ConnectionFailed):
            return error
    return None


class _FewLines(logging.Filter):
    """At the default verbosity: one retry line per batch (its first), and nothing of a
    connection that cannot be made, which the command reports itself in one line."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "error", None) == "ConnectionFailed":
            return False
        if any(isinstance(arg, ConnectionFailed) for arg in _args(record)):
            return False
        if record.name == "pubenrich.ncbi.retry":
            return record.levelno < logging.ERROR and getattr(record, "attempt", 1) == 1
        return True


def _args(record: logging.LogRecord) -> tuple[object, ...]:
    args = record.args
    return args if isinstance(args, tuple) else ()


def setup_logging(*, verbose: bool, debug: bool) -> None:
    """Log lines on standard error as ``pubenrich: ...``: warnings by default (one retry line
    per batch), every retry with ``--verbose``, everything with ``--debug``."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("pubenrich: %(message)s"))
    if not (verbose or debug):
        handler.addFilter(_FewLines())
    root = logging.getLogger("pubenrich")
    root.handlers[:] = [handler]
    root.setLevel(logging.DEBUG if debug else logging.INFO if verbose else logging.WARNING)
    root.propagate = False


def quiet_stdout() -> None:
    """Point standard output at the null device, so that the interpreter's last flush into a
    pipe the reader closed (``| head``) raises nothing."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # pragma: no cover - stdout is not a real file
        pass
