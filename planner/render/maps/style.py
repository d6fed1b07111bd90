"""Colours, CSS and the small Leaflet runtime shared by the planner's maps.

The runtime (``RUNTIME_JS``) defines ``window.relos`` with builders that turn compact JSON
payloads made by :mod:`planner.maps` into Leaflet layers: no plugin, jQuery or icon font is
needed, so a map works offline with Leaflet alone. Every string in a payload is HTML-escaped
by the Python side before it gets here.
"""

from __future__ import annotations

from pathlib import Path

SEA = "#cfe2ee"  #: map background (sea)
LAND = "#f3f0e8"  #: basemap land fill
FINDING = "#d62728"  #: findings are always red
TERRITORY = "#8c6d31"

#: Fixed colours for the agreement's parties; other nations get PALETTE colours in order.
NATION_COLOURS = {"IND": "#ff7f0e", "RUS": "#1f4e9c"}
PALETTE = ("#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#7f7f7f",
           "#393b79", "#637939", "#843c39")

#: NSR sea shading by whether the plan's ships may sail it in the plan's months.
NSR_STATUS = {
    "all": ("#2ca02c", "permitted for every ship in every plan month"),
    "some": ("#ffbf00", "permitted only for some ships or months"),
    "none": ("#d62728", "not permitted for any ship in the plan months"),
    "n/a": ("#9e9e9e", "no ice-class table entry"),
}


def nation_colours(nations) -> dict[str, str]:
    """A colour per nation code: IND and RUS fixed, the others from PALETTE in sorted order."""
    out: dict[str, str] = {}
    rest = [n for n in sorted({str(n) for n in nations}) if n not in NATION_COLOURS]
    for n in sorted({str(n) for n in nations}):
        if n in NATION_COLOURS:
            out[n] = NATION_COLOURS[n]
    for i, n in enumerate(rest):
        out[n] = PALETTE[i % len(PALETTE)]
    return out


CSS = """
.relos-panel{background:rgba(255,255,255,.93);padding:6px 8px;border-radius:4px;
 box-shadow:0 1px 4px rgba(0,0,0,.35);font:12px/1.35 sans-serif;max-width:340px;
 max-height:70vh;overflow:auto}
.relos-panel h4{margin:0 0 4px;font-size:13px}
.relos-panel .sw{display:inline-block;width:14px;height:10px;margin-right:5px;
 vertical-align:middle;border:1px solid #555}
.relos-panel .ln{display:inline-block;width:22px;height:0;margin-right:5px;
 vertical-align:middle;border-top:3px solid #333}
.relos-panel .ln.dash{border-top-style:dashed}
.relos-panel img{display:block;max-width:320px;margin-top:4px}
.relos-fac svg{display:block}
.relos-time input{width:320px;vertical-align:middle}
.relos-time span{display:inline-block;min-width:150px;margin-left:6px}
.relos-popup td{padding:0 6px 0 0;vertical-align:top}
.leaflet-tooltip.relos-label{background:rgba(255,255,255,.75);border:0;box-shadow:none;
 padding:0 3px;font:11px/1.2 sans-serif;color:#222}
.leaflet-tooltip.relos-label:before{display:none}
.leaflet-tooltip.relos-minor{display:none}
.relos-zoom6 .leaflet-tooltip.relos-minor{display:block}
.relos-title{font:bold 14px/1.3 sans-serif}
.relos-title small{display:block;font-weight:normal;font-size:12px}
@page{size:A4 landscape;margin:8mm}
@media print{
 html,body{width:281mm;height:194mm;margin:0;overflow:hidden}
 .folium-map{position:absolute!important;left:0;top:0;width:281mm!important;
  height:194mm!important}
 .leaflet-control-layers,.relos-time,.leaflet-control-zoom{display:none!important}
 .relos-panel{box-shadow:none;border:1px solid #999;max-height:none;overflow:visible}
 .relos-panel details,.relos-panel:has(> details){display:none}
 *{-webkit-print-color-adjust:exact;print-color-adjust:exact}
}
"""

#: Symbols per facility kind (inline SVG, no icon font): shape name used by the runtime.
FACILITY_SHAPES = {"port": "circle", "airbase": "triangle", "sea_area": "ring",
                   "point": "square"}

#: The map runtime (layer builders, legend, time slider), kept in ``runtime.js`` beside this file.
RUNTIME_JS = (Path(__file__).resolve().parent / "runtime.js").read_text(encoding="utf-8")

