"""The ``mirror`` subcommands: sync --from a folder, then build, through argparse.

The files are hand-built in the test from the synthetic universe in baseline layout.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from pubenrich.cli.mirror import add_parser, run
from pubenrich.mirror import Mirror
from pubenrich.testing.fake_ncbi import SyntheticUniverse
from pubenrich.testing.mirror_files import write_md5, write_pubmed_file

UNIVERSE = SyntheticUniverse(size=20, seed=3)


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="pubenrich")
    add_parser(parser.add_subparsers(dest="command", required=True))
    return parser.parse_args(argv)


def test_sync_from_then_build_makes_a_mirror(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`mirror sync DIR --from PATH` then `mirror build DIR --processes 1` exit 0."""
    source = tmp_path / "download" / "baseline" / "pubmed25n0001.xml.gz"
    write_md5(write_pubmed_file(source, UNIVERSE, list(UNIVERSE.records())))
    target = str(tmp_path / "mirror")
    assert run(_parse(["mirror", "sync", target, "--from", str(tmp_path / "download")])) == 0
    assert run(_parse(["mirror", "build", target, "--processes", "1"])) == 0
    assert "1 files applied" in capsys.readouterr().out
    with Mirror(target) as mirror:
        assert len(mirror) == len(UNIVERSE.pmids())


def test_a_failure_exits_2_with_the_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A missing --from folder is reported on stderr with exit code 2."""
    args = _parse(["mirror", "sync", str(tmp_path / "m"), "--from", str(tmp_path / "none")])
    assert run(args) == 2
    assert "not a folder" in capsys.readouterr().err


def test_the_pubenrich_command_builds_and_answers_from_a_mirror(tmp_path: Path) -> None:
    """`pubenrich mirror sync/build`, then `pubenrich fetch --mirror --offline` finds records."""
    import json
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]
    source = tmp_path / "download" / "baseline" / "pubmed25n0001.xml.gz"
    write_md5(write_pubmed_file(source, UNIVERSE, list(UNIVERSE.records())))
    target = str(tmp_path / "mirror")

    def pubenrich(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "pubenrich", *args],
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
            env={"PYTHONPATH": str(root), "PATH": "", "HOME": str(tmp_path)},
        )

    assert pubenrich("mirror", "sync", target, "--from", str(tmp_path / "download")).returncode == 0
    assert pubenrich("mirror", "build", target, "--processes", "1").returncode == 0
    pmid = UNIVERSE.pmids()[0]
    fetched = pubenrich("fetch", pmid, "--mirror", target, "--offline", "--no-cache")
    assert fetched.returncode == 0, fetched.stderr
    row = json.loads(fetched.stdout)
    assert (row["record"]["pmid"], row["source"]) == (pmid, "mirror")
    assert row["as_of"] is not None
