"""A pytest fixture that replays recorded NCBI exchanges for one test.

Enable it in your ``conftest.py`` with ``pytest_plugins = ["pubenrich.testing.pytest_plugin"]``,
then::

    @pytest.mark.ncbi_replay("fixtures/seeds.json")   # relative to the test file
    def test_my_pipeline(ncbi_replay):
        ...                                            # every requests call is replayed
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pubenrich.testing.replay import Replayer, replay

__all__ = ["ncbi_replay"]


def pytest_configure(config: pytest.Config) -> None:
    """Declare the marker, so --strict-markers accepts it."""
    config.addinivalue_line(
        "markers", "ncbi_replay(path): replay the recorded HTTP exchanges in path"
    )


@pytest.fixture
def ncbi_replay(request: pytest.FixtureRequest) -> Iterator[Replayer]:
    """Replay the file named by the test's ``ncbi_replay`` marker; unknown requests fail."""
    marker = request.node.get_closest_marker("ncbi_replay")
    if marker is None or not marker.args:
        raise pytest.UsageError("ncbi_replay needs @pytest.mark.ncbi_replay('path/to/file.json')")
    path = Path(marker.args[0])
    if not path.is_absolute():
        path = Path(request.path).parent / path
    with replay(path) as replayer:
        yield replayer
