"""The edges a new user hits (issue 20), each run as the user runs it: a subprocess.

No test reaches the network: the suite's conftest points every proxy at a closed loopback
port, which the subprocesses inherit, so "no network" is a refused proxy, as behind a firewall.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
REPLAY = ROOT / "tests" / "fixtures" / "replay"
REFS = str(ROOT / "examples" / "data" / "references.txt")
REFS_REPLAY = str(REPLAY / "references.json")
SEEDS_REPLAY = str(REPLAY / "seeds.json")


def env(home: Path, **more: str) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("NCBI_")}
    return {**base, "PYTHONPATH": str(ROOT), "HOME": str(home), "XDG_CACHE_HOME": "", **more}


def run(
    *args: str, home: Path, stdin: str | bytes = "", **kwargs: Any
) -> subprocess.CompletedProcess[str]:
    data = stdin.decode("latin-1") if isinstance(stdin, bytes) else stdin
    return subprocess.run(
        [sys.executable, "-m", "pubenrich", *args],
        input=data,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        cwd=ROOT,
        env=env(home),
        **kwargs,
    )


# ------------------------------------------------------------------ 1. reference lists


def test_a_reference_list_exports_one_bibtex_entry_per_reference_in_order(tmp_path: Path) -> None:
    """The ten references give nine entries and one @comment, in the list's order."""
    done = run("enrich", REFS, "--format", "bibtex", "--replay", REFS_REPLAY, home=tmp_path)
    heads = [line for line in done.stdout.splitlines() if line.startswith("@")]
    assert len(heads) == 10, done.stderr
    assert heads[9].startswith("@comment{reference 10 not resolved")
    assert "R Core Team" in heads[9]
    assert all(not h.startswith("@comment") for h in heads[:9])
    assert "pmid = {27888550}" in done.stdout.split("@", 2)[1]  # reference 1 first
    assert done.returncode == 1  # one reference was not resolved
    assert "1 of 10 references not enriched (1 not_found)" in done.stderr


@pytest.mark.parametrize("fmt", ["ris", "csl-json", "csv"])
def test_a_reference_list_exports_every_reference_in_other_formats(
    tmp_path: Path, fmt: str
) -> None:
    """RIS, CSL-JSON and CSV hold one entry (or row) per reference, the unresolved one noted."""
    done = run("enrich", REFS, "--format", fmt, "--replay", REFS_REPLAY, home=tmp_path)
    if fmt == "ris":
        entries = done.stdout.split("ER  - ")[:-1]
        assert len(entries) == 10
        assert "N1  - not resolved" in entries[9]
    elif fmt == "csl-json":
        items = json.loads(done.stdout)
        assert len(items) == 10
        assert items[9]["note"].startswith("reference 10 not resolved")
        assert items[0]["PMID"] == "27888550"
    else:
        rows = list(csv.DictReader(io.StringIO(done.stdout)))
        assert [r["status"] for r in rows] == ["enriched"] * 9 + ["not_found"]


# ------------------------------------------------------------------ 2. Ctrl-C, closed pipes


