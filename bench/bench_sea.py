"""Benchmark planner.sea_route against searoute 1.6 (the benchmark peer; needs
``pip install searoute``). Run: ``python bench/bench_sea.py``."""

from __future__ import annotations

import json
import statistics
import time
from importlib import resources

import numpy as np
import searoute

from planner.catalogue import facilities
from planner.sea import clear_caches, sea_route

SEED = 20260101
N_PAIRS = 500
PUBLISHED = [  # (origin lat,lon, destination lat,lon, avoid, nm, source)
    ((68.97, 33.06), (35.44, 139.64), (), 5770, "Valdai Club: Murmansk-Yokohama via NSR"),
    ((68.97, 33.06), (35.44, 139.64), ("nsr",), 12840, "Valdai Club: Murmansk-Yokohama via Suez"),
]


def sample_places(rng: np.random.Generator) -> list[tuple[float, float]]:
    ports = json.loads((resources.files("searoute") / "data" / "ports.geojson").read_text())
    pts = [(f["geometry"]["coordinates"][1], f["geometry"]["coordinates"][0])
           for f in ports["features"]]
    picked = [pts[i] for i in rng.choice(len(pts), size=300, replace=False)]
    cat = facilities(kind="port")
    return picked + list(zip(cat["lat"], cat["lon"], strict=True))


def main() -> None:
    rng = np.random.default_rng(SEED)
    places = sample_places(rng)
    pairs = [tuple(rng.choice(len(places), 2, replace=False)) for _ in range(N_PAIRS)]
    pairs = [(places[i], places[j]) for i, j in pairs]

    for a, b in pairs:  # warm: load data, snap every place
        sea_route(a, b)
    searoute.searoute(pairs[0][0][::-1], pairs[0][1][::-1])

    ours, theirs, diffs = [], [], []
    for a, b in pairs:
        clear_caches_of_routes_only()
        t0 = time.perf_counter()
        r = sea_route(a, b)
        ours.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        f = searoute.searoute(list(a[::-1]), list(b[::-1]), units="naut")
        theirs.append(time.perf_counter() - t0)
        if f.properties["length"] > 0:
            diffs.append(r.distance_nm / f.properties["length"] - 1)
    mo, mt = statistics.median(ours), statistics.median(theirs)
    print(f"median per route: planner {mo * 1e3:.2f} ms, searoute {mt * 1e3:.2f} ms, "
          f"ratio {mt / mo:.1f}x")
    print(f"distance vs searoute: median {np.median(diffs) * 100:+.1f} %, "
          f"90th pct |diff| {np.percentile(np.abs(diffs), 90) * 100:.1f} %")

    for a, b, avoid, nm, source in PUBLISHED:
        r = sea_route(a, b, avoid=avoid)
        # searoute's default restriction (its Chukchi edges are labelled "northwest"), so its
        # NSR figure shows the known gap: it cannot route the NSR at all
        f = searoute.searoute(list(a[::-1]), list(b[::-1]), units="naut")
        print(f"{source}: published {nm} nm | planner {r.distance_nm:.0f} nm "
              f"({(r.distance_nm / nm - 1) * 100:+.1f} %) | searoute "
              f"{f.properties['length']:.0f} nm ({(f.properties['length'] / nm - 1) * 100:+.1f} %)")

    cat = list(facilities(kind="port").index)
    plan_places = (cat + [p for p in places[:60]])[:60]
    legs = rng.integers(0, len(plan_places), size=(10_000, 2))
    clear_caches()
    t0 = time.perf_counter()
    for i, j in legs:
        if i != j:
            sea_route(plan_places[i], plan_places[j])
    print(f"plan of 10k legs over 60 places (cold route caches): "
          f"{time.perf_counter() - t0:.2f} s")


def clear_caches_of_routes_only() -> None:
    """Forget whole-route results but keep shortest-path trees (a warm router)."""
    from planner import sea

    sea._sea_route_cached.cache_clear()


if __name__ == "__main__":
    main()
