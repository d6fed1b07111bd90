"""Folium plumbing: the elements that put payloads, the runtime and Leaflet into the page, the
base map and the legend HTML."""

from __future__ import annotations

import base64
import re
from pathlib import Path
from typing import Any

import folium
from branca.element import MacroElement
from folium.map import Layer
from folium.template import Template

from planner.core.caches import cached, once
from planner.render.maps import style as S
from planner.render.maps.escape import esc, js_json
from planner.render.maps.layers import basemap_features

VENDOR = Path(__file__).resolve().parent / "vendor"
LEAFLET_CDN = ("https://cdn.jsdelivr.net/npm/leaflet@1.9.4/dist/leaflet.js",
               "https://cdn.jsdelivr.net/npm/leaflet@1.9.4/dist/leaflet.css")
JQUERY_CDN = "https://code.jquery.com/jquery-3.7.1.min.js"
OSM = ("https://tile.openstreetmap.org/{z}/{x}/{y}.png",
       '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors')




class _JsonLayer(Layer):
    """A layer built in the browser by ``relos.<builder>(map, payload)``; the payload sits in
    a ``<script type="application/json">`` block (JSON.parse is much faster than parsing a
    large JS literal)."""

    _template = Template("""
        {% macro html(this, kwargs) %}
        <script type="application/json" id="{{ this.get_name() }}_data">{{ this.payload }}</script>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = relos.{{ this.builder }}({{ this._parent.get_name() }},
            relos.data("{{ this.get_name() }}_data"));
        {% endmacro %}
    """)

    def __init__(self, builder: str, payload: Any, name: str, *, overlay: bool = True,
                 show: bool = True):
        super().__init__(name=esc(name), overlay=overlay, control=True, show=show)
        self._name = "RelosLayer"
        self.builder = builder
        self.payload = js_json(payload)


class _Call(MacroElement):
    """A one-off ``relos.<fn>(map, payload)`` call (setup, legend, panels)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        relos.{{ this.fn }}({{ this._parent.get_name() }}, {{ this.payload }});
        {% endmacro %}
    """)

    def __init__(self, fn: str, payload: Any):
        super().__init__()
        self._name = "RelosCall"
        self.fn = fn
        self.payload = js_json(payload)


class _Assets(MacroElement):
    """Leaflet and the relos runtime in the page header: CDN links, or inlined from
    ``planner/render/maps/vendor`` when ``offline``."""

    _template = Template("""
        {% macro header(this, kwargs) %}
        {{ this.head() }}
        {% endmacro %}
    """)

    def __init__(self, offline: bool, jquery: bool = False):
        super().__init__()
        self._name = "RelosAssets"
        self.offline = offline
        self.jquery = jquery  # folium's own popups need jQuery; the relos layers do not

    def head(self) -> str:
        runtime = f"<style>{S.CSS}</style>\n<script>{S.RUNTIME_JS}</script>"
        if self.offline:
            js, css = _vendored_leaflet()
            jq = f"<script>{_vendored('jquery/jquery.min.js')}</script>\n" if self.jquery else ""
            return f"<style>{css}</style>\n<script>{js}</script>\n{jq}{runtime}"
        jq = f'<script src="{JQUERY_CDN}"></script>\n' if self.jquery else ""
        return (f'<link rel="stylesheet" href="{LEAFLET_CDN[1]}"/>\n'
                f'<script src="{LEAFLET_CDN[0]}"></script>\n{jq}{runtime}')


@cached("render.maps.elements._vendored", maxsize=4)
def _vendored(name: str) -> str:
    """A vendored script's text (planner/render/maps/vendor/NAME), checked safe to inline."""
    text = (VENDOR / name).read_text(encoding="utf-8")
    if "</script" in text.lower():
        raise ValueError(f"vendored {name} cannot be inlined as is")
    return text


@once("render.maps.elements._vendored_leaflet")
def _vendored_leaflet() -> tuple[str, str]:
    """Leaflet JS and CSS from planner/render/maps/vendor, the CSS images inlined as data URIs."""
    base = VENDOR / "leaflet"
    js = (base / "leaflet.js").read_text(encoding="utf-8")
    css = (base / "leaflet.css").read_text(encoding="utf-8")

    def data_uri(m: re.Match) -> str:
        png = (base / "images" / m.group(1)).read_bytes()
        return f"url(data:image/png;base64,{base64.b64encode(png).decode()})"

    css = re.sub(r"url\(images/([\w.-]+\.png)\)", data_uri, css)
    if "</script" in js.lower() or "</style" in css.lower():
        raise ValueError("vendored Leaflet cannot be inlined as is")
    return js, css


def _new_map(tiles: str | None, offline: bool, west: float,
             bounds: list[list[float]] | None) -> folium.Map:
    m = folium.Map(location=[20.0, 80.0], zoom_start=3, tiles=None, prefer_canvas=True,
                   control_scale=True, minZoom=1, maxZoom=12, worldCopyJump=False)
    m.default_js = []
    m.default_css = []
    assets = _Assets(offline)
    m.add_child(assets, name="relos_assets")
    m._relos_assets = assets  # noqa: SLF001 - read by map_html
    m.add_child(_Call("setup", {"sea": S.SEA, "bounds": bounds}))
    land = _JsonLayer("base", {"fc": {"type": "FeatureCollection",
                                      "features": basemap_features(west)}, "fill": S.LAND},
                      "Land and sea (offline basemap)", overlay=False)
    if tiles:
        if tiles.lower() not in ("osm", "openstreetmap"):
            raise ValueError(f"unknown tiles {tiles!r}: use None or 'osm'")
        folium.TileLayer(OSM[0], attr=OSM[1], name="OpenStreetMap", max_zoom=12,
                         overlay=False).add_to(m)
        land.show = False
    m.add_child(land)
    return m


def _bounds(lons: list[float], lats: list[float]) -> list[list[float]] | None:
    if not lons:
        return None
    return [[round(min(lats), 3), round(min(lons), 3)], [round(max(lats), 3),
                                                         round(max(lons), 3)]]


def _legend_html(title: str, items: list[str]) -> str:
    return f"<h4>{esc(title)}</h4>" + "<br>".join(items)


def _sw(colour: str, label: str, cls: str = "sw") -> str:
    style = (f"border-top-color:{colour}" if cls.startswith("ln")
             else f"background:{colour}")
    return f'<span class="{cls}" style="{style}"></span>{esc(label)}'


def _shape_item(kind: str, label: str, colour: str = "#777") -> str:
    shp = S.FACILITY_SHAPES.get(kind, "square")
    return (f'<span style="display:inline-block;vertical-align:middle;margin-right:5px">'
            f'<svg width="12" height="12">{_svg_shape(shp, colour)}</svg></span>{esc(label)}')


def _svg_shape(shp: str, colour: str) -> str:
    if shp == "triangle":
        return f'<polygon points="6,1 11,11 1,11" fill="{colour}" stroke="#222"/>'
    if shp == "square":
        return f'<rect x="2" y="2" width="8" height="8" fill="{colour}" stroke="#222"/>'
    if shp == "ring":
        return f'<circle cx="6" cy="6" r="4.5" fill="none" stroke="{colour}" stroke-width="2"/>'
    return f'<circle cx="6" cy="6" r="4.5" fill="{colour}" stroke="#222"/>'
