"""The pubenrich command's enrich, fetch, convert and cache, run as subprocesses offline."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = str(ROOT / "tests" / "fixtures" / "replay" / "seeds.json")
SEEDS = sorted(str(p) for p in (ROOT / "seeds").glob("*.txt"))
RELATED = (
    "27888550 33397585 32942796 32671645 27011289 33766127 36611801 39934819 30514375 30766604"
)


def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pubenrich", *args],
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT), "PATH": "", "HOME": "/nonexistent"},
    )


def test_enrich_jsonl_gives_one_line_per_file_and_exit_1_when_some_miss() -> None:
    """Three seeds, three lines; two are not enriched, so the exit code is 1."""
    result = run("enrich", *SEEDS, "--replay", FIXTURE, "--no-cache")
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["status"] for line in lines] == ["not_found", "ambiguous", "enriched"]
    assert result.returncode == 1
    assert "2 of 3 inputs not enriched" in result.stderr


@pytest.mark.parametrize(
    ("fmt", "marker"),
    [("bibtex", "@article{"), ("ris", "TY  - JOUR"), ("csl-json", '"PMID": "25211170"')],
)
def test_enrich_writes_each_format(fmt: str, marker: str) -> None:
    """The enriched seed comes out in the format asked for; the others are said to be left out."""
    result = run("enrich", *SEEDS, "--replay", FIXTURE, "--no-cache", "--format", fmt)
    assert marker in result.stdout
    assert "left out" in result.stderr


def test_enrich_csv_has_a_row_per_input_with_status() -> None:
    """CSV keeps every input, enriched or not, with its status."""
    result = run("enrich", *SEEDS, "--replay", FIXTURE, "--no-cache", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["status"] for r in rows] == ["not_found", "ambiguous", "enriched"]
    assert rows[2]["pmid"] == "25211170"


def test_enrich_reads_standard_input() -> None:
    """With no file, the document comes from standard input."""
    text = Path(SEEDS[2]).read_text(encoding="utf-8")
    result = run("enrich", "--replay", FIXTURE, "--no-cache", stdin="")
    assert result.returncode == 1  # an empty stdin is one empty document: invalid, said so
    assert json.loads(result.stdout)["status"] == "invalid_input"
    result = run("enrich", "-", "--replay", FIXTURE, "--no-cache", stdin=text)
    assert json.loads(result.stdout)["pmid"] == "25211170"


def test_fetch_prints_records_and_exit_0() -> None:
    """fetch PMID... prints one JSON line per PMID, all found."""
    result = run("fetch", "25211170", *RELATED.split(), "--replay", FIXTURE, "--no-cache")
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["status"] for r in rows] == ["found"] * 11
    assert rows[0]["record"]["pmid"] == "25211170"


def test_a_command_that_cannot_run_fails_in_one_line(tmp_path: Path) -> None:
    """A failure of the command itself (a file that is not a replay file) is one line on
    stderr, exit 2, no traceback (unless --debug). (Issue 20 made an id outside the recording
    a per-id error instead, tested in test_cli_edges.py.)"""
    bad = tmp_path / "not-replay.json"
    bad.write_text('{"format": "something else"}', encoding="utf-8")
    result = run("fetch", "12345", "--replay", str(bad), "--no-cache")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr
    debug = run("--debug", "fetch", "12345", "--replay", str(bad), "--no-cache")
    assert "Traceback" in debug.stderr


def test_convert_offline_reports_each_miss(tmp_path: Path) -> None:
    """convert --offline answers from the cache only: every id is an offline miss, exit 1."""
    cache = str(tmp_path / "c.sqlite3")
    result = run(
        "convert", "PMC4206665", "10.1097/aln.0000000000000446", "--offline", "--cache", cache
    )
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["status"] for r in rows] == ["offline_miss", "offline_miss"]
    assert result.returncode == 1


def test_cache_info_clear_prune(tmp_path: Path) -> None:
    """cache info shows the file's counts; a fetch fills it; clear empties it."""
    cache = str(tmp_path / "c.sqlite3")
    run("fetch", "25211170", *RELATED.split(), "--replay", FIXTURE, "--cache", cache)
    info = json.loads(run("cache", "info", "--cache", cache).stdout)
    assert info["entries"]["pubmed"] == 11
    assert "removed 0 expired" in run("cache", "prune", "--cache", cache).stdout
    assert "removed 11 entries" in run("cache", "clear", "--cache", cache).stdout


def test_unknown_format_is_a_usage_error() -> None:
    """argparse refuses a format it does not know, with exit code 2."""
    assert run("enrich", "--format", "docx").returncode == 2


def test_progress_bar_on_request_shows_the_total() -> None:
    """--progress draws a bar on standard error that ends at every input done."""
    result = run("enrich", *SEEDS, "--replay", FIXTURE, "--no-cache", "--progress")
    bars = [line for line in result.stderr.splitlines() if line.startswith("[")]
    assert bars[-1].startswith("[########################] 100% 3/3 inputs, 11 requests")
    assert len(result.stdout.splitlines()) == 3


def test_no_progress_bar_when_stderr_is_not_a_terminal() -> None:
    """Piped standard error gets no bar: only the one-line summary."""
    result = run("enrich", *SEEDS, "--replay", FIXTURE, "--no-cache")
    assert "inputs/s" not in result.stderr
    assert "2 of 3 inputs not enriched" in result.stderr


@pytest.mark.parametrize(
    ("fmt", "marker"),
    [
        ("bibtex", "pmid = {27888550}"),
        ("ris", "AN  - 27888550"),
        ("csl-json", '"PMID": "27888550"'),
        ("csv", "27888550"),
    ],
)
def test_fetch_writes_each_format(fmt: str, marker: str) -> None:
    """fetch PMIDs read from standard input, written in the format asked for, exit 0."""
    ids = "25211170\n" + RELATED.replace(" ", "\n")
    result = run("fetch", "--replay", FIXTURE, "--no-cache", "--format", fmt, stdin=ids)
    assert result.returncode == 0, result.stderr
    assert marker in result.stdout


def test_convert_reads_standard_input_and_exits_1_for_a_doi_not_in_pmc() -> None:
    """A DOI PMC does not hold is a row of its own with status not_in_pmc, exit 1."""
    references = str(ROOT / "tests" / "fixtures" / "replay" / "references.json")
    result = run("convert", "--replay", references, "--no-cache", stdin="10.1002/stem.2551\n")
    (row,) = [json.loads(line) for line in result.stdout.splitlines()]
    assert (row["input"], row["status"]) == ("10.1002/stem.2551", "not_in_pmc")
    assert result.returncode == 1
