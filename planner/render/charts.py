"""Cap timelines: presence counts per host, nation and category over time, against the caps.

One source for both pictures: :func:`presence_steps` turns the presence table of a report
(``report.presence``: one row per interval of constant count) into step data, with zero
between visits, and the map's side panel (:func:`cap_chart_png`) and ``relos check
--timeline`` (:func:`timeline_figure`) both draw it.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from planner.core.atomic import atomic_write_bytes
from planner.model.agreement import CATEGORIES

#: Colours: counts, caps and shaded violations.
COUNT_COLOUR = "#1f77b4"
CAP_COLOUR = "#d62728"


def presence_steps(presence: pd.DataFrame, host: str, nation: str | None,
                   category: str) -> tuple[pd.DatetimeIndex, np.ndarray]:
    """Step data of one count over time: ``(times, counts)`` where ``counts[i]`` holds from
    ``times[i]`` until ``times[i + 1]`` (the last count is 0). Intervals of the presence table
    that do not touch are separated by a zero; ``nation=None`` adds up every nation."""
    if not len(presence):
        return pd.DatetimeIndex([], tz="UTC"), np.zeros(0, int)
    sel = (presence["host"] == host) & (presence["category"] == category)
    if nation is not None:
        sel &= presence["nation"] == nation
    rows = presence[sel]
    if not len(rows):
        return pd.DatetimeIndex([], tz="UTC"), np.zeros(0, int)
    starts = pd.to_datetime(rows["start"], utc=True)
    ends = pd.to_datetime(rows["end"], utc=True)
    counts = rows["count"].to_numpy(dtype=int)
    ev = pd.concat([pd.Series(counts, index=starts), pd.Series(-counts, index=ends)])
    ev = ev.groupby(level=0).sum().sort_index()
    level = ev.cumsum().to_numpy()
    return pd.DatetimeIndex(ev.index), level


def _naive(times: pd.DatetimeIndex) -> list:
    return [t.tz_convert("UTC").tz_localize(None) for t in times]


def _draw(ax, times, counts, cap: int | None, colour: str, label: str | None = None):
    if len(times):
        ax.step(_naive(times), counts, where="post", color=colour, lw=1.4, label=label)
        if cap is not None:
            for t0, t1, c in zip(times[:-1], times[1:], counts[:-1], strict=True):
                if c > cap:
                    ax.axvspan(t0.tz_localize(None), t1.tz_localize(None), color=CAP_COLOUR,
                               alpha=0.25, lw=0)


def _png(fig: Figure, dpi: int | None = None) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
    return buf.getvalue()


def cap_chart_png(presence: pd.DataFrame, host: str, caps: Mapping[str, int | None],
                  colours: Mapping[str, str] | None = None) -> bytes:
    """The map panel's small chart for one host (deterministic PNG bytes): one step line per
    nation and category, the plan's caps dashed."""
    sub = presence[presence["host"] == host] if len(presence) else presence
    fig = Figure(figsize=(4.2, 3.3), dpi=80)
    axes = fig.subplots(len(CATEGORIES), 1, sharex=True)
    nations = sorted(sub["nation"].astype(str).unique()) if len(sub) else []
    for ax, cat in zip(axes, CATEGORIES, strict=True):
        cap = caps.get(cat)
        for nation in nations:
            times, counts = presence_steps(sub, host, nation, cat)
            _draw(ax, times, counts, cap, (colours or {}).get(nation, COUNT_COLOUR), nation)
        if cap is not None:
            ax.axhline(cap, color=CAP_COLOUR, ls="--", lw=1)
        ax.set_ylabel(cat, fontsize=7)
        ax.tick_params(labelsize=6)
        ax.set_ylim(bottom=0)
    axes[0].set_title(f"presence in {host} (cap dashed)", fontsize=8)
    if axes[0].get_legend_handles_labels()[0]:
        axes[0].legend(fontsize=6, loc="upper left")
    fig.autofmt_xdate(rotation=30)
    fig.tight_layout()
    return _png(fig)


def timeline_figure(report, agreement, *, width_in: float = 10.0) -> Figure:
    """``relos check --timeline``: one row per (host, nation), one column per category; the
    count as a step line (zero between visits), the cap dashed, time over the cap shaded."""
    pairs = sorted({(h, n) for h, n in zip(report.headroom["host"], report.headroom["nation"],
                                            strict=True)}) or [("-", "-")]
    fig = Figure(figsize=(width_in, 2.4 * len(pairs)), layout="constrained")
    axes = fig.subplots(len(pairs), len(CATEGORIES), squeeze=False)
    for r, (host, nation) in enumerate(pairs):
        for c, cat in enumerate(CATEGORIES):
            ax = axes[r][c]
            cap = agreement.caps.get(cat)
            times, counts = presence_steps(report.presence, host, nation, cat)
            if len(times):
                _draw(ax, times, counts, cap, COUNT_COLOUR)
                ax.set_ylim(0, max(int(counts.max()), cap or 0) * 1.15 + 1)
            else:
                ax.text(0.5, 0.5, "none present", ha="center", va="center",
                        transform=ax.transAxes, color="#777")
            if cap is not None:
                ax.axhline(cap, color=CAP_COLOUR, ls="--", lw=1)
            ax.set_title(f"{nation} {cat} in {host} (cap {'none' if cap is None else cap})",
                         fontsize=9)
            ax.tick_params(labelsize=7)
            for label in ax.get_xticklabels():
                label.set_rotation(30)
    return fig


def timeline_png(report, agreement, *, dpi: int = 80) -> bytes:
    """The timeline chart as PNG bytes (deterministic: no timestamp metadata)."""
    return _png(timeline_figure(report, agreement), dpi=dpi)


def save_timeline(report, agreement, path: str | Path) -> Path:
    """Write the timeline PNG atomically."""
    return atomic_write_bytes(path, timeline_png(report, agreement))
