"""End to end: ``relos check`` as a user runs it, on generated plans of 1k, 10k and 100k calls.

The plan is the shape an analyst's study produces (issue 16): warships with 10 calls each at
six ports, every time given. Each size is written as CSV and as YAML; ``relos check PLAN
--format json`` runs as a separate process (interpreter start, imports, load, schedule,
checks, JSON to a file; its peak resident memory from ``wait4``), and beside it the floor
measured in the same run on the same file: ``pandas.read_csv`` (CSV) or PyYAML's C loader
(YAML), each also in a fresh process. The
growth from 10k to 100k calls should be near 10x (linear). With ``--repeat N`` each is run N
times and the median printed, with the spread of ``relos check`` (this machine is a shared
VM: one run can be 40 % off another). First it prints the start-up floor: a process that
only imports the core dependencies (pandas, geopandas, shapely, pyproj, scipy), which every
``relos`` run pays before reading a plan. The planner package is byte-compiled first, as
``pip install`` leaves it (see :func:`compile_package`).

    python bench/bench_e2e.py [--sizes 1000,10000,100000] [--formats csv,yaml] [--repeat 3]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

PORTS = ["chennai", "visakhapatnam", "mumbai", "kochi", "vladivostok", "severomorsk"]
CALLS_PER_ASSET = 10
HEADER = ("asset,nation,kind,crew,speed,speed_unit,range,range_unit,ice_class,seq,at,arrive,"
          "depart,purpose")


def plan_rows(n_calls: int, seed: int = 11) -> list[dict]:
    """Warships of both parties, 10 calls each, given arrive/depart times at six ports."""
    rng = random.Random(seed)
    t0 = dt.datetime(2026, 2, 1, tzinfo=dt.UTC)
    rows = []
    for a in range(max(1, n_calls // CALLS_PER_ASSET)):
        nation = "RUS" if a % 2 else "IND"
        t = t0 + dt.timedelta(hours=rng.randrange(0, 24 * 365 * 4))
        at = rng.choice(PORTS)
        for seq in range(CALLS_PER_ASSET):
            stay_h = rng.randrange(6, 96)
            rows.append({"asset": f"w{a}", "nation": nation, "seq": seq, "at": at,
                         "arrive": t, "depart": t + dt.timedelta(hours=stay_h)})
            nxt = rng.choice([p for p in PORTS if p != at])
            t = t + dt.timedelta(hours=stay_h + rng.randrange(24 * 20, 24 * 40))
            at = nxt
    return rows


def _fmt(t: dt.datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%MZ")


def write_csv(rows: list[dict], path: Path) -> None:
    with path.open("w") as fh:
        fh.write(HEADER + "\n")
        for r in rows:
            fh.write(f"{r['asset']},{r['nation']},warship,200,14,kn,6000,nm,none,{r['seq']},"
                     f"{r['at']},{_fmt(r['arrive'])},{_fmt(r['depart'])},exercise\n")


def write_yaml(rows: list[dict], path: Path) -> None:
    out = ["name: bench", "assets:"]
    last = None
    for r in rows:
        if r["asset"] != last:
            last = r["asset"]
            out += [f"  - id: {r['asset']}", f"    nation: {r['nation']}", "    kind: warship",
                    "    crew: 200", "    speed_kn: 14", "    range_nm: 6000",
                    "    itinerary:"]
        out += [f"      - at: {r['at']}", f"        arrive: {_fmt(r['arrive'])}",
                f"        depart: {_fmt(r['depart'])}", "        purpose: exercise"]
    path.write_text("\n".join(out) + "\n")


def _timed(cmd: list[str]) -> tuple[float, int]:
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - t0
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}): {proc.stderr[-2000:]}")
    return elapsed, proc.returncode


def run_check(path: Path, out: Path) -> tuple[float, float]:
    """``relos check PATH --format json > OUT`` as a process: (seconds, peak RSS in MB)."""
    cmd = [sys.executable, "-m", "planner.cli", "check", str(path), "--format", "json"]
    with out.open("w") as fh, tempfile.TemporaryFile("w+") as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=fh, stderr=err, text=True)
        _, status, usage = os.wait4(proc.pid, 0)
        took = time.perf_counter() - t0
        code = os.waitstatus_to_exitcode(status)
        err.seek(0)
        if code not in (0, 1):
            raise SystemExit(f"relos check failed: {err.read()[-2000:]}")
    return took, usage.ru_maxrss / 1024  # Linux: KiB


def floor_cmd(fmt: str, path: Path) -> list[str]:
    if fmt == "csv":
        code = f"import pandas as pd; pd.read_csv({str(path)!r})"
    else:
        code = (f"import yaml; yaml.load(open({str(path)!r}).read(), "
                "Loader=yaml.CSafeLoader)")
    return [sys.executable, "-c", code]


#: What every ``relos`` process imports before it reads a plan: the core dependencies.
STACK = "import pandas, geopandas, shapely, pyproj, scipy.sparse.csgraph, scipy.spatial"


def compile_package() -> None:
    """Byte-compile the planner package as ``pip install`` does for a wheel: with
    ``PYTHONDONTWRITEBYTECODE`` set (as on this machine) an editable install would otherwise
    compile every module again in each process (about 0.25 s a run)."""
    root = Path(__file__).resolve().parents[1] / "planner"
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(root)], check=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1000,10000,100000")
    ap.add_argument("--formats", default="csv,yaml")
    ap.add_argument("--repeat", type=int, default=1, help="runs of each; the median is shown")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    fmts = args.formats.split(",")
    assert yaml.__with_libyaml__, "PyYAML without its C loader: the YAML floor would be wrong"
    compile_package()
    stack = statistics.median(_timed([sys.executable, "-c", STACK])[0]
                              for _ in range(max(1, args.repeat)))
    print(f"start-up floor: a process importing the core dependencies takes {stack:.2f} s")
    print(f"{'format':6} {'calls':>8} {'relos check':>12} {'floor':>8} "
          f"{'ratio':>6} {'per call':>10} {'peak RSS':>10} {'JSON':>10} {'spread':>16}")
    results: dict[tuple[str, int], float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            rows = plan_rows(n)
            for fmt in fmts:
                path = Path(tmp) / f"plan_{n}.{fmt}"
                (write_csv if fmt == "csv" else write_yaml)(rows, path)
                out = Path(tmp) / f"out_{n}_{fmt}.json"
                floors, runs, peaks = [], [], []
                for _ in range(max(1, args.repeat)):
                    floors.append(_timed(floor_cmd(fmt, path))[0])
                    took, peak_mb = run_check(path, out)
                    runs.append(took)
                    peaks.append(peak_mb)
                floor, took = statistics.median(floors), statistics.median(runs)
                results[(fmt, n)] = took
                spread = f"{min(runs):.2f}-{max(runs):.2f} s" if len(runs) > 1 else ""
                print(f"{fmt:6} {len(rows):>8,} {took:>10.2f} s {floor:>6.2f} s "
                      f"{took / floor:>5.1f}x {took / len(rows) * 1e6:>8.0f} us "
                      f"{max(peaks):>7,.0f} MB {out.stat().st_size / 1e6:>7.1f} MB "
                      f"{spread:>16}", flush=True)
    for fmt in fmts:
        if (fmt, 10000) in results and (fmt, 100000) in results:
            growth = results[(fmt, 100000)] / results[(fmt, 10000)]
            print(f"{fmt}: 10k -> 100k calls grows {growth:.1f}x (10x is linear)")


if __name__ == "__main__":
    main()
