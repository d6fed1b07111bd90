"""Benchmark: sovereign-area crossings for 10,000 air legs.

Legs join random pairs drawn from the catalogue's air bases and random points (seeded).
The indexed, vectorised path (``planner.air.geodesic_paths`` + ``planner.territory.
crossings_many``) is timed for all legs; the naive way (for each leg, ``intersects`` against
every country's sovereign polygon in a Python loop) is timed in the same run on a subsample
and extrapolated. The naive loop only answers *which* countries a leg touches, not where it
enters and leaves, so the comparison flatters it. The (leg, country) pairs of both must agree
on the subsample (asserted).

    python bench/bench_air.py [--legs 10000] [--naive 200] [--step-km 100]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import shapely

from planner.layers.catalogue import facilities
from planner.layers.geodesy import split_antimeridian
from planner.layers.territory import _index, crossings_many, load_territory
from planner.routing.air import STEP_KM, geodesic_paths


def random_legs(n: int, seed: int = 20260301) -> tuple[np.ndarray, ...]:
    """``n`` (lat1, lon1, lat2, lon2) pairs: half the ends are catalogue air bases, half random
    points between 60 S and 80 N."""
    rng = np.random.default_rng(seed)
    bases = facilities(kind="airbase")
    pool_lat = np.r_[bases["lat"].to_numpy(), rng.uniform(-60, 80, 200)]
    pool_lon = np.r_[bases["lon"].to_numpy(), rng.uniform(-180, 180, 200)]
    n_bases = len(bases)
    a = np.where(rng.random(n) < 0.5, rng.integers(0, n_bases, n),
                 rng.integers(0, len(pool_lat), n))
    b = rng.integers(0, len(pool_lat), n)
    b = np.where(a == b, (b + 1) % len(pool_lat), b)
    return pool_lat[a], pool_lon[a], pool_lat[b], pool_lon[b]


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--legs", type=int, default=10_000)
    ap.add_argument("--naive", type=int, default=200, help="legs in the naive subsample")
    ap.add_argument("--step-km", type=float, default=STEP_KM,
                    help="geodesic densification (planner.air uses STEP_KM)")
    args = ap.parse_args(argv)

    t = time.perf_counter()
    gdf = load_territory()
    t_load = time.perf_counter() - t
    t = time.perf_counter()
    _index()
    t_index = time.perf_counter() - t
    # one detour (moved here from tests/test_air.py: no wall-clock asserts in the suite)
    from planner.routing.air import air_route

    t = time.perf_counter()
    air_route("hindon", "chkalovsky", deny=["PAK", "AFG"])
    t_deny = time.perf_counter() - t

    lat1, lon1, lat2, lon2 = random_legs(args.legs)
    t = time.perf_counter()
    lons, lats, leg, cum_km = geodesic_paths(lat1, lon1, lat2, lon2, args.step_km,
                                           with_km=True)
    t_geo = time.perf_counter() - t
    t = time.perf_counter()
    table = crossings_many(lons, lats, leg, cum_km)
    t_cross = time.perf_counter() - t
    total = t_geo + t_cross

    # naive: per leg, loop over every country
    n_naive = min(args.naive, args.legs)
    geoms = list(gdf.geometry.values)
    starts = np.searchsorted(leg, np.arange(n_naive))
    ends = np.searchsorted(leg, np.arange(n_naive), side="right")
    t = time.perf_counter()
    iso = list(gdf["iso3"])
    naive_pairs = set()
    for i in range(n_naive):
        line = split_antimeridian(lons[starts[i]:ends[i]], lats[starts[i]:ends[i]])
        for g, code in zip(geoms, iso, strict=True):
            if shapely.intersects(g, line):
                naive_pairs.add((i, code))
    t_naive_sub = time.perf_counter() - t
    t_naive = t_naive_sub * args.legs / n_naive

    sub = table[table["leg"] < n_naive]
    indexed_pairs = set(zip(sub["leg"].astype(int), sub["iso3"], strict=True))
    print(f"territory layer: {len(gdf)} areas, load {t_load * 1000:.0f} ms, "
          f"crossing index build {t_index * 1000:.0f} ms (once per process)")
    print(f"air route hindon -> chkalovsky denying PAK, AFG (cold): {t_deny:.2f} s")
    print(f"{args.legs} legs, {len(lons)} vertices (geodesics densified every "
          f"{args.step_km:g} km)")
    print(f"  vectorised geodesics        {t_geo:7.2f} s")
    print(f"  indexed crossings           {t_cross:7.2f} s  ({len(table)} stays)")
    print(f"  total                       {total:7.2f} s  (target < 3 s)")
    print(f"naive loop over all countries, {n_naive} legs: {t_naive_sub:.2f} s, "
          f"extrapolated to {args.legs}: {t_naive:.1f} s")
    print(f"ratio naive / indexed: {t_naive / total:.0f}x")
    print(f"check on the subsample: (leg, country) pairs naive {len(naive_pairs)}, "
          f"indexed {len(indexed_pairs)}")
    assert naive_pairs == indexed_pairs, (
        f"naive only {sorted(naive_pairs - indexed_pairs)[:10]}, "
        f"indexed only {sorted(indexed_pairs - naive_pairs)[:10]}")


if __name__ == "__main__":
    main()
