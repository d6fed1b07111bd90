"""relos-planner: port and airspace planning under the India-Russia RELOS agreement.

The public API (CONTRACT section 5)::

    from planner import Plan, sea_route, air_route, facilities, reach

The package is grouped by the stages of the data flow (docs/ARCHITECTURE.md):
``core`` (units, time, paths, caches) -> ``layers`` (catalogue, territory, NSR, sea network,
clearance register) -> ``model`` (plan objects and loading) -> ``routing`` (sea, air,
schedule, refuelling, reach) -> ``checks`` (a registry of checks) -> ``planning`` (resolve,
compare) -> ``render`` (report, charts, maps), joined by :mod:`planner.api` and driven by
:mod:`planner.cli`.
"""

import importlib

#: Public name -> the module it lives in. Imported on first use (PEP 562), so that
#: ``relos check`` does not pay for folium, matplotlib and the planning stage it never
#: touches (issue 16: start-up was 3 s of a run).
_WHERE = {
    "build_schedule": "planner.api", "check_plan": "planner.api", "plan_map": "planner.api",
    "Place": "planner.layers.catalogue", "UnknownPlace": "planner.layers.catalogue",
    "facilities": "planner.layers.catalogue", "resolve_place": "planner.layers.catalogue",
    "RELOS": "planner.model.agreement", "Agreement": "planner.model.agreement",
    "load_agreement": "planner.model.agreement", "Plan": "planner.model.plan",
    "PlanError": "planner.model.plan", "Comparison": "planner.planning.compare",
    "compare": "planner.planning.compare", "Resolution": "planner.planning.resolve",
    "resolve_plan": "planner.planning.resolve", "export_plan": "planner.render.export",
    "Report": "planner.render.report", "NoRoute": "planner.routing.air",
    "air_route": "planner.routing.air", "reach": "planner.routing.reach",
    "reach_area": "planner.routing.reach", "Route": "planner.routing.route",
    "NoSeaRoute": "planner.routing.sea", "sea_route": "planner.api",
}


def __getattr__(name: str):
    if name in _WHERE:
        value = getattr(importlib.import_module(_WHERE[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'planner' has no attribute {name!r}")


def __dir__():
    return sorted([*globals(), *_WHERE])


__all__ = [
    "RELOS", "Agreement", "Comparison", "NoRoute", "NoSeaRoute", "Place", "Plan", "PlanError",
    "Report", "Resolution", "Route", "UnknownPlace", "air_route", "build_schedule",
    "check_plan", "compare", "export_plan", "facilities", "load_agreement", "plan_map",
    "reach", "reach_area", "resolve_place", "resolve_plan", "sea_route",
]
__version__ = "0.2.0"
