"""The crossing index of the territory layer: a boundary-edge grid, polygon tiles, STRtrees.

:func:`build_index` makes it from ``geodata/territory.parquet`` (about 1.4 s); the arrays it
is made of are also shipped, built offline by ``geodata/build_territory_index.py``, as
``geodata/territory_index.npz`` (plain numeric and text arrays, geometries as WKB bytes, no
Python objects). :func:`load_index` reads that file (~0.1 s) when the stamp stored inside
(sha256 of the layer file and the build parameters) matches the shipped layer, and builds the
index as before otherwise, so a rebuilt layer never meets a stale index.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import shapely

from planner.core.paths import geodata_path
from planner.layers.geodesy import prepare_shared

LAYER_FILE = "territory.parquet"
INDEX_FILE = "territory_index.npz"
GRID_DEG = 0.1  # cell size of the boundary-edge grid (speed only; results do not depend on it)
NX, NY = int(round(360 / GRID_DEG)), int(round(180 / GRID_DEG))
TILE_DEG = 5.0  # polygons are cut into tiles this size for point-in-polygon tests
#: Version of the stored arrays' layout and of the build; bump it when either changes.
FORMAT = 1
CLASS_OFFSET = 4  # cell_class holds row + 4: 0 unknown, 1 overlap (-3), 3 none (-1)
#: Side of the blocks of the summed-area table, in grid cells (speed only; a block holding
#: an edge anywhere is "near" for every box touching it). A table per cell was 26 MB and
#: the per-cell CSR 52 MB, written afresh by every process (0.3 s of a run, issue 16).
SAT_CELLS = 5


@dataclass(frozen=True)
class Index:
    """What crossings and point classification need (all arrays read-only but
    ``cell_class``, the per-cell cache filled at run time)."""

    iso3: np.ndarray  # str per row
    land: np.ndarray  # land polygons per row (for the nearest-land tie-break)
    sov_tree: shapely.STRtree  # over sov_parts
    land_tree: shapely.STRtree  # over land_parts
    sov_parts: np.ndarray  # polygon parts (prepared) of the sovereign areas, cut into tiles
    sov_part_row: np.ndarray  # row of each part
    land_parts: np.ndarray
    land_part_row: np.ndarray
    edges: np.ndarray  # (n, 4) x0, y0, x1, y1 of every sovereign and land boundary edge
    occupied: np.ndarray  # sorted ids (iy * NX + ix) of the grid cells holding edges
    occupied_start: np.ndarray  # CSR over ``occupied`` into cell_edges
    cell_edges: np.ndarray  # edge ids, grouped by cell
    cell_xy: np.ndarray  # (4, len(cell_edges)) qx, qy, sx, sy of those edges, same order
    #: (NY // SAT_CELLS + 1, NX // SAT_CELLS + 1) summed-area table of the blocks of
    #: SAT_CELLS x SAT_CELLS cells that hold edges: a conservative "no edge here" filter
    block_sat: np.ndarray
    #: (NY * NX, 2) cached sov/land row of edge-free cells, stored as row + CLASS_OFFSET
    #: (0: not yet known; zeros, so only the pages of cells looked at are ever touched)
    cell_class: np.ndarray


def cells(xmin, ymin, xmax, ymax) -> tuple[np.ndarray, ...]:
    """Inclusive grid cell ranges ix0, iy0, ix1, iy1 covering bounding boxes (closed cells:
    a box touching a cell's border covers that cell)."""
    ix0 = np.clip(np.floor((xmin + 180.0) / GRID_DEG), 0, NX - 1).astype(np.int64)
    ix1 = np.clip(np.floor((xmax + 180.0) / GRID_DEG), 0, NX - 1).astype(np.int64)
    iy0 = np.clip(np.floor((ymin + 90.0) / GRID_DEG), 0, NY - 1).astype(np.int64)
    iy1 = np.clip(np.floor((ymax + 90.0) / GRID_DEG), 0, NY - 1).astype(np.int64)
    return ix0, iy0, ix1, iy1


def _boundary_chain(geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The vertices of the polygons' rings in order, ``(m, 2)``, and for each consecutive
    pair whether it is an edge (same ring, not of zero length)."""
    rings = shapely.get_parts(shapely.get_parts(shapely.boundary(geoms)))
    coords, ring_idx = shapely.get_coordinates(rings, return_index=True)
    link = (ring_idx[1:] == ring_idx[:-1]) & (coords[1:] != coords[:-1]).any(axis=1)
    return coords, link


def _chain_edges(coords: np.ndarray, link: np.ndarray) -> np.ndarray:
    """Edges ``x0, y0, x1, y1`` of a vertex chain."""
    return np.column_stack([coords[:-1][link], coords[1:][link]])


def _expand(ix0, iy0, ix1, iy1) -> tuple[np.ndarray, np.ndarray]:
    """(owner, cell id) of every cell of every inclusive range."""
    nx, ny = ix1 - ix0 + 1, iy1 - iy0 + 1
    n = nx * ny
    owner = np.repeat(np.arange(len(n)), n)
    k = np.arange(int(n.sum())) - np.repeat(np.cumsum(n) - n, n)
    ix = ix0[owner] + k % nx[owner]
    iy = iy0[owner] + k // nx[owner]
    return owner, iy * NX + ix


def _edge_cells(edges: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Edges per grid cell (``counts``, one per cell) and edge ids grouped by cell."""
    ix0, iy0, ix1, iy1 = cells(np.minimum(edges[:, 0], edges[:, 2]),
                               np.minimum(edges[:, 1], edges[:, 3]),
                               np.maximum(edges[:, 0], edges[:, 2]),
                               np.maximum(edges[:, 1], edges[:, 3]))
    owner, cell = _expand(ix0, iy0, ix1, iy1)
    order = np.argsort(cell, kind="stable")
    return np.bincount(cell, minlength=NX * NY), owner[order]


def _block_sat(occupied: np.ndarray) -> np.ndarray:
    """The summed-area table of the ``SAT_CELLS``-square blocks holding an occupied cell."""
    ny, nx = -(-NY // SAT_CELLS), -(-NX // SAT_CELLS)
    blocks = np.zeros(ny * nx, np.int32)
    blocks[(occupied // NX // SAT_CELLS) * nx + (occupied % NX) // SAT_CELLS] = 1
    sat = np.zeros((ny + 1, nx + 1), np.int32)
    inner = sat[1:, 1:]
    np.cumsum(blocks.reshape(ny, nx), axis=1, out=inner)
    np.cumsum(inner, axis=0, out=inner)
    return sat


def near_edges(ix0, iy0, ix1, iy1, sat: np.ndarray) -> np.ndarray:
    """Whether each inclusive cell range may hold a boundary edge (False: surely none)."""
    bx0, by0, bx1, by1 = ix0 // SAT_CELLS, iy0 // SAT_CELLS, ix1 // SAT_CELLS, iy1 // SAT_CELLS
    return (sat[by1 + 1, bx1 + 1] - sat[by0, bx1 + 1] - sat[by1 + 1, bx0] + sat[by0, bx0]) > 0


def cell_slots(idx: Index, cell: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where each cell's edges start in ``idx.cell_edges`` and how many it has (0: none)."""
    occ = idx.occupied
    j = np.minimum(np.searchsorted(occ, cell), len(occ) - 1)
    has = occ[j] == cell
    start = idx.occupied_start[j]
    return start, np.where(has, idx.occupied_start[j + 1] - start, 0)


def _tiles(geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Polygon parts of each row cut into ``TILE_DEG`` tiles (not prepared), and their rows:
    small pieces with tight bounding boxes make point-in-polygon tests cheap. A point is in
    (or on) a row's polygon exactly when it is in (or on) one of its pieces."""
    parts, row = shapely.get_parts(geoms, return_index=True)
    b = shapely.bounds(parts)
    out, out_row = [], []
    for part, r, (x0, y0, x1, y1) in zip(parts, row, b, strict=True):
        xs = np.arange(np.floor(x0 / TILE_DEG) * TILE_DEG, x1, TILE_DEG)
        ys = np.arange(np.floor(y0 / TILE_DEG) * TILE_DEG, y1, TILE_DEG)
        if len(xs) * len(ys) <= 1:
            out.append(part)
            out_row.append(r)
            continue
        gx, gy = np.meshgrid(xs, ys)
        pieces = [shapely.clip_by_rect(part, x, y, x + TILE_DEG, y + TILE_DEG)
                  for x, y in zip(gx.ravel(), gy.ravel(), strict=True)]
        out += pieces
        out_row += [r] * len(pieces)
    out, out_row = np.array(out, dtype=object), np.array(out_row, np.int64)
    keep = ~shapely.is_empty(out)
    return out[keep], out_row[keep]


def index_arrays(gdf) -> dict[str, np.ndarray]:
    """The arrays the index is made of, from the territory layer (as stored in the file)."""
    sov = np.array([shapely.from_wkb(shapely.to_wkb(g)) for g in gdf.geometry.values])
    land = np.array([shapely.from_wkb(shapely.to_wkb(g)) for g in gdf["land"].values])
    (cs, ls), (cl, ll) = _boundary_chain(sov), _boundary_chain(land)
    chain, link = np.vstack([cs, cl]), np.r_[ls, False, ll]
    counts, cell_edges = _edge_cells(_chain_edges(chain, link))
    occupied = np.flatnonzero(counts)
    sov_parts, sov_row = _tiles(sov)
    land_parts, land_row = _tiles(land)
    iso3 = np.asarray(gdf["iso3"].values, dtype=str)
    return {"iso3": iso3, "chain": chain, "link": link,
            "occupied": occupied.astype(np.int32), "occupied_n": counts[occupied].astype(np.int32),
            "cell_edges": cell_edges.astype(np.int32),
            **_wkb("land", land), **_wkb("sov_parts", sov_parts),
            **_wkb("land_parts", land_parts),
            "sov_part_row": sov_row.astype(np.int32), "land_part_row": land_row.astype(np.int32)}


def _wkb(name: str, geoms: np.ndarray) -> dict[str, np.ndarray]:
    """Geometries as one byte array of concatenated WKB and its offsets."""
    wkb = shapely.to_wkb(geoms)
    return {f"{name}_wkb": np.frombuffer(b"".join(wkb), np.uint8),
            f"{name}_off": np.r_[0, np.cumsum([len(w) for w in wkb])].astype(np.int64)}


def _from_wkb(z, name: str) -> np.ndarray:
    buf, off = z[f"{name}_wkb"].tobytes(), z[f"{name}_off"]
    return shapely.from_wkb([buf[a:b] for a, b in zip(off[:-1].tolist(), off[1:].tolist(),
                                                      strict=True)])


def from_arrays(z) -> Index:
    """The index from its arrays (a dict or an open ``.npz``)."""
    occupied = z["occupied"].astype(np.int64)
    occupied_start = np.zeros(len(occupied) + 1, np.int64)
    np.cumsum(z["occupied_n"], out=occupied_start[1:])
    edges = _chain_edges(z["chain"], z["link"])
    cell_edges = z["cell_edges"].astype(np.int64)
    cell_xy = np.empty((4, len(cell_edges)))  # gathered column by column: no (n, 4) copy
    for k in range(2):
        np.take(edges[:, k], cell_edges, out=cell_xy[k])
        np.take(edges[:, k + 2], cell_edges, out=cell_xy[k + 2])
        cell_xy[k + 2] -= cell_xy[k]
    # the parts are only tested against points (territory._classify_exact)
    sov_parts = prepare_shared(_from_wkb(z, "sov_parts"), lines=False)
    land_parts = prepare_shared(_from_wkb(z, "land_parts"), lines=False)
    idx = Index(iso3=np.asarray(z["iso3"]).astype(object), land=_from_wkb(z, "land"),
                sov_tree=shapely.STRtree(sov_parts), land_tree=shapely.STRtree(land_parts),
                sov_parts=sov_parts, sov_part_row=z["sov_part_row"].astype(np.int64),
                land_parts=land_parts, land_part_row=z["land_part_row"].astype(np.int64),
                edges=edges, occupied=occupied, occupied_start=occupied_start,
                cell_edges=cell_edges, cell_xy=cell_xy, block_sat=_block_sat(occupied),
                cell_class=np.zeros((NX * NY, 2), np.int64))
    for tree in (idx.sov_tree, idx.land_tree):  # GEOS builds trees lazily
        tree.query(shapely.points(0.0, 0.0))
    return idx


def stamp(layer: Path | None = None) -> str:
    """What the index depends on: sha256 of the layer file and the build parameters."""
    digest = hashlib.sha256(Path(layer or geodata_path(LAYER_FILE)).read_bytes()).hexdigest()
    return f"sha256={digest};grid={GRID_DEG};tile={TILE_DEG};format={FORMAT}"


def write_index(gdf, out: Path, layer: Path | None = None) -> Path:
    """Store the index arrays of ``gdf`` (read from ``layer``) with their stamp in ``out``."""
    np.savez(out, stamp=np.array(stamp(layer)), **index_arrays(gdf))
    return out


def _read(path: Path | None, what):
    """``what(z)`` of the stored index file ``z``; None when it is missing or its stamp is
    not the layer's."""
    path = Path(path or geodata_path(INDEX_FILE))
    if not path.is_file():
        return None
    with np.load(path) as z:  # numeric and text arrays only (object arrays are refused)
        if str(z["stamp"]) != stamp():
            return None
        return what(z)


def read_index(path: Path | None = None) -> Index | None:
    """The stored index, or None when the file is missing or its stamp is not the layer's."""
    return _read(path, from_arrays)


def read_land(path: Path | None = None) -> np.ndarray | None:
    """The land polygon of each row as stored with the index (the layer's own geometries,
    through WKB), or None when the file is missing or stale. Only these arrays are read."""
    return _read(path, lambda z: _from_wkb(z, "land"))
