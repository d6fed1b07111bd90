"""Benchmark planner.sea_route against searoute 1.6 (the benchmark peer; needs
``pip install searoute``). Run: ``python bench/bench_sea.py``."""

from __future__ import annotations

import json
import statistics
import time
from importlib import resources

import numpy as np
import searoute

from planner.core.caches import clear_all as clear_caches
from planner.layers.catalogue import facilities
from planner.routing.sea import sea_route

SEED = 20260101
N_PAIRS = 500
PUB151 = "NGA Pub. 151 (11th ed., 2001)"
BOMBAY, COLOMBO, COCHIN = "18.9333,72.85", "6.95,79.85", "9.9667,76.2556"  # Pub. 151 positions
VIZAG, VLADIVOSTOK, YOKOHAMA = "17.6833,83.2833", "43.1083,131.8833", "35.44,139.64"
PUBLISHED = [  # (origin, destination, avoid, nm, source): places as planner.resolve_place takes
    ("murmansk", YOKOHAMA, (), 5770, "Valdai Club: Murmansk-Yokohama via NSR"),
    ("murmansk", YOKOHAMA, ("nsr",), 12840, "Valdai Club: Murmansk-Yokohama via Suez"),
    (BOMBAY, COLOMBO, (), 895, f"{PUB151}: Bombay-Colombo"),
    (BOMBAY, "singapore", (), 2441, f"{PUB151}: Bombay-Singapore"),
    (BOMBAY, "chennai", (), 1482, f"{PUB151}: Bombay-Madras"),
    (COLOMBO, "singapore", (), 1581, f"{PUB151}: Colombo-Singapore"),
    (COLOMBO, "chennai", (), 611, f"{PUB151}: Colombo-Madras"),
    (COLOMBO, COCHIN, (), 318, f"{PUB151}: Colombo-Cochin"),
    (VIZAG, COLOMBO, (), 880, f"{PUB151}: Vishakhapatnam-Colombo"),
    (VIZAG, "chennai", (), 332, f"{PUB151}: Vishakhapatnam-Madras"),
    (VLADIVOSTOK, "singapore", (), 3004, f"{PUB151}: Vladivostok-Singapore"),
    (VLADIVOSTOK, "petropavlovsk-kamchatsky", (), 1348, f"{PUB151}: Vladivostok-Petropavlovsk"),
    (VLADIVOSTOK, YOKOHAMA, (), 952, f"{PUB151}: Vladivostok-Yokohama"),
]

def _latlon(place) -> tuple[float, float]:
    """(lat, lon) of a catalogue id or a (lat, lon) pair."""
    from planner.layers.catalogue import resolve_place

    p = resolve_place(place)
    return (p.lat, p.lon)


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
    cat = list(facilities(kind="port").index)
    plan_places = (cat + [p for p in places[:60]])[:60]
    # warm routes: pairs of a plan's places (60, as below), whose shortest-path trees fit the
    # tree cache (512 trees: 60 places x up to 3 snap nodes x 2 waters modes)
    pairs = [tuple(rng.choice(len(plan_places), 2, replace=False)) for _ in range(N_PAIRS)]
    pairs = [(plan_places[i], plan_places[j]) for i, j in pairs]
    pairs = [(_latlon(a), _latlon(b)) for a, b in pairs]

    for a, b in pairs:  # warm: load data, snap every place
        sea_route(a, b)
    searoute.searoute(pairs[0][0][::-1], pairs[0][1][::-1])

    for a, b in pairs:  # warm in the other mode too
        sea_route(a, b, waters="any")
    ours = {"prefer": [], "any": []}
    theirs, diffs = [], []
    for a, b in pairs:
        clear_caches_of_routes_only()
        for label, kw in (("prefer", {}), ("any", {"waters": "any"})):
            t0 = time.perf_counter()
            r = sea_route(a, b, **kw)
            ours[label].append(time.perf_counter() - t0)
        r = sea_route(a, b, waters="any")
        t0 = time.perf_counter()
        f = searoute.searoute(list(a[::-1]), list(b[::-1]), units="naut")
        theirs.append(time.perf_counter() - t0)
        if f.properties["length"] > 0:
            diffs.append(r.distance_nm / f.properties["length"] - 1)
    mt = statistics.median(theirs)
    for label, times in ours.items():
        mo = statistics.median(times)
        print(f"median per warm route, waters={label}: planner {mo * 1e3:.2f} ms, searoute "
              f"{mt * 1e3:.2f} ms, ratio {mt / mo:.1f}x")
    print(f"distance vs searoute: median {np.median(diffs) * 100:+.1f} %, "
          f"90th pct |diff| {np.percentile(np.abs(diffs), 90) * 100:.1f} %")

    from planner.layers.catalogue import resolve_place

    print("published distances (within 3 % counts as agreement):")
    for a, b, avoid, nm, source in PUBLISHED:
        r = sea_route(a, b, avoid=avoid)
        pa, pb = resolve_place(a), resolve_place(b)
        # searoute's default restriction (its Chukchi edges are labelled "northwest"), so its
        # NSR figure shows the known gap: it cannot route the NSR at all
        f = searoute.searoute([pa.lon, pa.lat], [pb.lon, pb.lat], units="naut")
        print(f"  {source}: published {nm} nm | planner {r.distance_nm:.0f} nm "
              f"({(r.distance_nm / nm - 1) * 100:+.1f} %) | searoute "
              f"{f.properties['length']:.0f} nm ({(f.properties['length'] / nm - 1) * 100:+.1f} %)")

    legs = rng.integers(0, len(plan_places), size=(10_000, 2))
    for label, kw in (("prefer", {}), ("prefer RUS", {"nation": "RUS"}),
                      ("any", {"waters": "any"})):
        clear_caches()
        sea_route("mumbai", "kochi")  # load the network and the territory layer
        sea_route("13.0,80.3", "kochi")  # and its country index (coordinate places)
        from planner.routing import sea

        sea._tree.cache_clear()
        clear_caches_of_routes_only()
        t0 = time.perf_counter()
        for i, j in legs:
            if i != j:
                sea_route(plan_places[i], plan_places[j], **kw)
        print(f"plan of 10k legs over 60 places, waters={label} (cold trees and routes, "
              f"data loaded): {time.perf_counter() - t0:.2f} s")


