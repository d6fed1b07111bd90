"""Cap timelines drawn from the presence table (issue 12.11): the data behind the pictures."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
from PIL import Image

from planner.model.plan import Plan
from planner.render.charts import cap_chart_png, presence_steps, timeline_figure, timeline_png

TWO_VISITS = {"name": "two visits", "assets": [{
    "id": "tributs", "nation": "RUS", "kind": "warship", "crew": 300, "speed_kn": 14,
    "range_nm": 4000, "itinerary": [
        {"at": "chennai", "arrive": "2026-03-01", "depart": "2026-04-01", "purpose": "exercise"},
        {"at": "visakhapatnam", "arrive": "2026-06-01", "depart": "2026-07-01",
         "purpose": "exercise"}]}]}


def _report():
    return Plan.from_dict(TWO_VISITS).check()


def test_steps_drop_to_zero_between_visits():
    times, counts = presence_steps(_report().presence, "IND", "RUS", "warships")
    # hand-made: one ship 1 Mar - 1 Apr and 1 Jun - 1 Jul, nobody in between
    assert [t.strftime("%Y-%m-%d") for t in times] == [
        "2026-03-01", "2026-04-01", "2026-06-01", "2026-07-01"]
    assert counts.tolist() == [1, 0, 1, 0]


def test_steps_add_nations_when_asked_and_are_empty_for_nobody():
    times, counts = presence_steps(_report().presence, "IND", None, "personnel")
    assert counts.tolist() == [300, 0, 300, 0]
    times, counts = presence_steps(_report().presence, "RUS", "IND", "warships")
    assert len(times) == 0 and len(counts) == 0


def test_timeline_figure_draws_the_steps_not_a_bridge():
    """The old chart joined (start, end) pairs with lines: one ship looked present for the
    three months between its visits. The drawn line must be at zero in May."""
    fig = timeline_figure(_report(), Plan.from_dict(TWO_VISITS).agreement)
    ax = fig.axes[0]  # first row: (IND, RUS); first column: warships
    assert "RUS warships in IND (cap 5)" in ax.get_title()
    (line,) = [ln for ln in ax.get_lines() if ln.get_linestyle() == "-"]
    xs = pd.to_datetime(line.get_xdata())
    ys = np.asarray(line.get_ydata())
    may = pd.Timestamp("2026-05-15")
    # a post-step: the value at t is the last y whose x <= t
    assert ys[np.searchsorted(xs, may, side="right") - 1] == 0
    assert ys[np.searchsorted(xs, pd.Timestamp("2026-03-15"), side="right") - 1] == 1
    caps = [ln for ln in ax.get_lines() if ln.get_linestyle() == "--"]
    assert caps and set(np.asarray(caps[0].get_ydata())) == {5}


def test_pngs_are_real_images_of_the_expected_size():
    r = _report()
    png = timeline_png(r, Plan.from_dict(TWO_VISITS).agreement, dpi=50)
    img = Image.open(io.BytesIO(png))
    assert img.format == "PNG" and img.size == (500, 2 * 120)  # 10 in x 2.4 in per row, 50 dpi
    small = Image.open(io.BytesIO(cap_chart_png(r.presence, "IND", {"warships": 5})))
    assert small.size == (int(4.2 * 80), int(3.3 * 80))
    grey = np.asarray(small.convert("L"), float)
    assert grey.std() > 5  # something is drawn
