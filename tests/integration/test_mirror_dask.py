"""The mirror build on a two-worker local Dask cluster equals the one-process build.

The files are hand-built in the test from the synthetic universe in baseline/update layout.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pubenrich.mirror import Mirror, build
from pubenrich.testing.fake_ncbi import SyntheticUniverse
from pubenrich.testing.mirror_files import revised, write_pubmed_file

distributed = pytest.importorskip("distributed")

UNIVERSE = SyntheticUniverse(size=120, seed=23)
RECORDS = list(UNIVERSE.records())


def _series(root: Path) -> Path:
    for n, start in enumerate(range(0, 90, 30), start=1):
        write_pubmed_file(
            root / "baseline" / f"pubmed25n{n:04d}.xml.gz", UNIVERSE, RECORDS[start : start + 30]
        )
    write_pubmed_file(
        root / "updatefiles" / "pubmed25n0004.xml.gz",
        UNIVERSE,
        [revised(RECORDS[3], 1), *RECORDS[90:]],
        (RECORDS[50].pmid,),
    )
    write_pubmed_file(
        root / "updatefiles" / "pubmed25n0005.xml.gz",
        UNIVERSE,
        [revised(RECORDS[3], 2)],
        (RECORDS[95].pmid,),
    )
    return root


def test_a_dask_build_equals_the_one_process_build(tmp_path: Path) -> None:
    """Parsing on two Dask workers stores exactly what parsing in this process stores."""
    one = build(_series(tmp_path / "one"), processes=1)
    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        two = build(_series(tmp_path / "two"), scheduler=client)
    assert (two.files_applied, two.records, two.deleted) == (
        one.files_applied,
        one.records,
        one.deleted,
    )
    ids = [r.pmid for r in RECORDS]
    with Mirror(tmp_path / "one") as a, Mirror(tmp_path / "two") as b:
        assert len(a) == len(RECORDS) - 2
        assert a.get(ids) == b.get(ids)
