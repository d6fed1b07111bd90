"""The package layout (docs/ARCHITECTURE.md): stages import only downward, no import cycles
(function-level imports included), modules under 600 lines, every cache registered."""

from __future__ import annotations

import ast
import functools
import re
from pathlib import Path

PKG = Path(__file__).resolve().parents[1] / "planner"
STAGES = ("core", "layers", "model", "routing", "checks", "planning", "render", "api", "cli")


def _modules(pkg: Path = PKG) -> dict[str, Path]:
    mods = {}
    for f in pkg.rglob("*.py"):
        if "vendor" in f.parts:
            continue
        name = ".".join(f.relative_to(pkg.parent).with_suffix("").parts)
        mods[name.removesuffix(".__init__")] = f
    return mods


def _imports(mods: dict[str, Path]) -> dict[str, set[str]]:
    """Module -> planner modules it imports anywhere in its body (package faces excluded)."""
    faces = {m for m, f in mods.items() if f.name == "__init__.py"}
    graph = {}
    for m, f in mods.items():
        if m in faces:
            continue
        out = set()
        for node in ast.walk(ast.parse(f.read_text())):
            targets = []
            if isinstance(node, ast.ImportFrom) and node.module:
                base = node.module if not node.level else ".".join(
                    m.split(".")[: -node.level] + [node.module])
                targets = [base] + [f"{base}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            out |= {t for t in targets if t in mods and t not in faces and t != m}
        graph[m] = out
    return graph


def _stage(module: str) -> int:
    return STAGES.index(module.split(".")[1])


def test_no_upward_imports():
    graph = _imports(_modules())
    upward = [(a, b) for a, deps in graph.items() for b in deps if _stage(b) > _stage(a)]
    assert upward == []


def _cycles(graph: dict[str, set[str]]) -> list[tuple[str, str]]:
    @functools.cache
    def reach(a: str) -> frozenset[str]:
        seen: set[str] = set()
        todo = list(graph.get(a, ()))
        while todo:
            x = todo.pop()
            if x not in seen:
                seen.add(x)
                todo += graph.get(x, ())
        return frozenset(seen)

    return sorted({tuple(sorted((a, b))) for a in graph for b in graph[a] if a in reach(b)})


def test_no_import_cycles():
    assert _cycles(_imports(_modules())) == []


def test_the_detector_sees_a_planted_cycle(tmp_path):
    """Control: a cycle through a function-level import in a small package is found, and so
    is the upward import it makes."""
    pkg = tmp_path / "planner"
    (pkg / "model").mkdir(parents=True)
    (pkg / "checks").mkdir()
    for d in (pkg, pkg / "model", pkg / "checks"):
        (d / "__init__.py").write_text("")
    (pkg / "model" / "a.py").write_text("def f():\n    from planner.checks.b import g\n")
    (pkg / "checks" / "b.py").write_text("from planner.model.a import f\n")
    graph = _imports(_modules(pkg))
    assert _cycles(graph) == [("planner.checks.b", "planner.model.a")]
    assert "planner.checks.b" in graph["planner.model.a"]


def test_modules_under_600_lines():
    long = {m: n for m, f in _modules().items() if (n := len(f.read_text().splitlines())) > 600}
    assert long == {}


def test_every_cache_is_registered():
    """No bare functools.lru_cache/cache and no module-level dict used as a cache: every
    cache goes through planner.core.caches so clear_all() reaches it."""
    bare = []
    for m, f in _modules().items():
        if m == "planner.core.caches":
            continue
        text = f.read_text()
        if re.search(r"functools\.(lru_cache|cache)\b|^_CACHE\b|^_DEFAULT\b", text, re.M):
            bare.append(m)
    assert bare == []


def test_clear_all_empties_every_cache():
    from planner import sea_route
    from planner.core import caches

    sea_route("mumbai", "colombo")
    assert any(i.currsize for i in caches.info().values())
    caches.clear_all()
    assert all(i.currsize == 0 for i in caches.info().values())


def test_cached_routes_are_read_only():
    import numpy as np
    import pytest

    from planner import sea_route

    r = sea_route("mumbai", "colombo")
    with pytest.raises(ValueError):
        r.lons[0] = 0.0
    assert not r.cumulative_km().flags.writeable
    assert isinstance(r.lats, np.ndarray)
