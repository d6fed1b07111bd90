"""Benchmark: how long the planner takes to refuse hostile or oversized plan files.

The hardening tests (tests/test_hardening.py) check that these files are refused, with the
right message; the time each refusal takes is measured here instead of asserted there (a
shared machine makes wall-clock asserts flaky; issue 12). Peer in the same run: PyYAML's safe C
loader composing a small valid plan, the floor any YAML refusal pays.

    python bench/bench_refusals.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import yaml

from planner.model import yamlsource as ys
from planner.model.plan import Plan
from planner.model.problems import PlanError

SMALL = """name: small
assets:
  - id: a
    nation: RUS
    kind: warship
    crew: 200
    speed_kn: 14
    range_nm: 4000
    itinerary:
      - at: chennai
        depart: 2026-03-01T00:00Z
"""


def billion_laughs(levels: int, width: int = 9) -> str:
    lines = ["name: lol", "x0: &x0 [" + ", ".join(['"lol"'] * width) + "]"]
    for i in range(1, levels):
        lines.append(f"x{i}: &x{i} [" + ", ".join([f"*x{i - 1}"] * width) + "]")
    return "\n".join(lines) + "\n"


def cases(d: Path) -> list[tuple[str, Path]]:
    """(name, file) of every hostile file the hardening tests refuse."""
    out: list[tuple[str, Path]] = []

    def add(name: str, text: str) -> None:
        path = d / f"{name}.yaml"
        path.write_text(text, encoding="utf-8")
        out.append((name, path))

    for levels in (6, 9, 12):
        add(f"alias-bomb-{levels}", billion_laughs(levels))
    add("many-aliases", "name: x\na: &a 1\nb: [" + ", ".join(["*a"] * (ys.MAX_ALIASES + 1))
        + "]\n")
    add("recursive-alias", "name: x\nloop: &l [*l]\nassets: &s [{id: a, itinerary: *s}]\n")
    for depth in (ys.MAX_DEPTH + 5, 2_000, 200_000):
        add(f"deep-flow-list-{depth}", "name: x\nassets: " + "[" * depth + "]" * depth + "\n")
        add(f"deep-flow-map-{depth}",
            "name: x\nassets: " + "{a: " * depth + "1" + "}" * depth + "\n")
    add("deep-block-2000", "name: x\nassets:\n" + "".join("  " * i + "- \n"
                                                           for i in range(1, 2_000)))
    big = d / "oversized.yaml"
    with open(big, "wb") as fh:  # sparse: past the limit without writing 50 MB
        fh.write(b"name: big\n")
        fh.truncate(ys.MAX_PLAN_BYTES + 1)
    out.append(("oversized (stat)", big))
    return out


def best_of(repeat: int, fn: Callable[[], None]) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def refuse(path: Path) -> None:
    try:
        Plan.load(path)
    except PlanError:
        return
    raise SystemExit(f"{path} was not refused")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="relos-bench-") as tmp:
        d = Path(tmp)
        floor = best_of(args.repeat, lambda: yaml.compose(SMALL, Loader=yaml.CSafeLoader))
        print(f"{'file':<28} {'refused in':>12}")
        print(f"{'(peer) compose small plan':<28} {floor * 1e3:>9.2f} ms")
        for name, path in cases(d):
            t = best_of(args.repeat, lambda p=path: refuse(p))
            print(f"{name:<28} {t * 1e3:>9.2f} ms")
        big = d / "oversized.yaml"
        t0 = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "planner.cli", "check", str(big)],
                              capture_output=True, text=True)
        wall = time.perf_counter() - t0
        assert proc.returncode == 2, proc.stderr
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import planner.cli"], check=True)
        start = time.perf_counter() - t0
        print(f"{'relos check oversized (CLI)':<28} {wall * 1e3:>9.0f} ms  "
              f"(interpreter + import alone: {start * 1e3:.0f} ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
