"""Download NCBI's PubMed baseline and update files (and PMC's id table) into a mirror folder.

NCBI documents the locations: ``/pubmed/baseline/`` and ``/pubmed/updatefiles/`` hold
``pubmedYYnNNNN.xml.gz`` each with a ``.md5``, and ``/pub/pmc/PMC-ids.csv.gz`` maps PMCIDs to
PMIDs and DOIs. Downloads resume (HTTP Range on a ``.part`` file), each file is checked
against its ``.md5`` before it takes its final name, and a file already there is skipped.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
from email.utils import parsedate_to_datetime
from pathlib import Path

import attrs

from pubenrich.errors import MirrorError
from pubenrich.mirror.files import BASELINE, PMC_IDS, UPDATES, check_md5, is_pubmed_file
from pubenrich.ncbi.transport import HttpRequest, RequestsTransport, Transport, download_to

__all__ = ["NCBI_FTP", "SyncReport", "sync"]

log = logging.getLogger(__name__)

NCBI_FTP = "https://ftp.ncbi.nlm.nih.gov"
_HREF = re.compile(r'href="(pubmed\d{2}n\d{4}\.xml\.gz)"')


@attrs.frozen
class SyncReport:
    """What a sync did.

    Attributes:
        fetched: files downloaded (or linked from ``from_path``) in this run.
        skipped: files already in the mirror folder.
    """

    fetched: tuple[str, ...] = ()
    skipped: tuple[str, ...] = ()


def sync(
    directory: str | os.PathLike[str],
    *,
    base_url: str = NCBI_FTP,
    from_path: str | os.PathLike[str] | None = None,
    updates: bool = True,
    transport: Transport | None = None,
) -> SyncReport:
    """Bring the mirror folder's copies of NCBI's files up to date.

    Args:
        directory: the mirror folder; files go to ``baseline/``, ``updatefiles/`` and
            ``PMC-ids.csv.gz`` in it.
        base_url: the server holding ``pubmed/baseline/``, ``pubmed/updatefiles/`` and
            ``pub/pmc/PMC-ids.csv.gz`` (NCBI's by default).
        from_path: take the files from this folder instead of downloading them (hard links
            where possible, else copies); a file under a folder named ``updatefiles`` is an
            update file. A ``.md5`` next to a file is checked.
        updates: also fetch the update files.
        transport: sends the listing and ``.md5`` requests (a :class:`RequestsTransport` by
            default).

    Returns:
        A :class:`SyncReport`.

    Raises:
        MirrorError: a file's MD5 differs from its ``.md5`` (raised after the other files
            are fetched; the refused files are named and not kept).
        TransportError: the server cannot be reached.
    """
    root = Path(directory)
    for sub in (BASELINE, UPDATES):
        (root / sub).mkdir(parents=True, exist_ok=True)
    if from_path is not None:
        return _from_disk(root, Path(from_path))
    own = transport is None
    sender: Transport = transport or RequestsTransport()
    fetched: list[str] = []
    skipped: list[str] = []
    refused: list[str] = []
    try:
        subs = (BASELINE, UPDATES) if updates else (BASELINE,)
        for sub in subs:
            listing = f"{base_url.rstrip('/')}/pubmed/{sub}/"
            for name in _list(sender, listing):
                dest = root / sub / name
                if dest.is_file():
                    skipped.append(name)
                    continue
                md5 = _get_text(sender, listing + name + ".md5")
                try:
                    _download(listing + name, dest, md5)
                except MirrorError as exc:
                    log.error("%s", exc)
                    refused.append(str(exc))
                    continue
                (root / sub / (name + ".md5")).write_text(md5, encoding="utf-8")
                fetched.append(name)
        if not (root / PMC_IDS).is_file():
            _download(f"{base_url.rstrip('/')}/pub/pmc/{PMC_IDS}", root / PMC_IDS, None)
            fetched.append(PMC_IDS)
        else:
            skipped.append(PMC_IDS)
    finally:
        if own and isinstance(sender, RequestsTransport):
            sender.close()
    if refused:
        raise MirrorError(f"{len(refused)} file(s) refused: " + "; ".join(refused))
    return SyncReport(tuple(fetched), tuple(skipped))


def _get_text(sender: Transport, url: str) -> str:
    reply = sender.send(HttpRequest("GET", url))
    if reply.status != 200:
        raise MirrorError(f"cannot read {url}: HTTP {reply.status}")
    return reply.body.decode("utf-8", "replace")


def _list(sender: Transport, url: str) -> list[str]:
    """The file names an NCBI directory listing links to, sorted."""
    return sorted(set(_HREF.findall(_get_text(sender, url))))


def _download(url: str, dest: Path, md5: str | None) -> None:
    """Download to ``dest.part`` (resuming), check the MD5, then rename into place."""
    part = dest.with_name(dest.name + ".part")
    reply = download_to(url, part)
    if md5 is not None:
        try:
            check_md5(part, md5, dest.name)
        except MirrorError:
            part.unlink(missing_ok=True)  # a corrupt part must not be resumed
            raise
    os.replace(part, dest)
    modified = reply.headers.get("last-modified")
    if modified:
        try:
            stamp = parsedate_to_datetime(modified).timestamp()
        except (TypeError, ValueError):
            return
        os.utime(dest, (stamp, stamp))
    log.info("fetched %s", dest.name)


def _from_disk(root: Path, source: Path) -> SyncReport:
    if not source.is_dir():
        raise MirrorError(f"--from {source}: not a folder")
    fetched: list[str] = []
    skipped: list[str] = []
    refused: list[str] = []
    for path in sorted(source.rglob("*")):
        if not path.is_file():
            continue
        if path.name == PMC_IDS:
            dest = root / PMC_IDS
        elif is_pubmed_file(path.name):
            dest = root / (UPDATES if UPDATES in path.parts else BASELINE) / path.name
        else:
            continue
        if dest.is_file():
            skipped.append(path.name)
            continue
        md5 = path.with_name(path.name + ".md5")
        if md5.is_file():
            try:
                check_md5(path, md5.read_text(encoding="utf-8"))
            except MirrorError as exc:
                log.error("%s", exc)
                refused.append(str(exc))
                continue
            shutil.copy2(md5, dest.with_name(dest.name + ".md5"))
        elif path.name != PMC_IDS:
            log.warning("%s has no .md5 beside it; taken unchecked", path.name)
        try:
            os.link(path, dest)
        except OSError:
            shutil.copy2(path, dest)
        fetched.append(path.name)
    if refused:
        raise MirrorError(f"{len(refused)} file(s) refused: " + "; ".join(refused))
    return SyncReport(tuple(fetched), tuple(skipped))
