"""Mirror sync: NCBI's folder layout over HTTP on loopback, resumable and MD5-checked.

The served files are hand-built in the test from the synthetic universe, in the layout of
NCBI's FTP site (pubmed/baseline/, pubmed/updatefiles/, pub/pmc/PMC-ids.csv.gz).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pubenrich import MirrorError, TransportError
from pubenrich.mirror import build, sync
from pubenrich.testing.fake_ncbi import SyntheticUniverse
from pubenrich.testing.mirror_files import (
    FileServer,
    write_md5,
    write_pmc_ids,
    write_pubmed_file,
)

UNIVERSE = SyntheticUniverse(size=40, seed=5)
RECORDS = list(UNIVERSE.records())
NAMES = ("pubmed25n0001.xml.gz", "pubmed25n0002.xml.gz")


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A folder laid out like NCBI's FTP site: one baseline file, one update, PMC-ids."""
    root = tmp_path / "site"
    base = write_pubmed_file(root / "pubmed/baseline" / NAMES[0], UNIVERSE, RECORDS[:20])
    update = write_pubmed_file(root / "pubmed/updatefiles" / NAMES[1], UNIVERSE, RECORDS[20:])
    write_md5(base)
    write_md5(update)
    (root / "pub/pmc").mkdir(parents=True)
    write_pmc_ids(root / "pub/pmc/PMC-ids.csv.gz", [("PMC90077777", RECORDS[0].pmid, None)])
    return root


@pytest.fixture
def server(site: Path) -> Iterator[FileServer]:
    """The site served on 127.0.0.1."""
    with FileServer(site) as running:
        yield running


def test_sync_downloads_baseline_updates_and_pmc_ids(server: FileServer, tmp_path: Path) -> None:
    """Every file lands in the mirror folder byte for byte, with its .md5."""
    mirror = tmp_path / "mirror"
    report = sync(mirror, base_url=server.base_url)
    assert sorted(report.fetched) == sorted([*NAMES, "PMC-ids.csv.gz"])
    assert (mirror / "baseline" / NAMES[0]).read_bytes() == (
        server.root / "pubmed/baseline" / NAMES[0]
    ).read_bytes()
    assert (mirror / "updatefiles" / (NAMES[1] + ".md5")).is_file()


def test_sync_skips_files_already_there(server: FileServer, tmp_path: Path) -> None:
    """A second sync downloads nothing."""
    sync(tmp_path / "m", base_url=server.base_url)
    report = sync(tmp_path / "m", base_url=server.base_url)
    assert report.fetched == ()


def test_a_file_with_a_bad_md5_is_refused(server: FileServer, tmp_path: Path) -> None:
    """A download whose MD5 differs from NCBI's .md5 is not kept, and the error says so."""
    write_md5(server.root / "pubmed/updatefiles" / NAMES[1], digest="0" * 32)
    mirror = tmp_path / "m"
    with pytest.raises(MirrorError, match=r"pubmed25n0002\.xml\.gz is corrupt.*refused"):
        sync(mirror, base_url=server.base_url)
    assert not (mirror / "updatefiles" / NAMES[1]).exists()
    assert not (mirror / "updatefiles" / (NAMES[1] + ".part")).exists()
    assert (mirror / "baseline" / NAMES[0]).is_file()


def test_an_interrupted_download_resumes_with_a_range_request(
    server: FileServer, tmp_path: Path
) -> None:
    """A body cut short is continued from the bytes on disk, not fetched again."""
    server.cut[NAMES[0]] = 100
    mirror = tmp_path / "m"
    with pytest.raises(TransportError, match="download"):
        sync(mirror, base_url=server.base_url)
    assert (mirror / "baseline" / (NAMES[0] + ".part")).stat().st_size == 100
    sync(mirror, base_url=server.base_url)
    assert server.ranges == [(NAMES[0], "bytes=100-")]
    assert (mirror / "baseline" / NAMES[0]).read_bytes() == (
        server.root / "pubmed/baseline" / NAMES[0]
    ).read_bytes()


def test_sync_from_a_folder_links_the_files(site: Path, tmp_path: Path) -> None:
    """--from takes the files on disk; the mirror then builds from them."""
    mirror = tmp_path / "m"
    report = sync(mirror, from_path=site)
    assert sorted(report.fetched) == sorted([*NAMES, "PMC-ids.csv.gz"])
    assert build(mirror, processes=1).records == len(RECORDS)


def test_sync_from_a_folder_refuses_a_bad_md5(site: Path, tmp_path: Path) -> None:
    """A file on disk whose .md5 does not match is refused too."""
    write_md5(site / "pubmed/baseline" / NAMES[0], digest="f" * 32)
    with pytest.raises(MirrorError, match="corrupt"):
        sync(tmp_path / "m", from_path=site)
    assert not (tmp_path / "m" / "baseline" / NAMES[0]).exists()
