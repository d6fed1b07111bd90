"""Benchmark: a plan map with 2,000 legs vs the same legs drawn naively.

Prints, for each, the HTML size (MB), the Python build+render time (s) and Chromium's
load-to-idle time (s, median of 3; headless /usr/bin/chromium, network off, see tests/browser.py).
"naive" is one folium PolyLine per leg at full route resolution (10 km vertex spacing,
unrounded); "plan_map" is :func:`planner.maps.plan_map` (simplified to the view's zoom,
coordinates rounded to 3 decimals). Both are inlined offline HTML. Targets: < 5 MB, < 3 s.

Legs are WGS84 geodesics between catalogue facilities (sea/air alternating), 40 assets with 50
legs each, so the run needs no sea network. ``python bench/bench_map.py [N_LEGS]``.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

import folium
import geopandas as gpd
import numpy as np
import pandas as pd

from planner.layers.catalogue import facilities
from planner.layers.geodesy import geodesic_points, line_length_km
from planner.render import maps
from planner.routing.route import Route

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
import browser  # noqa: E402

N_ASSETS = 40


def synthetic_plan(n_legs: int, step_km: float = 10.0):
    """A plan-like object and report-like object with ``n_legs`` legs (seeded)."""
    rng = np.random.default_rng(6)
    fac = facilities()
    ids = list(fac.index)
    assets = [SimpleNamespace(id=f"a{i:02d}", name=f"Asset {i:02d}",
                              nation=("RUS", "IND")[i % 2],
                              kind=("warship", "aircraft")[(i // 2) % 2], ice_class="Arc4")
              for i in range(N_ASSETS)]
    rows = []
    per = n_legs // N_ASSETS
    for i, a in enumerate(assets):
        at = ids[rng.integers(len(ids))]
        t = pd.Timestamp("2026-03-01", tz="UTC") + pd.Timedelta(hours=int(rng.integers(48)))
        mode = "sea" if a.kind == "warship" else "air"
        for _ in range(per if i < N_ASSETS - 1 else n_legs - per * (N_ASSETS - 1)):
            to = ids[rng.integers(len(ids))]
            while to == at:
                to = ids[rng.integers(len(ids))]
            p, q = fac.loc[at], fac.loc[to]
            lons, lats = geodesic_points(p.lat, p.lon, q.lat, q.lon, step_km=step_km)
            km = line_length_km(lons, lats)
            r = Route(at, to, mode, km, lons, lats)
            hours = km / (26.0 if mode == "sea" else 750.0)
            arrive = t + pd.Timedelta(hours=hours)
            rows.append({"asset": a.id, "nation": a.nation, "kind": a.kind, "from": at,
                         "to": to, "mode": mode, "distance_km": km, "distance_nm": km / 1.852,
                         "depart": t, "arrive": arrive, "passages": [],
                         "countries_crossed": [], "route": r, "geometry": r.geometry})
            t = arrive + pd.Timedelta(hours=24)
            at = to
    legs = gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")
    findings = pd.DataFrame([{"code": "RANGE", "severity": "error", "message": "too far",
                              "leg": k, "nation": "RUS"} for k in range(0, n_legs, 100)])
    presence = pd.DataFrame(columns=["host", "nation", "category", "start", "end", "count"])
    plan = SimpleNamespace(name=f"Benchmark plan ({n_legs} legs)", assets=assets,
                           facilities={})
    return plan, SimpleNamespace(legs=legs, findings=findings, presence=presence)


def naive_map(legs: gpd.GeoDataFrame) -> folium.Map:
    """One folium PolyLine per leg at full resolution (lat/lon as given)."""
    m = folium.Map(location=[30, 80], zoom_start=3, tiles=None, maxZoom=12, minZoom=1)
    for _, leg in legs.iterrows():
        r = leg["route"]
        folium.PolyLine(list(zip(r.lats.tolist(), r.lons.tolist(), strict=True)),
                        color="#1f4e9c", weight=2,
                        dash_array="8 6" if leg["mode"] == "air" else None,
                        popup=f"{leg['asset']} {leg['from']} - {leg['to']}").add_to(m)
    return m


def measure(label: str, build, out: Path) -> None:
    t0 = time.perf_counter()
    text = maps.map_html(build(), offline=True)
    build_s = time.perf_counter() - t0
    out.write_text(text, encoding="utf-8")
    if browser.chromium_path():
        runs = [browser.open_page(out, timeout_s=300) for _ in range(3)]
        loads = sorted(r.load_s for r in runs)
        errors = runs[0].console_errors
        load = (f"{loads[1]:6.2f} s load-to-idle (median of 3: "
                f"{', '.join(f'{t:.2f}' for t in loads)}), {len(errors)} console errors"
                + (f": {errors[0][:80]}" if errors else ""))
    else:
        load = "(no Chromium)"
    print(f"{label:<22} {len(text.encode()) / 1e6:8.2f} MB  build {build_s:6.2f} s  {load}",
          flush=True)


def main(argv: list[str]) -> None:
    n = int(argv[0]) if argv else 2000
    plan, report = synthetic_plan(n)
    verts = sum(len(r.lons) for r in report.legs["route"])
    print(f"{n} legs, {verts} route vertices (full resolution)")
    with tempfile.TemporaryDirectory() as tmp:
        measure("naive folium PolyLine", lambda: naive_map(report.legs),
                Path(tmp) / "naive.html")
        measure("plan_map", lambda: maps.plan_map(plan, report), Path(tmp) / "plan.html")


if __name__ == "__main__":
    main(sys.argv[1:])
