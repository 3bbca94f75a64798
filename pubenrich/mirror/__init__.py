"""A local PubMed mirror: NCBI's baseline and update files, synced, built and queried.

::

    from pubenrich.mirror import Mirror, build, sync

    sync("pubmed-mirror")              # baseline, updates, PMC-ids.csv.gz; MD5-checked
    build("pubmed-mirror")             # parse in parallel, apply in file order
    with Mirror("pubmed-mirror") as m:
        m.get(["25211170"])

Dask (``pip install pubenrich[bulk]``) is imported only when a build is given a scheduler.
"""

from __future__ import annotations

from pubenrich.mirror.builder import BuildProgress, BuildReport, build, parse_file
from pubenrich.mirror.store import STORE_NAME, Mirror, TitleHit
from pubenrich.mirror.sync import NCBI_FTP, SyncReport, sync

__all__ = [
    "NCBI_FTP",
    "STORE_NAME",
    "BuildProgress",
    "BuildReport",
    "Mirror",
    "SyncReport",
    "TitleHit",
    "build",
    "parse_file",
    "sync",
]