# Warship routes for the detour-rule table: the nine of issue 13 and a wider set (the same as
# tests/test_waters.py), (nation, from, to)
WARSHIP_ROUTES = [
    ("RUS", "vladivostok", "visakhapatnam"), ("IND", "mumbai", "visakhapatnam"),
    ("RUS", "murmansk", "mumbai"), ("RUS", "severomorsk", "port-said"),
    ("RUS", "vladivostok", "mumbai"), ("IND", "chennai", "vladivostok"),
    ("IND", "kochi", "port-blair"), ("RUS", "severomorsk", "visakhapatnam"),
    ("IND", "visakhapatnam", "vladivostok"), ("IND", "colombo", "singapore"),
    ("IND", "djibouti", "port-said"), ("IND", "cape-town", "mumbai"),
    ("RUS", "petropavlovsk-kamchatsky", "vladivostok"), ("RUS", "vladivostok", "singapore"),
    ("IND", "mumbai", "salalah"), ("IND", "visakhapatnam", "singapore"),
    ("IND", "port-blair", "singapore"), ("RUS", "murmansk", "arkhangelsk"),
    ("RUS", "severomorsk", "dikson"), ("IND", "mumbai", "djibouti"),
    ("IND", "kochi", "colombo"), ("RUS", "severomorsk", "cape-town"),
    ("IND", "chennai", "singapore"), ("RUS", "vladivostok", "port-blair"),
    ("IND", "karwar", "salalah"),
]


def detour_rule_table(factors=(1.5, 2.0, 3.0, 4.0, 6.0, 10.0, 20.0)) -> None:
    """For each prefer factor: third-country nm outside straits and the detour over ``any``
    on the warship routes (the router's own per-edge measure)."""
    from planner.routing import waters
    from planner.routing.sea import _resolve, _routed

    print("prefer factor | routes > 5 nm outside straits | total nm | mean / max detour")
    saved = waters.PREFER_FACTOR
    try:
        for f in factors:
            waters.PREFER_FACTOR = f
            waters.edge_weights.cache_clear()
            from planner.routing import sea

            sea._graph.cache_clear()
            sea._tree.cache_clear()
            clear_caches_of_routes_only()
            stray, detours = [], []
            for nation, a, b in WARSHIP_ROUTES:
                o, d = _resolve(a), _resolve(b)
                r, w = _routed(o, d, 0, "prefer", nation)
                r0, _ = _routed(o, d, 0, "any", nation)
                stray.append(sum(w.outside_straits_nm.values()))
                detours.append(r.distance_km / r0.distance_km - 1)
            print(f"  {f:5.1f} | {sum(s > 5 for s in stray):2d} of {len(stray)} | "
                  f"{sum(stray):7.0f} | {np.mean(detours):.2%} / {np.max(detours):.2%}")
    finally:
        waters.PREFER_FACTOR = saved
        waters.edge_weights.cache_clear()
        sea._graph.cache_clear()
        sea._tree.cache_clear()
        clear_caches_of_routes_only()


def nine_routes_table() -> None:
    """The nine warship routes of issue 13: third-country nm outside straits (the router's
    per-edge measure; tests/test_waters.py checks them against an independent one) in
    ``prefer`` and ``any``, and the distance ``prefer`` adds over ``any``."""
    from planner.routing.sea import _resolve, _routed

    print("route (nation) | prefer nm | any nm | 3rd-country nm outside straits prefer / any "
          "| prefer adds")
    for nation, a, b in WARSHIP_ROUTES[:9]:
        o, d = _resolve(a), _resolve(b)
        rp, wp = _routed(o, d, 0, "prefer", nation)
        ra, wa = _routed(o, d, 0, "any", nation)
        print(f"  {a} -> {b} ({nation}) | {rp.distance_nm:,.0f} | {ra.distance_nm:,.0f} | "
              f"{sum(wp.outside_straits_nm.values()):,.1f} / "
              f"{sum(wa.outside_straits_nm.values()):,.1f} | "
              f"{rp.distance_km / ra.distance_km - 1:+.2%}")


def clear_caches_of_routes_only() -> None:
    """Forget whole-route results but keep shortest-path trees (a warm router)."""
    from planner.routing import sea

    for f in (sea._routed, sea._shortest, sea._finished, sea._runs, sea._decide):
        f.cache_clear()


if __name__ == "__main__":
    import sys

    if "--detour-rule" in sys.argv:
        detour_rule_table()
    elif "--nine" in sys.argv:
        nine_routes_table()
    else:
        main()
        nine_routes_table()
        detour_rule_table()
