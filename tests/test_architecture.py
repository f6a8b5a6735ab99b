"""The wings import one way (docs/architecture.md): every import of every module of `qa` and
`ui`, at the top or inside a function, is checked against what its wing may import, and the
module graph has no circle."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
# What each wing may import besides itself ("core" is the top-level modules of qa: settings,
# errors, data types, text analysis and the in-memory index).
MAY_IMPORT = {
    "core": set(),
    "encoder": {"core"},
    "ingest": {"core", "encoder"},
    "safety": {"core", "encoder"},
    "answering": {"core", "encoder", "safety"},
    "serving": {"core", "encoder", "ingest", "safety", "answering"},
    "evaluation": {"core", "encoder", "ingest", "safety", "answering", "serving"},
    "ui": {"core", "encoder", "ingest", "safety", "answering", "serving", "evaluation"},
}
# Serving reads the index folder (qa.ingest.store, qa.ingest.freshness) but never builds.
FORBIDDEN = {("serving", "qa.ingest.build")}


def module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {
        module_name(p): p
        for package in ("qa", "ui")
        for p in sorted((REPO / package).rglob("*.py"))
    }


def wing(module: str) -> str:
    parts = module.split(".")
    if parts[0] == "ui":
        return "ui"
    if len(parts) > 2 or (len(parts) == 2 and parts[1] in MAY_IMPORT):
        return parts[1] if parts[1] in MAY_IMPORT else "core"
    return "core"


def imports(path: Path, known: set[str]) -> Iterator[str]:
    """The project modules `path` imports (the longest known name of each import)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [f"{node.module}.{a.name}" for a in node.names] + [node.module]
        for name in names:
            while name and name not in known:
                name = name.rpartition(".")[0]
            if name and name.split(".")[0] in ("qa", "ui"):
                yield name


def graph() -> dict[str, set[str]]:
    found = modules()
    known = set(found)
    return {m: set(imports(p, known)) - {m} for m, p in found.items()}


def test_every_module_has_a_wing_and_every_wing_a_docstring_saying_what_it_may_import():
    for package in ("encoder", "ingest", "safety", "answering", "evaluation", "serving"):
        init = REPO / "qa" / package / "__init__.py"
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
        assert doc and "import" in doc, f"{init} needs a docstring saying what it may import"


@pytest.mark.parametrize("module", sorted(graph()))
def test_imports_run_one_way(module):
    arrows = graph()[module]
    own = wing(module)
    wrong = sorted(
        target
        for target in arrows
        if (wing(target) != own and wing(target) not in MAY_IMPORT[own])
        or any(own == w and target.startswith(t) for w, t in FORBIDDEN)
    )
    # The package faces (qa, ui) hand nothing on: importing them imports no wing.
    wrong = [t for t in wrong if t not in ("qa", "ui")]
    assert not wrong, f"{module} ({own}) may not import {wrong}"


def test_no_circle_in_the_module_graph():
    edges = graph()
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(edges.get(node, ())):
            if nxt in ("qa", "ui") or nxt.endswith(".__init__"):
                continue
            if state.get(nxt) == 1:
                circle = [*path[path.index(nxt):], nxt]
                raise AssertionError("import circle: " + " -> ".join(circle))
            if nxt not in state:
                visit(nxt)
        path.pop()
        state[node] = 2

    for module in sorted(edges):
        if module not in state:
            visit(module)
