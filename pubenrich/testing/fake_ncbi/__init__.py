"""A local fake of NCBI's E-utilities and PMC ID converter, on 127.0.0.1 only.

Tests and benchmarks need a server that answers in NCBI's real formats, enforces NCBI's rate
limits, takes time like NCBI and fails like NCBI, without touching the network. Every record
it serves is synthetic (titles say so, DOIs live under the test prefix 10.5555/).

Run it by hand with ``python -m pubenrich.testing.fake_ncbi --port 8080 --size 100000``.

The package holds the data (:mod:`~pubenrich.testing.fake_ncbi.universe`), the faults, the
rate limit, the endpoints and the server; its users import from here.
"""

from __future__ import annotations

from pubenrich.testing.fake_ncbi.faults import FAULT_KINDS, FaultPlan
from pubenrich.testing.fake_ncbi.server import FakeNcbi
from pubenrich.testing.fake_ncbi.server import LatencyModel as LatencyModel
from pubenrich.testing.fake_ncbi.server import main as main
from pubenrich.testing.fake_ncbi.stats import FakeNcbiStats
from pubenrich.testing.fake_ncbi.universe import Author as Author
from pubenrich.testing.fake_ncbi.universe import SyntheticRecord as SyntheticRecord
from pubenrich.testing.fake_ncbi.universe import SyntheticUniverse

# Author, SyntheticRecord, LatencyModel and main stay importable from here (as ``X as X``),
# outside __all__ as before the split.
__all__ = ["FAULT_KINDS", "FakeNcbi", "FakeNcbiStats", "FaultPlan", "SyntheticUniverse"]
