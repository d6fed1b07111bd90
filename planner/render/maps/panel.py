"""The cap-timeline panel of the map (inline PNG charts drawn by :mod:`planner.render.charts`)."""

from __future__ import annotations

import base64
from collections.abc import Mapping

import pandas as pd

from planner.render.charts import cap_chart_png
from planner.render.maps import style as S
from planner.render.maps.escape import esc


def cap_panel_html(presence: pd.DataFrame | None, caps: Mapping[str, int | None]) -> str:
    """Side-panel HTML with one inline (base64) cap timeline chart per host, or ''."""
    if presence is None or len(presence) == 0:
        return ""
    colours = S.nation_colours(sorted(presence["nation"].astype(str).unique()))
    parts = ["<details><summary><b>Cap timelines by host</b></summary>"]
    for host in sorted(presence["host"].astype(str).unique()):
        png = base64.b64encode(cap_chart_png(presence, host, caps, colours)).decode()
        parts.append(f'<img alt="{esc("presence in " + host)}" '
                     f'src="data:image/png;base64,{png}">')
    parts.append("</details>")
    return "".join(parts)