def test_ctrl_c_exits_130_quietly_saying_what_was_done(tmp_path: Path) -> None:
    """SIGINT while enrich waits for input: exit 130, one line, no traceback."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "pubenrich", "enrich", "--no-cache"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=env(tmp_path),
    )
    time.sleep(1.5)  # let the interpreter start and block on standard input
    proc.send_signal(signal.SIGINT)
    _out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130
    assert "Traceback" not in err
    assert "interrupted after 0" in err


def test_a_closed_pipe_ends_extract_quietly(tmp_path: Path) -> None:
    """`pubenrich extract ... | head -1` leaves no BrokenPipeError behind."""
    # Far more output than a pipe buffers (64 KB), so writes meet the closed pipe mid-run.
    seeds = " ".join(str(p) for p in sorted((ROOT / "seeds").glob("*.txt")) * 40)
    command = f"{sys.executable} -m pubenrich extract --format jsonl {seeds} | head -1"
    done = subprocess.run(
        ["bash", "-c", command],
        check=False,
        capture_output=True,
        text=True,
        env=env(tmp_path),
        cwd=ROOT,
    )
    assert len(done.stdout.splitlines()) == 1
    assert "Traceback" not in done.stderr
    assert "BrokenPipe" not in done.stderr


# ------------------------------------------------------------------ 3. read-only caches


@contextmanager
def read_only(*paths: Path) -> Iterator[None]:
    """Make files and folders unwritable for this user: by mode, or for root (whom modes do
    not stop) by the immutable attribute; skip when neither can be had."""
    if os.geteuid() != 0:
        modes = {p: p.stat().st_mode for p in paths}
        for p in paths:
            p.chmod(0o555 if p.is_dir() else 0o444)
        try:
            yield
        finally:
            for p, mode in modes.items():
                p.chmod(mode)
        return
    if shutil.which("chattr") is None:
        pytest.skip("running as root without chattr: nothing can be made read-only")
    locked: list[Path] = []
    try:
        for p in paths:
            if subprocess.run(
                ["chattr", "+i", str(p)], capture_output=True, check=False
            ).returncode:
                pytest.skip("running as root and chattr +i is not permitted here")
            locked.append(p)
        yield
    finally:
        for p in locked:
            subprocess.run(["chattr", "-i", str(p)], check=True)


def _filled_cache(folder: Path, home: Path) -> Path:
    path = folder / "cache.sqlite3"
    folder.mkdir()
    done = run("fetch", "25211170", "--replay", SEEDS_REPLAY, "--cache", str(path), home=home)
    assert done.returncode == 0, done.stderr
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


def test_a_read_only_cache_is_read_with_one_warning_and_never_moved(tmp_path: Path) -> None:
    """A cache in a folder the user cannot write answers from what it holds; nothing moved."""
    folder = tmp_path / "ro"
    path = _filled_cache(folder, tmp_path)
    before = sorted(p.name for p in folder.iterdir())
    with read_only(*folder.iterdir(), folder):
        done = run("fetch", "25211170", "27888550", "--replay", SEEDS_REPLAY,
                   "--cache", str(path), home=tmp_path)  # fmt: skip
        info = run("cache", "info", "--cache", str(path), home=tmp_path)
        after = sorted(p.name for p in folder.iterdir())
    assert done.returncode == 0, done.stderr
    assert [json.loads(line)["source"] for line in done.stdout.splitlines()] == [
        "cache",
        "eutils",
    ]
    assert "Traceback" not in done.stderr
    assert "corrupt" not in done.stderr
    assert done.stderr.count("cannot be written") == 1
    assert info.returncode == 0, info.stderr
    assert json.loads(info.stdout)["entries"]["pubmed"] == 1
    assert after == before


def test_a_cache_that_cannot_be_created_is_one_line_and_exit_2(tmp_path: Path) -> None:
    """No file and a folder the user cannot write: the path in one line, exit 2."""
    folder = tmp_path / "locked"
    folder.mkdir()
    path = folder / "cache.sqlite3"
    with read_only(folder):
        done = run("cache", "info", "--cache", str(path), home=tmp_path)
    assert done.returncode == 2
    assert str(path) in done.stderr
    assert done.stderr.count("\n") == 1
    assert "Traceback" not in done.stderr


# ------------------------------------------------------------------ 4. replay and the cache


def test_replay_does_not_write_into_the_users_cache(tmp_path: Path) -> None:
    """A replay run leaves the default cache untouched (no file is even made)."""
    cache_home = tmp_path / "xdg"
    done = subprocess.run(
        [sys.executable, "-m", "pubenrich", "fetch", "25211170", "--replay", SEEDS_REPLAY],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env(tmp_path, XDG_CACHE_HOME=str(cache_home)),
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert not (cache_home / "pubenrich" / "cache.sqlite3").exists()


# ------------------------------------------------------------------ 5. no network


def test_no_network_fails_fast_in_one_line_naming_the_cause(tmp_path: Path) -> None:
    """NCBI unreachable (a refused proxy): exit 2 within seconds, one line with the cause."""
    # How fast: benchmarks/bench_no_network.py (timed tests flake on a loaded machine).
    done = run("fetch", "25211170", "--no-cache", home=tmp_path)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1, done.stderr
    assert "cannot reach NCBI" in done.stderr
    assert "refused" in done.stderr
    assert len(done.stderr) < 200


def test_enrich_seeds_example_without_network_fails_and_keeps_good_output(tmp_path: Path) -> None:
    """The example exits non-zero when nothing was enriched and leaves the old output be."""
    out = tmp_path / "enriched.jsonl"
    out.write_text("good output\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "enrich_seeds.py"), "--out", str(out)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env(tmp_path),
        timeout=120,
        check=False,
    )
    assert done.returncode != 0
    assert out.read_text(encoding="utf-8") == "good output\n"
    assert "Traceback" not in done.stderr


# ------------------------------------------------------------------ 6. replay by ids


def test_fetch_replay_answers_each_id_it_holds_and_reports_the_others(tmp_path: Path) -> None:
    """A smaller, reordered set than the recorded batch, an unknown id and a bad one."""
    done = run("fetch", "27888550", "12345", "abc", "25211170",
               "--replay", SEEDS_REPLAY, home=tmp_path)  # fmt: skip
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert [r["status"] for r in rows] == ["found", "error", "invalid", "found"]
    assert "not in the replay file" in rows[1]["error"]
    assert [rows[0]["record"]["pmid"], rows[3]["record"]["pmid"]] == ["27888550", "25211170"]
    assert done.returncode == 1


def test_convert_replay_answers_per_id(tmp_path: Path) -> None:
    """An id the replay file holds is answered; one it does not is reported, per id."""
    done = run("convert", "PMC4206665", "10.1002/stem.2551", "--replay", REFS_REPLAY,
               home=tmp_path)  # fmt: skip
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert [r["status"] for r in rows] == ["error", "not_in_pmc"]
    assert "not in the replay file" in rows[0]["error"]


# ------------------------------------------------------------------ 7. input handling


def test_ids_separated_by_spaces_or_commas_are_read_apart(tmp_path: Path) -> None:
    """`echo "25211170 27888550" | pubenrich fetch` reads two ids."""
    done = run("fetch", "--replay", SEEDS_REPLAY, home=tmp_path,
               stdin="25211170 27888550,33397585\n")  # fmt: skip
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert [r["input"] for r in rows] == ["25211170", "27888550", "33397585"]
    assert [r["status"] for r in rows] == ["found"] * 3


def test_a_binary_file_is_refused(tmp_path: Path) -> None:
    """`pubenrich enrich /bin/ls`-like input is one clear line and exit 2, nothing echoed."""
    binary = tmp_path / "program"
    binary.write_bytes(b"\x7fELF\x02\x01\x01\x00\x00\x00PMID: 25211170\x00\x00")
    done = run("enrich", str(binary), "--no-cache", home=tmp_path)
    assert done.returncode == 2
    assert "binary file" in done.stderr
    assert done.stdout == ""


def test_offline_enrich_of_an_uncached_pmid_is_an_offline_miss_that_keeps_it(
    tmp_path: Path,
) -> None:
    """`--offline` with nothing cached: status offline_miss, the PMID read kept, exit 1."""
    page = tmp_path / "page.txt"
    page.write_text("Sepsis definitions revisited. PMID: 25211170\n", encoding="utf-8")
    cache = tmp_path / "empty.sqlite3"
    done = run("enrich", str(page), "--offline", "--cache", str(cache), "--format", "jsonl",
               home=tmp_path)  # fmt: skip
    (row,) = [json.loads(line) for line in done.stdout.splitlines()]
    assert (row["status"], row["pmid"]) == ("offline_miss", "25211170")
    assert "OfflineMiss" in row["error"]
    assert done.returncode == 1


# ------------------------------------------------------------------ 8. help


def test_help_states_defaults_and_gives_examples(tmp_path: Path) -> None:
    """Each subcommand's --help names its defaults and shows an example."""
    enrich = run("enrich", "--help", home=tmp_path).stdout
    flat = "".join(enrich.split())  # argparse wraps lines (and paths, at hyphens) as it likes
    assert "(default:jsonl)" in flat
    assert "cache.sqlite3" in flat
    assert "hand-built" in flat
    assert "example" in enrich
    for command in ("extract", "fetch", "convert", "cache"):
        assert "example" in run(command, "--help", home=tmp_path).stdout
    cache = run("cache", "--help", home=tmp_path).stdout
    assert "prune  remove expired entries" in cache
