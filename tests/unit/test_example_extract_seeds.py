"""The seeds example runs as a newcomer would run it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "extract_seeds.py"


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(EXAMPLE), *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
        cwd=EXAMPLE.parent.parent,
        env={"PYTHONPATH": str(EXAMPLE.parent.parent), "PATH": ""},
    )


def test_help_describes_the_example() -> None:
    """--help exits 0 and names what the example prints."""
    result = _run("--help")
    assert result.returncode == 0
    assert "citations" in result.stdout


def test_default_run_prints_every_seed() -> None:
    """Without arguments it reads seeds/ and prints each file with its citations."""
    result = _run()
    assert result.returncode == 0, result.stderr
    assert "002_" in result.stdout
    assert "PMID 25211170, PMCID PMC4206665, DOI 10.1097/ALN.0000000000000446" in result.stdout
    assert "Payushina" in result.stdout


def test_missing_file_is_reported() -> None:
    """A file that cannot be read is reported on stderr with exit status 1."""
    result = _run("no-such-file.txt")
    assert result.returncode == 1
    assert "cannot read" in result.stderr


def test_replay_is_accepted_like_every_examples() -> None:
    """The README says every example takes --replay; this one reads no network anyway."""
    result = _run("--replay")
    assert result.returncode == 0, result.stderr
    assert "002_" in result.stdout


def test_a_closed_pipe_ends_it_quietly() -> None:
    """`examples/extract_seeds.py | head -2` leaves no BrokenPipeError traceback."""
    # Far more output than a pipe buffers (64 KB), so writes meet the closed pipe mid-run.
    seeds = " ".join(str(p) for p in sorted((EXAMPLE.parents[1] / "seeds").glob("*.txt")) * 80)
    command = f"{sys.executable} {EXAMPLE} {seeds} | head -2"
    done = subprocess.run(
        ["bash", "-c", command],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
        env={"PYTHONPATH": str(EXAMPLE.parent.parent), "PATH": "/usr/bin:/bin"},
    )
    assert len(done.stdout.splitlines()) == 2
    assert "BrokenPipe" not in done.stderr
    assert "Traceback" not in done.stderr
