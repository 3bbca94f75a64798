"""Packaging promises: typed, and the seeds are the untouched originals."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pubenrich

REPO = Path(__file__).resolve().parents[2]


def test_package_ships_py_typed() -> None:
    """Users' type checkers see pubenrich's annotations."""
    assert (Path(pubenrich.__file__).parent / "py.typed").is_file()


def test_seeds_are_byte_identical_to_shared(shared_dir: Path) -> None:
    """seeds/ holds the three original documents unchanged."""
    ours = sorted(p.name for p in (REPO / "seeds").iterdir())
    theirs = sorted(p.name for p in (shared_dir / "seeds").iterdir())
    assert ours == theirs
    for name in ours:
        digest = hashlib.sha256((REPO / "seeds" / name).read_bytes()).hexdigest()
        assert digest == hashlib.sha256((shared_dir / "seeds" / name).read_bytes()).hexdigest()
