"""Map output: deterministic HTML, self-contained or with CDN links, written atomically."""

from __future__ import annotations

import copy
import os
import re
import tempfile
from pathlib import Path

import folium

from planner.render.maps.elements import _Assets

_ID = re.compile(r"(?<=_)[0-9a-f]{32}(?![0-9a-z])")


def deterministic_ids(text: str) -> str:
    """Folium's random 32-hex element ids renamed ``0001``, ``0002``... in order of first
    appearance, so the same map gives byte-identical HTML."""
    seen: dict[str, str] = {}

    def sub(mt: re.Match) -> str:
        return seen.setdefault(mt.group(0), f"{len(seen) + 1:04d}")

    return _ID.sub(sub, text)


_EXTERNAL = re.compile(r"<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=\s*[\"']?"
                       r"(?:https?:)?//", re.I)


def map_html(m: folium.Map, offline: bool | None = None) -> str:
    """The map as one HTML document (deterministic ids).

    ``offline`` None keeps what the map was built with; True inlines Leaflet and raises
    ValueError if any script, stylesheet or image would still be loaded over the network.
    For a folium map not made by this module, folium's CDN links are replaced by Leaflet and
    jQuery only (Bootstrap, Font Awesome and awesome-markers are dropped).
    A copy is rendered (folium's render is not idempotent), so ``m`` is left as it was.
    """
    m = copy.deepcopy(m)
    assets = getattr(m, "_relos_assets", None)
    if offline is not None:
        if assets is None:  # a map not made here: Leaflet (+ jQuery) replace folium's links
            jquery = any(name == "jquery" for name, _ in m.default_js)
            m.default_js, m.default_css = [], []
            assets = _Assets(offline, jquery=jquery)
            m.add_child(assets, name="relos_assets")
            m._relos_assets = assets  # noqa: SLF001
        assets.offline = offline
    text = deterministic_ids(m.get_root().render())
    if assets is not None and assets.offline:
        bad = _EXTERNAL.search(text)
        if bad:
            raise ValueError(f"offline map still loads {bad.group(0)!r}")
    return text


def save_map(m: folium.Map, path: str | os.PathLike, *, offline: bool | None = None) -> str:
    """Write the map's HTML to ``path`` atomically (temp file + rename); returns the HTML."""
    text = map_html(m, offline)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return text


