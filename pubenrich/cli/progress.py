"""The progress bar on standard error: a bar when the total is known, inputs, requests, rate
and time left, redrawn in place."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable

from pubenrich.services.enricher import Progress

__all__ = ["progress_bar", "progress_line"]


def progress_bar(enabled: bool, total: int | None) -> Callable[[Progress], None] | None:
    if not enabled:
        return None
    started = time.monotonic()

    def show(progress: Progress) -> None:
        line = progress_line(progress, total, time.monotonic() - started)
        sys.stderr.write(f"\r{line}\x1b[K")  # \x1b[K clears what a longer line left
        sys.stderr.flush()

    return show


def progress_line(progress: Progress, total: int | None, elapsed: float, width: int = 24) -> str:
    """One status line: a bar when the total is known, inputs, requests, rate and time left."""
    done = progress.inputs_done
    rate = done / elapsed if elapsed > 0 else 0.0
    tail = f"{progress.requests_total:,} requests, {rate:,.1f} inputs/s"
    if not total:
        return f"{done:,} inputs, {tail}"
    share = min(done / total, 1.0)
    filled = round(share * width)
    bar = "#" * filled + "-" * (width - filled)
    left = f", {_duration((total - done) / rate)} left" if rate and done < total else ""
    return f"[{bar}] {share:4.0%} {done:,}/{total:,} inputs, {tail}{left}"


def _duration(seconds: float) -> str:
    minutes, secs = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
