"""examples/references_to_bibtex.py, run offline from its recording (tests/fixtures/rerecord.py)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import bibtexparser
import pytest
from bibtexparser import middlewares

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "references_to_bibtex.py"
REFERENCES = ROOT / "examples" / "data" / "references.txt"


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(EXAMPLE), *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        cwd=cwd,
        env={"PYTHONPATH": str(ROOT), "PATH": ""},
    )


def seed_pmids_by_title() -> dict[str, str]:
    """Seed 002 lists each related paper as 'Title.Journal ... PMID: n': read it by regex."""
    (seed,) = (ROOT / "seeds").glob("002_*.txt")
    pairs = {}
    for line in seed.read_text(encoding="utf-8").splitlines():
        found = re.match(r"(.+?[.?])(?=[A-Z][a-z]).*PMID: (\d+)", line)
        if found:
            pairs[found.group(1).rstrip(".").lower()] = found.group(2)
    return pairs


@pytest.fixture(scope="module")
def ran(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], str]:
    folder = tmp_path_factory.mktemp("bib")
    result = run("--replay", "-o", "refs.bib", cwd=folder)
    return result, (folder / "refs.bib").read_text(encoding="utf-8")


def test_every_reference_is_accounted_for_in_order(
    ran: tuple[subprocess.CompletedProcess[str], str],
) -> None:
    """Nine references come back with a PMID, the software entry says it was not resolved."""
    result, _ = ran
    assert result.returncode == 1, result.stderr  # one reference not resolved
    lines = result.stdout.splitlines()
    assert [line.split("]")[0] for line in lines[:10]] == [f"[{n}" for n in range(1, 11)]
    assert lines[9] == "[10] not resolved: not_found"
    assert lines[-1] == "wrote 9 of 10 references to refs.bib"


def test_bib_entries_carry_the_pmid_the_seed_pairs_with_each_title(
    ran: tuple[subprocess.CompletedProcess[str], str],
) -> None:
    """bibtexparser reads nine entries, in list order, each with its title's PMID and no error."""
    _, bib = ran
    library = bibtexparser.parse_string(
        bib, append_middleware=[middlewares.LatexDecodingMiddleware()]
    )
    assert library.failed_blocks == []
    expected = seed_pmids_by_title()
    listed = REFERENCES.read_text(encoding="utf-8").splitlines()
    got = [(e.fields_dict["title"].value, e.fields_dict["pmid"].value) for e in library.entries]
    assert len(got) == 9
    for line, (title, pmid) in zip(listed, got, strict=False):
        assert title.lower() in line.lower()
        assert expected[title.lower()] == pmid
    assert library.entries[0].fields_dict["doi"].value == "10.1002/stem.2551"


def test_unresolved_reference_is_a_comment_in_the_bib(
    ran: tuple[subprocess.CompletedProcess[str], str],
) -> None:
    """The .bib says which reference is missing and why, so it is never silently partial."""
    _, bib = ran
    assert "@comment{reference 10 not resolved (not_found): 10. R Core Team." in bib


def test_help_explains_replay(tmp_path: Path) -> None:
    """--help exits 0 and names --replay and the output option."""
    result = run("--help", cwd=tmp_path)
    assert result.returncode == 0
    assert "--replay" in result.stdout
    assert "--out" in result.stdout
