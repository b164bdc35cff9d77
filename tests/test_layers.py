"""The package reads as the pipeline: every import points down the layers, never up.

A module may import its own layer and those below it. Lazy imports inside functions count too:
they are how a layer would sneak a dependency on one above it.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "newsprism"
# Bottom first. Stages orchestrate the layers below them; show reads what the stages stored.
LAYERS = [
    {"articles", "progress", "engine", "encoders"},
    {"ingest"},
    {"understand"},
    {"store"},
    {"link"},
    {"crosscheck"},
    {"stories"},
    {"timeline"},
    {"stages"},
    {"pipeline"},
    {"watch"},  # polls feeds and folders, and runs the pipeline on what is new
    {"show"},
    {"web"},  # the web app reads the store through show's records
    {"training"},  # builds the understanding's models: a command, not part of a run
    {"api"},
    {"cli"},
]
RANK = {name: rank for rank, names in enumerate(LAYERS) for name in names}


def _layer(module: str) -> str:
    return module.split(".")[1] if module.count(".") else module


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        else:
            continue
        found |= {n for n in names if n.startswith("newsprism.")}
    return found


def test_every_module_has_a_layer() -> None:
    top = {p.stem if p.is_file() else p.name for p in PACKAGE.iterdir()}
    top -= {"__init__", "__pycache__", "py"}
    assert {t for t in top if not t.startswith(".")} - set(RANK) == set()


def test_imports_point_down_the_layers() -> None:
    upward = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE)
        if rel.name == "__init__.py" and len(rel.parts) == 1:
            continue
        layer = rel.parts[0].removesuffix(".py")
        for module in _imports(path):
            target = _layer(module)
            if target in RANK and RANK[target] > RANK[layer]:
                upward.append(f"{rel} imports {module}")
    assert upward == []


def test_only_show_web_api_and_cli_import_show() -> None:
    users = {
        str(p.relative_to(PACKAGE))
        for p in PACKAGE.rglob("*.py")
        if any(m.startswith("newsprism.show") for m in _imports(p))
    }
    assert {u for u in users if not u.startswith(("show/", "web/", "api.py", "cli/"))} == set()


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def test_no_private_name_is_imported_across_modules() -> None:
    """A name another module needs is part of its module's interface: it has a public name."""
    roots = [PACKAGE, PACKAGE.parents[1] / "tests", PACKAGE.parents[1] / "benchmarks"]
    private = []
    for path in sorted(p for root in roots for p in root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("newsprism"):
                private += [f"{path.name} imports {node.module}.{a.name}" for a in node.names
                            if a.name.startswith("_") and not a.name.startswith("__")]  # fmt: skip
    assert private == []


# A module this long must say in its docstring why it is one module.
MAX_LINES = 600
SAYS_WHY = "one module because"


def test_modules_are_short_or_say_why() -> None:
    long = []
    for path in _modules():
        text = path.read_text(encoding="utf-8")
        doc = ast.get_docstring(ast.parse(text)) or ""
        if text.count("\n") > MAX_LINES and SAYS_WHY not in doc:
            long.append(f"{path.relative_to(PACKAGE)}: {text.count(chr(10))} lines")
    assert long == []
