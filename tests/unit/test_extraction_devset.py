"""The extractor against the hand-labelled development cases of ../shared/extraction-dev.

Scoring follows that folder's README: DOIs compare case-insensitively after percent-decoding
and HTML-unescaping, ``ambiguous`` cases are skipped, ``optional`` answers are neither required
nor counted as false positives."""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest

from pubenrich.text.extract import extract

Key = tuple[str, str]


def _key(kind: str, value: str) -> Key:
    if kind == "doi":
        return kind, unquote(html.unescape(value)).lower().rstrip(".,;")
    return kind, value


def _answers(table: dict[str, list[str]] | None) -> set[Key]:
    return {_key(kind, value) for kind, values in (table or {}).items() for value in values}


def _cases(shared_dir: Path) -> list[dict[str, Any]]:
    path = shared_dir / "extraction-dev" / "cases.jsonl"
    if not path.is_file():
        pytest.skip("no extraction development set in ../shared")
    lines = path.read_text(encoding="utf-8").splitlines()
    cases = [json.loads(line) for line in lines if line.strip()]
    return [case for case in cases if not case.get("ambiguous")]


def _score(case: dict[str, Any]) -> tuple[set[Key], set[Key]]:
    """(false positives, false negatives) of one case."""
    expected = _answers(case["expected"])
    optional = _answers(case.get("optional"))
    # An optional answer equal to an expected one (after unescaping) is still required.
    found = {_key(m.kind, m.value) for m in extract(case["text"])} - (optional - expected)
    return found - expected, expected - found


def test_devset_f1_at_least_098(shared_dir: Path) -> None:
    """Micro-averaged F1 over all identifiers of the development set is 0.98 or more."""
    tp = fp = fn = 0
    misses: list[str] = []
    for case in _cases(shared_dir):
        false_pos, false_neg = _score(case)
        expected = _answers(case["expected"])
        tp += len(expected) - len(false_neg)
        fp += len(false_pos)
        fn += len(false_neg)
        if false_pos or false_neg:
            misses.append(f"{case['id']}: +{sorted(false_pos)} -{sorted(false_neg)}")
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    assert f1 >= 0.98, f"P={precision:.3f} R={recall:.3f} F1={f1:.3f}; " + "; ".join(misses)


def test_devset_traps_give_no_false_positives(shared_dir: Path) -> None:
    """Cases tagged as traps yield nothing beyond their expected identifiers."""
    wrong = {}
    for case in _cases(shared_dir):
        if any("trap" in tag for tag in case["tags"]):
            false_pos, _ = _score(case)
            if false_pos:
                wrong[case["id"]] = sorted(false_pos)
    assert wrong == {}
