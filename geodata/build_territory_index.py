"""Build ``geodata/territory_index.npz``: the crossing index of ``geodata/territory.parquet``
(boundary-edge grid, polygon tiles as WKB), so that a run loads it instead of building it.

Run after every rebuild of the layer (``geodata/build_territory.py`` calls it)::

    python geodata/build_territory_index.py [LAYER.parquet [OUT.npz]]

The file holds the stamp of the layer it was built from (sha256 of ``territory.parquet`` and
the grid and tile sizes); a run whose layer does not match builds the index itself.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from planner.layers.territory_index import INDEX_FILE, LAYER_FILE, write_index  # noqa: E402


def build(layer: Path = HERE / LAYER_FILE, out: Path | None = None) -> Path:
    """Write the index of the territory layer ``layer`` to ``out`` (by default
    ``territory_index.npz`` beside the layer)."""
    import geopandas as gpd

    out = out or layer.with_name(INDEX_FILE)
    return write_index(gpd.read_parquet(layer), out, layer)


if __name__ == "__main__":
    print(build(*(Path(a) for a in sys.argv[1:3])))
