"""relos-planner: port and airspace planning under the India-Russia RELOS agreement.

The public API (CONTRACT §5)::

    from planner import Plan, sea_route, air_route, facilities, reach
"""

from .agreement import RELOS, Agreement, load_agreement
from .air import NoRoute, air_route
from .catalogue import Place, UnknownPlace, facilities, resolve_place
from .plan import Plan, PlanError
from .reach import reach, reach_area
from .report import Report
from .route import Route
from .sea import NoSeaRoute, sea_route

__all__ = [
    "RELOS", "Agreement", "NoRoute", "NoSeaRoute", "Place", "Plan", "PlanError", "Report",
    "Route", "UnknownPlace", "air_route", "facilities", "load_agreement", "reach",
    "reach_area", "resolve_place", "sea_route",
]
__version__ = "0.1.0"
