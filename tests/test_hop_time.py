"""``planner.routing.hop_time``: the windows of departures in which an NSR hop is routed the
same way, checked against the NSR rules judged directly at times across each window.

The windows are shared between hops of one shape (the same NSR seas and lengths, a
different way to the first of them), moved by the difference of that way; a wrong move
shows as a changed answer near a window's ends, where the samples are densest.
"""

from __future__ import annotations

import datetime as dt
import math
import random

import numpy as np
import pytest

from planner.core.units import KMH_PER_KN
from planner.layers.catalogue import resolve_place
from planner.model.objects import Asset
from planner.routing.hop_time import HopTiming

PACIFIC = ["vladivostok", "nakhodka", "petropavlovsk-kamchatsky", "magadan",
           "sovetskaya-gavan"]
WEST = ["severomorsk", "murmansk", "arkhangelsk"]
_T0_S = dt.datetime(2026, 1, 1, tzinfo=dt.UTC).timestamp()
_DAY_S = 86400.0
#: seconds in from each end of a window where the answer is sampled besides evenly across
_NEAR_END_S = (0.0, 3600.0, 6 * 3600.0, _DAY_S, 2 * _DAY_S, 4 * _DAY_S, 8 * _DAY_S)


def _samples(lo: float, hi: float) -> list[float]:
    inside = np.linspace(lo, hi, 31)[:-1].tolist()
    ends = [lo + d for d in _NEAR_END_S] + [hi - d - 1.0 for d in _NEAR_END_S]
    return [t for t in inside + ends if lo <= t < hi]


@pytest.mark.parametrize("ice_class", ["none", "Arc4", "Arc5", "Arc7"])
def test_windows_hold_for_every_hop_of_a_shape(ice_class, monkeypatch):
    """Across every window (found for the hop or moved from another hop of its shape) the
    rules give the hop's two answers (shortest way closed, way round the NSR closed) that
    they give at the hop's own time; most windows come from another hop of the shape."""
    asset = Asset("t", "t", "RUS", "warship", 200, 14 * KMH_PER_KN, 40000.0, ice_class)
    timing = HopTiming(asset)
    computed: list[int] = []
    work_out = timing._window
    monkeypatch.setattr(timing, "_window",
                        lambda *args: computed.append(1) or work_out(*args))
    rng = random.Random(16)
    shapes: set = set()
    hops = shared = changes = 0
    for _ in range(150):
        a, b = (resolve_place(rng.choice(PACIFIC)), resolve_place(rng.choice(WEST)))
        if rng.random() < 0.5:
            a, b = b, a
        rs, ra = timing.runs(a, b)
        assert rs, f"{a.id} -> {b.id} meets no NSR sea"
        shapes.add(timing.shape(rs, ra)[0])
        hop_s = _T0_S + rng.uniform(0, 3 * 365 * _DAY_S)
        before = len(computed)
        lo, hi = timing.window(a, b, hop_s)
        hops += 1
        shared += len(computed) == before
        assert math.isfinite(lo) and math.isfinite(hi)
        if lo >= hi:  # valid at this time only
            assert lo == hi == hop_s
            continue
        assert lo <= hop_s < hi
        now = timing._closed(rs, ra, hop_s)
        for t in _samples(lo, hi):
            assert timing._closed(rs, ra, t) == now, (a.id, b.id, ice_class, lo, hi, t)
        # just outside the window the answers may change: count how often they do, so
        # the windows are seen to end where the rules change and not all at the span
        changes += timing._closed(rs, ra, hi + 600.0) != now
    assert len(shapes) < hops / 5  # hops of one shape are common in this set
    assert shared > hops / 2
    if ice_class == "Arc5":  # the season opens and closes each year; the others: constant
        assert changes > 10
