"""Every code block of the README runs as written (issue 20, item 8).

Python blocks run in order in one namespace, as a reader pastes them into one session, in a
subprocess with NCBI's answers served from the hand-built seeds replay file (any question it
does not hold comes back as a per-record error, not an exception) and a throwaway home folder
for the cache. Shell blocks run command by command with this interpreter standing in for the
fresh virtual environment; the set-up steps (``python3 -m venv``, ``pip install``) and the
test suite itself (which is running now) are the only commands left out.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
_BLOCK = re.compile(r"^```(\w+)\n(.*?)^```", re.S | re.M)
_SKIPPED = ("python3 -m venv", "pip install", "-m pytest")


def blocks(language: str) -> list[str]:
    return [body for lang, body in _BLOCK.findall(README.read_text()) if lang == language]


def env(home: Path) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("NCBI_")}
    return {**base, "PYTHONPATH": str(ROOT), "HOME": str(home), "XDG_CACHE_HOME": ""}


def shell_commands() -> list[str]:
    """Each command of the README's shell blocks, continuation lines joined."""
    commands: list[str] = []
    for body in blocks("bash"):
        text = body.replace("\\\n", " ")
        for line in text.splitlines():
            code = line.split("#", 1)[0]
            commands.extend(part.strip() for part in code.split("&&") if part.strip())
    return commands


def test_the_readme_has_blocks_of_both_kinds() -> None:
    """A guard: the block pattern still finds the README's examples."""
    assert len(blocks("python")) >= 3
    assert any("--format bibtex" in c for c in shell_commands())


def test_python_blocks_run_as_written(tmp_path: Path) -> None:
    """The Python blocks, in order, in one namespace, raise nothing."""
    code = "\n\n".join(blocks("python"))
    wrapper = (
        "from pubenrich.testing.replay import replay\n"
        f"with replay({str(ROOT / 'tests/fixtures/replay/seeds.json')!r}):\n"
        f"    exec(compile({code!r}, 'README.md', 'exec'), {{}})\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", wrapper],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env(tmp_path),
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    "command", [c for c in shell_commands() if not any(s in c for s in _SKIPPED)]
)
def test_shell_commands_run_as_written(command: str, tmp_path: Path) -> None:
    """Each shell command runs from the repository's root (exit 0, or 1 when the command
    says some inputs fell short), with no traceback."""
    here = command.replace(".venv/bin/python", sys.executable)
    here = re.sub(r"^pubenrich ", f"{sys.executable} -m pubenrich ", here)
    here = here.replace("> references.bib", f"> {tmp_path / 'references.bib'}")
    # The seeds example writes its output where it runs: run it in tmp_path, not the clone.
    here = here.replace(" examples/enrich_seeds.py", f" {ROOT}/examples/enrich_seeds.py")
    done = subprocess.run(
        ["bash", "-c", here],
        capture_output=True,
        text=True,
        cwd=tmp_path if "enrich_seeds" in here else ROOT,
        env=env(tmp_path),
        timeout=180,
        check=False,
    )
    assert done.returncode in (0, 1), done.stderr
    assert "Traceback" not in done.stderr
    if "--format bibtex" in command:
        bib = (tmp_path / "references.bib").read_text(encoding="utf-8")
        assert bib.count("\n@") + bib.startswith("@") == 10
