"""The crossing index's lookups against brute force over the boundary edges themselves."""

from __future__ import annotations

import numpy as np
import pytest

from planner.layers import territory_index as ti
from planner.layers.territory import _index


@pytest.fixture(scope="module")
def idx():
    return _index()


def _edges_touching(edges: np.ndarray, cell: int) -> set[int]:
    """Edges whose bounding box touches the closed grid cell (the index's rule), found by
    testing every edge."""
    x0 = (cell % ti.NX) * ti.GRID_DEG - 180.0
    y0 = (cell // ti.NX) * ti.GRID_DEG - 90.0
    ex0, ey0 = np.minimum(edges[:, 0], edges[:, 2]), np.minimum(edges[:, 1], edges[:, 3])
    ex1, ey1 = np.maximum(edges[:, 0], edges[:, 2]), np.maximum(edges[:, 1], edges[:, 3])
    # the index floors coordinates to cells: a box covers cell c when floor(min) <= c <=
    # floor(max) on each axis
    fx0, fx1 = np.floor((ex0 + 180.0) / ti.GRID_DEG), np.floor((ex1 + 180.0) / ti.GRID_DEG)
    fy0, fy1 = np.floor((ey0 + 90.0) / ti.GRID_DEG), np.floor((ey1 + 90.0) / ti.GRID_DEG)
    cx, cy = round((x0 + 180.0) / ti.GRID_DEG), round((y0 + 90.0) / ti.GRID_DEG)
    hit = (np.clip(fx0, 0, ti.NX - 1) <= cx) & (cx <= np.clip(fx1, 0, ti.NX - 1)) & (
        np.clip(fy0, 0, ti.NY - 1) <= cy) & (cy <= np.clip(fy1, 0, ti.NY - 1))
    return set(np.flatnonzero(hit).tolist())


def test_cell_slots_list_exactly_the_edges_of_each_cell(idx):
    rng = np.random.default_rng(7)
    cells = np.r_[rng.choice(idx.occupied, 60, replace=False),
                  rng.integers(0, ti.NX * ti.NY, 60)]
    start, n = ti.cell_slots(idx, cells)
    for c, s, k in zip(cells.tolist(), start.tolist(), n.tolist(), strict=True):
        assert set(idx.cell_edges[s:s + k].tolist()) == _edges_touching(idx.edges, c), c
    assert (n[:60] > 0).all()  # the occupied ones hold edges


def test_block_filter_never_misses_an_occupied_cell(idx):
    rng = np.random.default_rng(3)
    ix0 = rng.integers(0, ti.NX, 3000)
    iy0 = rng.integers(0, ti.NY, 3000)
    ix1 = np.minimum(ix0 + rng.integers(0, 40, 3000), ti.NX - 1)
    iy1 = np.minimum(iy0 + rng.integers(0, 40, 3000), ti.NY - 1)
    near = ti.near_edges(ix0, iy0, ix1, iy1, idx.block_sat)
    ox, oy = idx.occupied % ti.NX, idx.occupied // ti.NX
    for k in range(len(ix0)):
        holds = bool(((ox >= ix0[k]) & (ox <= ix1[k]) & (oy >= iy0[k]) & (oy <= iy1[k])).any())
        assert near[k] or not holds, k
    assert 0.05 < near.mean() < 0.95  # a filter, not a constant


def test_open_ocean_box_is_not_near_and_a_coast_is():
    idx = _index()
    # 10 x 10 degrees of the South Pacific with no island (120-110 W, 50-40 S) and the
    # Kola coast
    pacific = ti.cells(-120.0, -50.0, -110.0, -40.0)
    kola = ti.cells(33.0, 69.0, 33.2, 69.2)
    assert not ti.near_edges(*pacific, idx.block_sat)
    assert ti.near_edges(*kola, idx.block_sat)
