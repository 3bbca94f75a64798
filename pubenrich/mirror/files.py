"""Where a mirror keeps NCBI's files, in which order they apply, and their MD5 checks."""

from __future__ import annotations

import hashlib
import os
import re
from datetime import UTC, date, datetime
from pathlib import Path

from pubenrich.errors import MirrorError

__all__ = [
    "BASELINE",
    "PMC_IDS",
    "UPDATES",
    "check_md5",
    "file_day",
    "is_pubmed_file",
    "ordered_files",
]

BASELINE = "baseline"
UPDATES = "updatefiles"
PMC_IDS = "PMC-ids.csv.gz"
# pubmed25n0001.xml.gz: the two-digit year of the baseline, then the file number. Update files
# continue the numbering after the baseline's last file.
_NAME = re.compile(r"^pubmed(\d{2})n(\d{4})\.xml\.gz$")
_MD5 = re.compile(r"\b([0-9a-fA-F]{32})\b")


def is_pubmed_file(name: str) -> bool:
    """Whether ``name`` is a baseline or update file name."""
    return _NAME.match(name) is not None


def _order(path: Path) -> tuple[int, int, int, str]:
    match = _NAME.match(path.name)
    assert match is not None  # only matching names are listed
    return (int(match[1]), int(match[2]), int(path.parent.name == UPDATES), path.name)


def ordered_files(directory: Path) -> list[Path]:
    """The baseline and update files of a mirror, in the order they must be applied.

    Baseline files first, then update files, each by number: the numbering of one year's
    update files continues after its baseline, so number order is publication order.
    """
    found = [
        path
        for sub in (BASELINE, UPDATES)
        if (directory / sub).is_dir()
        for path in (directory / sub).iterdir()
        if is_pubmed_file(path.name) and path.is_file()
    ]
    return sorted(found, key=_order)


def file_day(path: Path) -> date:
    """The day a file was published, taken from its modification time (set by sync)."""
    return datetime.fromtimestamp(path.stat().st_mtime, tz=UTC).date()


def md5_of(path: str | os.PathLike[str]) -> str:
    """The hex MD5 of a file, read in 1 MiB blocks."""
    digest = hashlib.md5(usedforsecurity=False)
    with open(path, "rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def expected_md5(text: str) -> str:
    """The digest in an NCBI ``.md5`` file (``MD5(pubmed25n0001.xml.gz)= <hex>``).

    Raises:
        MirrorError: no digest in the text.
    """
    match = _MD5.search(text.rsplit("=", 1)[-1]) or _MD5.search(text)
    if match is None:
        raise MirrorError(f"not an MD5 file: {text[:80]!r}")
    return match[1].lower()


def check_md5(path: str | os.PathLike[str], md5_text: str, name: str | None = None) -> None:
    """Refuse a file whose MD5 is not the one NCBI published.

    Args:
        path: the file to check.
        md5_text: the ``.md5`` file's text.
        name: the file's name in messages (its own name by default).

    Raises:
        MirrorError: the digests differ (the message names the file and both digests).
    """
    want = expected_md5(md5_text)
    got = md5_of(path)
    if got != want:
        raise MirrorError(
            f"{name or Path(path).name} is corrupt: its MD5 is {got}, NCBI's .md5 says {want}; "
            "the file was refused"
        )
