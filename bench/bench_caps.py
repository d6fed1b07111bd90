"""Benchmark: loading plans (CSV, YAML) and the cap check, at 1k, 10k and 100k calls.

Calls carry their own times, so the cap check needs no routing. Peers measured in the same
run: PyYAML's C loader alone (for YAML loading), pandas.read_csv alone (for CSV loading), and
a naive per-event-time recount (for the sweep, at the sizes where it finishes).

    python bench/bench_caps.py [--sizes 1000,10000,100000]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
import tempfile
import time
from pathlib import Path

import pandas as pd
import yaml

from planner.checks.presence import call_intervals, sweep
from planner.model.plan import Plan

PORTS = ["visakhapatnam", "mumbai", "kochi", "chennai", "karwar", "port-blair", "colombo",
         "singapore", "murmansk", "severomorsk", "vladivostok", "djibouti"]
CALLS_PER_ASSET = 10


def make_rows(n_calls: int, seed: int = 7) -> list[dict]:
    rng = random.Random(seed)
    t0 = dt.datetime(2026, 2, 1, tzinfo=dt.UTC)
    rows = []
    for a in range(n_calls // CALLS_PER_ASSET):
        nation = rng.choice(["RUS", "IND"])
        kind = rng.choice(["warship", "aircraft"])
        t = t0 + dt.timedelta(hours=rng.randrange(0, 24 * 365 * 4))
        for seq in range(CALLS_PER_ASSET):
            arrive = t
            depart = arrive + dt.timedelta(hours=rng.randrange(6, 96))
            rows.append({"asset": f"a{a}", "nation": nation, "kind": kind, "crew": 150,
                         "speed": 14 if kind == "warship" else 700,
                         "speed_unit": "kn" if kind == "warship" else "kmh",
                         "range": 4000, "range_unit": "nm" if kind == "warship" else "km",
                         "ice_class": "", "seq": seq, "at": rng.choice(PORTS),
                         "arrive": arrive.strftime("%Y-%m-%dT%H:%MZ"),
                         "depart": depart.strftime("%Y-%m-%dT%H:%MZ"), "purpose": "exercise"})
            t = depart + dt.timedelta(hours=rng.randrange(24, 400))
    return rows


def write_csv(rows, path: Path) -> None:
    with path.open("w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)


def write_yaml(rows, path: Path) -> None:
    assets: dict[str, dict] = {}
    for r in rows:
        a = assets.setdefault(r["asset"], {
            "id": r["asset"], "nation": r["nation"], "kind": r["kind"], "crew": r["crew"],
            ("speed_kn" if r["speed_unit"] == "kn" else "speed_kmh"): r["speed"],
            ("range_nm" if r["range_unit"] == "nm" else "range_km"): r["range"],
            "itinerary": []})
        a["itinerary"].append({"at": r["at"], "arrive": r["arrive"], "depart": r["depart"],
                               "purpose": r["purpose"]})
    doc = {"name": "bench", "assets": list(assets.values())}
    path.write_text(yaml.dump(doc, Dumper=yaml.CSafeDumper, sort_keys=False))


def timed(fn, *args):
    t = time.perf_counter()
    out = fn(*args)
    return time.perf_counter() - t, out


def naive_recount(intervals, caps) -> int:
    """The peer for the sweep: at every event time, count everyone present (O(n^2))."""
    ivs = list(intervals.itertuples(index=False))
    times = sorted({iv.start_us for iv in ivs} | {iv.end_us for iv in ivs})
    over = 0
    for t in times:
        for host in ("IND", "RUS"):
            here = [iv for iv in ivs if iv.host == host and iv.start_us <= t < iv.end_us]
            if sum(iv.warships for iv in here) > caps["warships"]:
                over += 1
    return over


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="1000,10000,100000")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"{'calls':>8} {'what':<28} {'seconds':>9} {'us/call':>9} {'peer':<22} "
          f"{'peer s':>8} {'ratio':>7}")
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            rows = make_rows(n)
            csv_path, yaml_path = Path(tmp, f"p{n}.csv"), Path(tmp, f"p{n}.yaml")
            write_csv(rows, csv_path)
            write_yaml(rows, yaml_path)
            t_csv, plan = timed(Plan.load, csv_path)
            t_pd, _ = timed(pd.read_csv, csv_path)
            print(f"{n:>8} {'load CSV':<28} {t_csv:>9.3f} {t_csv / n * 1e6:>9.1f} "
                  f"{'pandas.read_csv':<22} {t_pd:>8.3f} {t_csv / t_pd:>7.1f}")
            t_yaml, _ = timed(Plan.load, yaml_path)
            text = yaml_path.read_text()
            t_c, _ = timed(yaml.load, text, yaml.CSafeLoader)
            print(f"{n:>8} {'load YAML':<28} {t_yaml:>9.3f} {t_yaml / n * 1e6:>9.1f} "
                  f"{'PyYAML CSafeLoader':<22} {t_c:>8.3f} {t_yaml / t_c:>7.2f}")

            def cap_check(p=plan):
                sched = p.schedule()
                return sweep(call_intervals(p, sched), p.agreement)

            # the schedule (routing the legs between the 12 ports, cached per pair) is
            # timed apart from the cap check proper
            t_sched, _ = timed(plan.schedule)
            t_cap, res = timed(cap_check)
            ivs = call_intervals(plan, plan.schedule())
            if n <= 10000:
                t_naive, _ = timed(naive_recount, ivs, plan.agreement.caps)
                peer = f"{t_naive:>8.3f} {t_cap / t_naive:>7.3f}"
            else:
                peer = f"{'(skip)':>8} {'':>7}"
            print(f"{n:>8} {'schedule (routing, cached)':<28} {t_sched:>9.3f} "
                  f"{t_sched / n * 1e6:>9.1f}")
            print(f"{n:>8} {'cap check (sweep)':<28} {t_cap:>9.3f} {t_cap / n * 1e6:>9.1f} "
                  f"{'naive recount':<22} {peer}   findings={len(res.findings)}")


if __name__ == "__main__":
    main()
