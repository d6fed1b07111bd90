"""Escaping plan text for HTML and embedded JSON, and the popup table cells."""

from __future__ import annotations

import html
import json
import math
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from planner.core.units import fmt_minute


def esc(value: Any) -> str:
    """``value`` as text safe inside HTML (``html.escape`` with quotes)."""
    return html.escape("" if value is None else str(value), quote=True)


def js_json(obj: Any) -> str:
    """``obj`` as compact JSON that is safe inside an HTML ``<script>`` element."""
    s = json.dumps(obj, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return (s.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def popup_rows(pairs: Iterable[tuple[str, Any]]) -> str:
    """An escaped two-column HTML table for a popup, skipping empty values."""
    cells = []
    for k, v in pairs:
        if v is None or v == "" or (isinstance(v, float) and math.isnan(v)):
            continue
        if isinstance(v, list | tuple):
            if not v:
                continue
            v = ", ".join(str(x) for x in v)
        cells.append(f"<tr><td>{esc(k)}</td><td>{esc(v)}</td></tr>")
    return '<table class="relos-popup">' + "".join(cells) + "</table>"


def present(v: Any) -> Any:
    """``v``, or None for a missing value (None, NaN, NaT)."""
    if v is None or (not isinstance(v, list | tuple | np.ndarray) and pd.isna(v)):
        return None
    return v


def when(t: Any) -> str | None:
    """A time as ``2026-03-10 08:00Z`` for a popup (None for missing)."""
    return None if present(t) is None else fmt_minute(t)
