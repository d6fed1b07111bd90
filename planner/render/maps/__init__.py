"""Folium maps of a plan and of what is reachable from a place (CONTRACT section 3).

Modules: :mod:`~planner.render.maps.layers` (payloads for each layer),
:mod:`~planner.render.maps.geometry` (display window, simplification),
:mod:`~planner.render.maps.elements` (folium elements, legend),
:mod:`~planner.render.maps.panel` (cap charts), :mod:`~planner.render.maps.build` (the maps),
:mod:`~planner.render.maps.html` (output); the browser runtime is ``runtime.js``.
"""

from planner.render.charts import cap_chart_png
from planner.render.maps.build import plan_map, reach_map
from planner.render.maps.escape import esc, js_json
from planner.render.maps.geometry import display_west, shift_geometry, shift_line, shift_lon
from planner.render.maps.html import deterministic_ids, map_html, save_map
from planner.render.maps.layers import (
    basemap_features,
    facility_points,
    finding_features,
    leg_features,
    nsr_features,
    territory_features,
)

__all__ = ["basemap_features", "cap_chart_png", "deterministic_ids", "display_west", "esc",
           "facility_points", "finding_features", "js_json", "leg_features", "map_html",
           "nsr_features", "plan_map", "reach_map", "save_map", "shift_geometry", "shift_line",
           "shift_lon", "territory_features"]
