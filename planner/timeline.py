"""Presence against the caps over time, per host: the chart a planner reads for headroom."""

from __future__ import annotations

from pathlib import Path

from .agreement import CATEGORIES, Agreement


def timeline_figure(report, agreement: Agreement, *, width_in: float = 10.0):
    """A matplotlib Figure: one row per (host, nation), one column per category; counts as a
    step line, the cap as a dashed line, violations shaded red."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    pres = report.presence
    pairs = sorted({(h, n) for h, n in zip(report.headroom["host"], report.headroom["nation"],
                                            strict=True)})
    if not pairs:
        pairs = [("-", "-")]
    fig, axes = plt.subplots(len(pairs), len(CATEGORIES), squeeze=False,
                             figsize=(width_in, 2.4 * len(pairs)), layout="constrained")
    for r, (host, nation) in enumerate(pairs):
        for c, cat in enumerate(CATEGORIES):
            ax = axes[r][c]
            sub = pres[(pres["host"] == host) & (pres["nation"] == nation)
                       & (pres["category"] == cat)] if len(pres) else pres
            cap = agreement.caps.get(cat)
            if len(sub):
                xs, ys = [], []
                for row in sub.sort_values("start").itertuples(index=False):
                    xs += [row.start, row.end]
                    ys += [row.count, row.count]
                    if cap is not None and row.count > cap:
                        ax.axvspan(row.start, row.end, color="#d62728", alpha=0.25, lw=0)
                ax.plot(xs, ys, color="#1f77b4", lw=1.5, drawstyle="default")
                ax.set_ylim(0, max(max(ys), cap or 0) * 1.15 + 1)
            else:
                ax.text(0.5, 0.5, "none present", ha="center", va="center",
                        transform=ax.transAxes, color="#777")
            if cap is not None:
                ax.axhline(cap, color="#d62728", ls="--", lw=1)
            ax.set_title(f"{nation} {cat} in {host} (cap {cap})", fontsize=9)
            ax.tick_params(labelsize=7)
            for label in ax.get_xticklabels():
                label.set_rotation(30)
    return fig


def timeline_png(report, agreement: Agreement, *, dpi: int = 80) -> bytes:
    """The timeline chart as PNG bytes (deterministic: no timestamp metadata)."""
    import io

    import matplotlib.pyplot as plt

    fig = timeline_figure(report, agreement)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
    plt.close(fig)
    return buf.getvalue()


def save_timeline(report, agreement: Agreement, path: str | Path) -> Path:
    """Write the timeline PNG atomically."""
    from .atomic import atomic_write_bytes

    return atomic_write_bytes(path, timeline_png(report, agreement))
