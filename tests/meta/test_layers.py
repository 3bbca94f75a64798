"""The architecture stays true: the package tree is the layer map.

A module's layer is read from its folder, so the tree and this check cannot disagree. A module
imports only from its own layer or below, and each foreign library stays behind the modules that
own it.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "pubenrich"

# L0 pure values, text and file formats; L1 the wire and storage; L2 work; L3 edges.
# Top-level modules are the foundation every layer may use (errors, config, closing, secrets),
# except the package's own front door and ``python -m``.
FOLDER_LAYERS: dict[str, int] = {
    "model": 0,
    "text": 0,
    "formats": 0,
    "ncbi": 1,
    "cache": 1,
    "services": 2,
    "mirror": 2,
    "cli": 3,
    "testing": 3,
}
TOP_LEVEL_EDGES = {"__init__", "__main__"}
PURE_LAYER = 0

# Foreign modules allowed only below the listed places (a folder or a module's dotted name).
OWNERS: dict[str, set[str]] = {
    "requests": {"ncbi.transport", "testing"},
    "responses": {"testing"},
    "tenacity": {"ncbi.retry"},
    "sqlite3": {"cache", "mirror.store"},
    "orjson": {"cache", "mirror"},
    "Bio": {"formats.medline"},
    "socket": {"testing"},
    "http.server": {"testing"},
    "urllib.request": set(),
    # the optional bulk extra: imported lazily, and only by the mirror's build
    "dask": {"mirror"},
    "distributed": {"mirror"},
    "pyarrow": {"mirror"},
}

# What the pure layer may not import: it touches no network, no disk and no process.
IMPURE = ("requests", "responses", "socket", "sqlite3", "http", "urllib.request", "subprocess")


def _module_name(path: Path) -> str:
    name = path.relative_to(PACKAGE).with_suffix("").as_posix().replace("/", ".")
    return name.removesuffix(".__init__")


def layer_of(module: str) -> int:
    """The layer of a module (or of a name in it), dotted below ``pubenrich``: its folder's."""
    head = module.partition(".")[0]
    if head in FOLDER_LAYERS:
        return FOLDER_LAYERS[head]
    if (PACKAGE / f"{head}.py").exists() and head not in TOP_LEVEL_EDGES:
        return 0
    return 3  # the front door: ``from pubenrich import X`` inside the package reaches __init__


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.append(node.module)
            if node.module.startswith("pubenrich"):
                found.extend(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            raise AssertionError(f"{path}: use absolute imports inside pubenrich")
    return found


def _inner(target: str) -> str | None:
    """``pubenrich.a.b`` -> ``a.b``; a name imported from a package counts as its package."""
    if not target.startswith("pubenrich."):
        return None
    return target.removeprefix("pubenrich.")


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def test_every_folder_is_a_layer() -> None:
    """A new folder must be given a layer on purpose."""
    folders = {p.parent.relative_to(PACKAGE).parts[0] for p in _modules() if p.parent != PACKAGE}
    assert folders - FOLDER_LAYERS.keys() == set()


def test_layer_is_read_from_the_folder() -> None:
    """The check itself: folders give layers, top-level modules are the foundation."""
    assert layer_of("model.records") == 0
    assert layer_of("ncbi.client") == 1
    assert layer_of("services.resolve.scoring") == 2
    assert layer_of("cli.main") == 3
    assert layer_of("errors") == 0
    assert layer_of("__init__") == 3
    assert layer_of("Config") == 3  # ``from pubenrich import Config`` goes through the front door


def test_modules_import_only_downward() -> None:
    """No module imports from a layer above its own."""
    violations = []
    for path in _modules():
        source = _module_name(path)
        source_layer = layer_of(source)
        for target in filter(None, map(_inner, _imports(path))):
            if target == "__version__":
                continue  # a constant, read by the CLI's --version
            target_layer = layer_of(target)
            if target_layer > source_layer:
                violations.append(
                    f"pubenrich.{source} imports pubenrich.{target} "
                    f"(L{source_layer} -> L{target_layer})"
                )
    assert violations == []


def _owned_by(module: str, owners: set[str]) -> bool:
    return any(module == owner or module.startswith(owner + ".") for owner in owners)


def test_foreign_libraries_stay_behind_their_owner() -> None:
    """requests, tenacity, sqlite3 and biopython are each used behind one owner."""
    violations = []
    for path in _modules():
        source = _module_name(path)
        for target in _imports(path):
            for foreign, owners in OWNERS.items():
                is_foreign = target == foreign or target.startswith(foreign + ".")
                if is_foreign and not _owned_by(source, owners):
                    violations.append(f"pubenrich.{source} imports {target}")
    assert violations == []


def test_pure_layer_touches_no_network_or_disk_library() -> None:
    """model/, text/ and formats/ import nothing that talks to the network, disk or processes."""
    violations = []
    for path in _modules():
        source = _module_name(path)
        if layer_of(source) != PURE_LAYER or "." not in source:
            continue
        for target in _imports(path):
            if any(target == bad or target.startswith(bad + ".") for bad in IMPURE):
                violations.append(f"pubenrich.{source} imports {target}")
    assert violations == []
