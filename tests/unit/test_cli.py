"""The pubenrich command, run as a user runs it: a subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path


def _run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pubenrich", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_extract_prints_one_json_line_per_citation(seeds_dir: Path) -> None:
    """Seed 002 gives the primary paper first, with its three identifiers."""
    done = _run("extract", str(seeds_dir / "002_bae0afb84767b308.txt"))
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert rows[0]["role"] == "primary"
    assert (rows[0]["pmid"], rows[0]["pmcid"], rows[0]["doi"]) == (
        "25211170",
        "PMC4206665",
        "10.1097/ALN.0000000000000446",
    )
    assert sum(r["role"] == "related" for r in rows) == 10


def test_extract_reads_standard_input() -> None:
    """With no file, the text comes from standard input."""
    done = _run("extract", stdin="See PMID: 12345 and doi:10.5555/synthetic.cli.")
    assert done.returncode == 0, done.stderr
    (row,) = [json.loads(line) for line in done.stdout.splitlines()]
    assert (row["pmid"], row["doi"], row["source"]) == ("12345", "10.5555/synthetic.cli", "<stdin>")


def test_a_missing_file_is_one_clear_line_and_exit_2(tmp_path: Path) -> None:
    """An unreadable file: one line on stderr, no traceback, exit code 2."""
    done = _run("extract", str(tmp_path / "absent.txt"))
    assert done.returncode == 2
    assert done.stderr.startswith("pubenrich: cannot read")
    assert "Traceback" not in done.stderr


def test_version() -> None:
    """--version prints the package version."""
    done = _run("--version")
    assert done.returncode == 0
    assert done.stdout.startswith("pubenrich ")


def test_extract_table_has_a_row_per_identifier_with_its_span(seeds_dir: Path) -> None:
    """--format table: a header, then source, group, role, section, kind, id and span."""
    path = seeds_dir / "002_bae0afb84767b308.txt"
    done = _run("extract", "--format", "table", str(path))
    assert done.returncode == 0, done.stderr
    header, first, *rest = done.stdout.splitlines()
    assert header.split() == ["source", "#", "role", "section", "kind", "id", "span"]
    assert first.split()[1:] == ["1", "primary", "pmid", "25211170", "123-137"]
    text = path.read_text(encoding="utf-8")
    start, end = (int(n) for n in first.split()[-1].split("-"))
    assert "25211170" in text[start:end]
    # Ten papers with a PMID each; nine print a DOI too (Pain Physician gives none).
    assert sum(" related " in row for row in rest) == 19


def test_extract_table_shows_a_citation_without_ids_by_its_cues() -> None:
    """A reference with no identifier still gets a row: its title, found by its cues."""
    done = _run(
        "extract",
        "--format",
        "table",
        stdin="Doe J. Synthetic record for parser tests: no ids here. J Synth. 2019;12:1-9.\n",
    )
    (_, row) = done.stdout.splitlines()
    assert " cues " in row
    assert "Synthetic record for parser tests" in row
