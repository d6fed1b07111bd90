"""Write ``geodata/nsr_ice_rules.csv``: which ice classes may sail each NSR sea in each month in
typical ice conditions. The derivation (and its simplifications) is in geodata/SOURCES.md,
"## Northern Sea Route". Run: ``python geodata/build_nsr_ice_rules.py``.

Two tables are combined:

1. ``TYPICAL`` - the typical ice conditions per sea and month, in the three types of the Rules
   (light / medium / heavy) plus ``ice-free``; a simplified reading of the AARI ice climatology
   for the main NSR tracks (summer-autumn navigation roughly July-November, the East Siberian
   Sea the last to clear).
2. ``CRITERIA`` - Appendix 2 of the Rules of Navigation in the water area of the NSR (Russian
   Government Decree No. 1487 of 18 Sep 2020): for each ice class and type of ice conditions,
   independent navigation, icebreaker escort, or not permitted, separately for the winter-spring
   (December-June) and summer-autumn (July-November) navigation periods. The Rules give the
   criteria per sea (Kara SW/NE, Laptev W/E, East Siberian W/E, Chukchi); here the most
   restrictive sub-area of each sea is used for the whole sea.
"""

from __future__ import annotations

import csv
from pathlib import Path

HERE = Path(__file__).resolve().parent
CLASSES = ("none", "Arc4", "Arc5", "Arc6", "Arc7", "Arc8", "Arc9")
SEAS = ("kara", "laptev", "east-siberian", "chukchi")
SUMMER_AUTUMN = (7, 8, 9, 10, 11)  # the Rules' summer-autumn navigation period, Jul-Nov

# typical conditions, January .. December
F, L, M, H = "ice-free", "light", "medium", "heavy"
TYPICAL = {
    "kara":          (H, H, H, H, H, H, M, F, F, L, M, H),
    "laptev":        (H, H, H, H, H, H, M, L, F, L, M, H),
    "east-siberian": (H, H, H, H, H, H, H, M, F, M, H, H),
    "chukchi":       (H, H, H, H, H, H, M, L, F, L, M, H),
}

# (period, conditions) -> outcome per class (none, Arc4, Arc5, Arc6, Arc7, Arc8, Arc9)
IND, ESC, NO = "independent", "escort", "no"
CRITERIA = {
    ("summer-autumn", F): (IND, IND, IND, IND, IND, IND, IND),
    ("summer-autumn", L): (NO, IND, IND, IND, IND, IND, IND),
    ("summer-autumn", M): (NO, ESC, ESC, IND, IND, IND, IND),
    ("summer-autumn", H): (NO, NO, ESC, ESC, ESC, IND, IND),
    ("winter-spring", F): (IND, IND, IND, IND, IND, IND, IND),
    ("winter-spring", L): (NO, ESC, ESC, IND, IND, IND, IND),
    ("winter-spring", M): (NO, NO, ESC, ESC, IND, IND, IND),
    ("winter-spring", H): (NO, NO, NO, NO, ESC, ESC, IND),
}


def rows() -> list[dict]:
    """One dict per (sea, month)."""
    out = []
    for sea in SEAS:
        for month in range(1, 13):
            cond = TYPICAL[sea][month - 1]
            period = "summer-autumn" if month in SUMMER_AUTUMN else "winter-spring"
            row = {"sea": sea, "month": month, "period": period, "conditions": cond}
            row.update(dict(zip(CLASSES, CRITERIA[(period, cond)], strict=True)))
            out.append(row)
    return out


def main() -> None:
    """Write geodata/nsr_ice_rules.csv."""
    out = HERE / "nsr_ice_rules.csv"
    data = rows()
    with out.open("w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(data[0]))
        w.writeheader()
        w.writerows(data)
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
