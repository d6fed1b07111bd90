"""Benchmark: ``relos resolve`` on a plan of 100 assets and 1,000 calls (target: under 10 s).

The plan: 50 Russian warships calling at Indian ports and 50 Indian warships calling at Russian
ones, ten calls each (home port, four host ports, back home, four more), stays of 2-6 days, first
departures drawn over 1,500 days of the agreement's term, so that the cap of 5 warships is
exceeded in a few places (``--spread-days 1000`` crowds it: about 11 cap findings).
Timed: the first check (routing every leg and every check, which resolve needs too), then
resolve itself (timeline, mixed-integer programme, writing the fixed
plan's objects, and checking the fixed plan again).

    python bench/bench_resolve.py [--assets 100] [--seed 3]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import time

from planner import Plan
from planner.planning.resolve import resolve_plan

HOME = {"RUS": "vladivostok", "IND": "mumbai"}
HOST_PORTS = {"RUS": ["visakhapatnam", "kochi", "chennai", "karwar", "port-blair"],
              "IND": ["vladivostok", "petropavlovsk-kamchatsky", "murmansk", "severomorsk",
                      "arkhangelsk"]}


def make_plan(n_assets: int = 100, seed: int = 3, spread_days: int = 1500) -> dict:
    """The benchmark plan as a dict (10 calls per asset, first departures spread over
    ``spread_days``)."""
    rng = random.Random(seed)
    t0 = dt.datetime(2026, 2, 1, tzinfo=dt.UTC)
    assets = []
    for a in range(n_assets):
        nation = "RUS" if a % 2 == 0 else "IND"
        home = HOME[nation]
        ports = HOST_PORTS[nation]
        t = t0 + dt.timedelta(days=rng.randrange(0, spread_days))
        itin = [{"at": home, "depart": t.strftime("%Y-%m-%dT%H:%MZ")}]
        for _ in range(2):
            stops = rng.sample(ports, 4)
            for p in stops:
                itin.append({"at": p, "purpose": "exercise", "stay_h": rng.randrange(48, 144)})
            itin.append({"at": home, "stay_h": rng.randrange(24, 96)})
        assets.append({"id": f"{nation.lower()}-{a:03d}", "name": f"ship {a}", "nation": nation,
                       "kind": "warship", "crew": rng.choice([100, 200, 300]), "speed_kn": 14,
                       "range_nm": 10000, "itinerary": itin[:10]})
    return {"name": "resolve benchmark", "horizon_end": "2027-12-31", "assets": assets}


def with_times(data: dict, plan: Plan) -> dict:
    """Give every call an arrival (its computed one, delayed by a little slack) and a
    departure, so the plan is a fully timed one like a staff would write."""
    calls = plan.schedule().calls
    out = {**data, "assets": []}
    for a in data["assets"]:
        rows = calls[calls["asset"] == a["id"]].sort_values("seq")
        itin = []
        shift = dt.timedelta(0)
        for call, row in zip(a["itinerary"], rows.itertuples(index=False), strict=True):
            c = {k: v for k, v in call.items() if k != "stay_h"}
            if "stay_h" in call:
                arrive = row.arrive.to_pydatetime() + shift
                c["arrive"] = arrive.strftime("%Y-%m-%dT%H:%MZ")
                c["depart"] = (arrive + dt.timedelta(hours=call["stay_h"])).strftime(
                    "%Y-%m-%dT%H:%MZ")
                shift += dt.timedelta(hours=call["stay_h"] + 12)
            itin.append(c)
        out["assets"].append({**a, "itinerary": itin})
    return out


def build(n_assets: int, seed: int, spread_days: int = 1500) -> Plan:
    """The timed benchmark plan."""
    data = make_plan(n_assets, seed, spread_days)
    untimed = {**data, "assets": [
        {**a, "itinerary": [{k: v for k, v in c.items() if k != "stay_h"} for c in
                            a["itinerary"]]} for a in data["assets"]]}
    # the stays' lengths are added on the way: route once with zero-length stops
    draft = Plan.from_dict(untimed)
    return Plan.from_dict(with_times(data, draft))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--assets", type=int, default=100)
    ap.add_argument("--seed", type=int, default=3)
    ap.add_argument("--max-shift-days", type=float, default=10)
    ap.add_argument("--spread-days", type=int, default=1500,
                    help="first departures drawn over this many days (fewer: more crowded)")
    args = ap.parse_args()
    plan = build(args.assets, args.seed, args.spread_days)
    n_calls = sum(len(a.itinerary) for a in plan.assets)
    t = time.perf_counter()
    report = plan.check()
    t_check = time.perf_counter() - t
    caps = [f for f in report.finding_list if f.code.startswith("CAP_")]
    t = time.perf_counter()
    res = resolve_plan(plan, max_shift_days=args.max_shift_days)
    t_resolve = time.perf_counter() - t
    print(f"{len(plan.assets)} assets, {n_calls} calls, {len(caps)} CAP findings "
          f"({', '.join(sorted({f.code for f in caps}))})")
    print(f"first check (routing + every check): {t_check:.2f} s")
    print(f"resolve: {t_resolve:.2f} s -> {res.status}, {len(res.changes)} times moved, "
          f"{res.shift_h:,.1f} h in total, optimal={res.optimal}, {res.rounds} solve(s), "
          f"{res.binaries} binaries, {res.cap_rows} cap rows")
    print(f"check + resolve: {t_check + t_resolve:.2f} s (target < 10 s)")
    for n in res.notes:
        print("note:", n)
    for r in res.reasons:
        print("blocked:", r)


if __name__ == "__main__":
    main()
