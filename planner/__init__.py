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

from planner.api import build_schedule, check_plan, plan_map
from planner.layers.catalogue import Place, UnknownPlace, facilities, resolve_place
from planner.model.agreement import RELOS, Agreement, load_agreement
from planner.model.plan import Plan, PlanError
from planner.planning.compare import Comparison, compare
from planner.planning.resolve import Resolution, resolve_plan
from planner.render.export import export_plan
from planner.render.report import Report
from planner.routing.air import NoRoute, air_route
from planner.routing.reach import reach, reach_area
from planner.routing.route import Route
from planner.routing.sea import NoSeaRoute
from planner.routing.sea import sea_route as _sea_route


def sea_route(origin, destination, *args, ice_calendar=None, **kwargs):
    """:func:`planner.routing.sea.sea_route` (CONTRACT section 5), with ``ice_calendar``: a CSV
    path (``area, month, ice``) replacing the shipped typical-ice calendar of the NSR for this
    route (a planning assumption either way; the ice type in force is the official forecast's).
    """
    from planner.layers.nsr_rules import ice_calendar_in_force

    with ice_calendar_in_force(ice_calendar):
        return _sea_route(origin, destination, *args, **kwargs)

__all__ = [
    "RELOS", "Agreement", "Comparison", "NoRoute", "NoSeaRoute", "Place", "Plan", "PlanError",
    "Report", "Resolution", "Route", "UnknownPlace", "air_route", "build_schedule",
    "check_plan", "compare", "export_plan", "facilities", "load_agreement", "plan_map",
    "reach", "reach_area", "resolve_place", "resolve_plan", "sea_route",
]
__version__ = "0.2.0"
