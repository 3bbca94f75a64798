"""The architecture stays true: a module imports only from its own layer or below, and each
foreign library stays behind the one module that owns it."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "pubenrich"

# L0 pure core, L1 I/O, L2 orchestration, L3 edges. DEVELOPERS.md draws the same table.
LAYERS: dict[str, int] = {
    "closing": 0,
    "errors": 0,
    "identifiers": 0,
    "records": 0,
    "extract": 0,
    "cues": 0,
    "pubmed_xml": 0,
    "medline": 0,
    "replies": 0,
    "merge": 0,
    "scoring": 0,
    "inputs": 0,
    "export": 0,
    "config": 1,
    "transport": 1,
    "ratelimit": 1,
    "retry": 1,
    "cache": 1,
    "eutils": 1,
    "fetch": 2,
    "resolve": 2,
    "enricher": 2,
    "mirror": 2,
    "testing": 3,
    "cli": 3,
    "cli_mirror": 3,
    "__main__": 3,
    "__init__": 3,
}

# Foreign modules allowed only in the listed pubenrich modules.
OWNERS: dict[str, set[str]] = {
    "requests": {"transport", "testing"},
    "responses": {"testing"},
    "tenacity": {"retry"},
    "sqlite3": {"cache", "mirror"},
    "orjson": {"cache", "mirror"},
    "Bio": {"medline"},
    "socket": {"testing"},
    "http.server": {"testing"},
    "urllib.request": set(),
    # the optional bulk extra: imported lazily, and only by the mirror's build
    "dask": {"mirror"},
    "distributed": {"mirror"},
    "pyarrow": {"mirror"},
}


def _module_name(path: Path) -> str:
    return path.relative_to(PACKAGE).with_suffix("").as_posix().replace("/", ".")


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative import inside the package
                base = node.module or ""
                if base:
                    found.append("pubenrich." + base)
                else:
                    found.extend("pubenrich." + alias.name for alias in node.names)
            elif node.module:
                found.append(node.module)
                if node.module == "pubenrich":
                    found.extend("pubenrich." + alias.name for alias in node.names)
    return found


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def test_every_module_has_a_layer() -> None:
    """A new module must be placed in the layer table on purpose."""
    unknown = [m for m in map(_module_name, _modules()) if m.split(".")[0] not in LAYERS]
    assert unknown == [], f"add these modules to LAYERS: {unknown}"


def test_modules_import_only_downward() -> None:
    """No module imports from a layer above its own."""
    violations = []
    for path in _modules():
        source = _module_name(path)
        source_layer = LAYERS[source.split(".")[0]]
        for target in _imports(path):
            if not target.startswith("pubenrich."):
                continue
            target_mod = target.split(".")[1]
            target_layer = LAYERS.get(target_mod)
            if target_layer is not None and target_layer > source_layer:
                violations.append(
                    f"pubenrich.{source} imports pubenrich.{target_mod} "
                    f"(L{source_layer} -> L{target_layer})"
                )
    assert violations == []


def test_foreign_libraries_stay_behind_their_owner() -> None:
    """requests, tenacity, sqlite3 and biopython are each used by one module only."""
    violations = []
    for path in _modules():
        source = _module_name(path).split(".")[0]
        for target in _imports(path):
            for foreign, owners in OWNERS.items():
                if (target == foreign or target.startswith(foreign + ".")) and (
                    source not in owners
                ):
                    violations.append(f"pubenrich.{source} imports {target}")
    assert violations == []
