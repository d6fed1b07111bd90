"""Fast CSV loading for plans that are valid: vectorised checks with pandas, then the model
objects built directly. Anything the fast checks do not accept goes to the row-by-row loader
(:func:`planner.plan_csv.load_csv`), which reports every problem with its line and column;
so the fast path never has to produce an error message itself."""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd

from planner.core.units import KM_PER_NM, KMH_PER_KN
from planner.layers.catalogue import Place, UnknownPlace, call_id, resolve_place
from planner.model.agreement import Agreement
from planner.model.csv_columns import COLUMNS, OPTIONAL, RANGE_UNITS, SPEED_UNITS
from planner.model.objects import ASSET_KINDS, ICE_CLASSES, Asset, Call
from planner.model.quantities import UNIT_KEYS, purpose_problem, within_limits
from planner.model.times import years_ok
from planner.model.validate import valid_nation

_TIME = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}(?:[T ][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?"
                   r"(?:Z|[+-]00:?00)?)?$")
_ASSET_COLS = ["nation", "kind", "crew", "speed", "speed_unit", "range", "range_unit",
               "ice_class"]


class _Slow(Exception):
    """The fast path declines; the row-by-row loader takes over."""


def try_load_csv_fast(text: str, source: str, base_plan_kwargs: dict, places: dict,
                      agreement: Agreement):
    """The plan fields from CSV text if every row passes the vectorised checks, else None."""
    from io import StringIO


    try:
        df = pd.read_csv(StringIO(text), dtype=str, keep_default_na=False,
                         skipinitialspace=True, engine="c")
    except Exception:  # malformed CSV: let the careful loader say where
        return None
    cols = list(df.columns)
    if any(c not in COLUMNS and c not in OPTIONAL for c in cols):
        return None
    if any(c not in cols for c in COLUMNS if c not in ("ice_class", "purpose", "arrive",
                                                        "depart")):
        return None
    for c in OPTIONAL[1:]:  # rare: the careful path handles lists and call options
        if c in cols and (df[c].str.strip() != "").any():
            return None
    if not len(df) or df.isna().any().any():  # a short row: the careful loader says which
        return None
    df = df.apply(lambda s: s.str.strip())
    for c in ("ice_class", "purpose", "arrive", "depart", "name"):
        if c not in df:
            df[c] = ""
    try:
        _check(df, valid_nation, ASSET_KINDS, ICE_CLASSES, SPEED_UNITS, RANGE_UNITS)
        _check_purposes(df["purpose"], agreement.purposes)
        resolved = _resolve(df["at"].unique(), places)
        seq = df["seq"].astype(np.int64).to_numpy()
        if pd.DataFrame({"a": df["asset"].to_numpy(), "s": seq}).duplicated().any():
            raise _Slow  # "01" and "1" are the same seq
        order = np.lexsort((seq, pd.factorize(df["asset"])[0]))
        df = df.iloc[order]
        arrive = _times(df["arrive"])
        depart = _times(df["depart"])
    except (_Slow, ValueError, OverflowError):
        return None
    # the years the careful path (and the YAML loader) accepts, from the same function
    if not (years_ok(arrive) & years_ok(depart)).all():
        return None
    both = ~np.isnat(arrive) & ~np.isnat(depart)
    if (depart[both] < arrive[both]).any():
        return None
    assets: list[Asset] = []
    a_ids = df["asset"].to_numpy()
    at = df["at"].to_numpy()
    purpose = df["purpose"].to_numpy()
    first_rows = np.r_[True, a_ids[1:] != a_ids[:-1]]
    starts = np.flatnonzero(first_rows)
    ends = np.r_[starts[1:], len(df)]
    rec = df[["asset", "name", *_ASSET_COLS]].to_numpy()
    arr_py = _py_times(arrive)
    dep_py = _py_times(depart)
    at_id = {a: call_id(a, p) for a, p in resolved.items()}  # once per distinct place
    for s, e in zip(starts, ends, strict=True):
        aid, name, nation, kind, crew, speed, sunit, rng, runit, ice = rec[s]
        speed_v, range_v = float(speed), float(rng)
        speed_kmh = speed_v if SPEED_UNITS[sunit.lower()] == "speed_kmh" else speed_v * KMH_PER_KN
        range_km = range_v if RANGE_UNITS[runit.lower()] == "range_km" else range_v * KM_PER_NM
        calls = [Call(at_id[at[i]], resolved[at[i]], arr_py[i], dep_py[i], purpose[i] or None)
                 for i in range(s, e)]
        if calls[0].arrive is None and calls[0].depart is None:
            return None
        assets.append(Asset(aid, name or aid, nation, kind, int(float(crew)), speed_kmh,
                            range_km, ice or "none", calls))
    return dict(assets=assets, source=source, agreement=agreement, **base_plan_kwargs)


def _check(df, valid_nation, kinds, ices, speed_units, range_units) -> None:
    if (df["asset"] == "").any() or (df["at"] == "").any():
        raise _Slow
    if not df["seq"].str.fullmatch(r"-?\d+").all():
        raise _Slow
    if df.duplicated(["asset", "seq"]).any():
        raise _Slow
    if df["asset"].str.len().max() > 200 or df["name"].str.len().max() > 200:
        raise _Slow
    # one value per asset for the asset columns
    per_asset = df.groupby("asset", sort=False)[_ASSET_COLS + ["name"]].nunique()
    if (per_asset > 1).any().any():
        raise _Slow
    first = df.drop_duplicates("asset")
    if not all(valid_nation(n) for n in first["nation"]):
        raise _Slow
    if not first["kind"].isin(kinds).all():
        raise _Slow
    ice = first["ice_class"].replace("", "none")
    if not ice.isin(ices).all() or ((first["kind"] == "aircraft") & (ice != "none")).any():
        raise _Slow
    if not first["speed_unit"].str.lower().isin(list(speed_units)).all():
        raise _Slow
    if not first["range_unit"].str.lower().isin(list(range_units)).all():
        raise _Slow
    values = {}
    for col, integer in (("crew", True), ("speed", False), ("range", False)):
        v = pd.to_numeric(first[col], errors="coerce")
        if v.isna().any() or not np.isfinite(v).all() or (v <= 0).any():
            raise _Slow
        if integer and (v != np.floor(v)).any():
            raise _Slow
        values[col] = v.to_numpy(dtype=float)
    # the limits of quantities.within_limits, the function the careful path uses too
    kind = first["kind"].to_numpy()
    to_kmh = first["speed_unit"].str.lower().map(lambda u: UNIT_KEYS[speed_units[u]][1])
    to_km = first["range_unit"].str.lower().map(lambda u: UNIT_KEYS[range_units[u]][1])
    ok = (within_limits("crew", kind, values["crew"])
          & within_limits("speed", kind, values["speed"] * to_kmh.to_numpy(dtype=float))
          & within_limits("range", kind, values["range"] * to_km.to_numpy(dtype=float)))
    if not ok.all():
        raise _Slow
    for col in ("arrive", "depart"):
        s = df[col]
        given = s != ""
        if not s[given].str.match(_TIME).all():
            raise _Slow
    if (df["purpose"].str.len() > 200).any() or (df["at"].str.len() > 200).any():
        raise _Slow


def _check_purposes(purposes: pd.Series, permitted) -> None:
    """Decline a file with a near-miss purpose spelling: the careful path refuses it."""
    for p in purposes.unique():
        if p and purpose_problem(p, permitted) is not None:
            raise _Slow


def _resolve(ids, places: dict) -> dict[str, Place]:
    out = {}
    for i in ids:
        try:
            out[i] = resolve_place(i, places)
        except (UnknownPlace, ValueError):
            raise _Slow from None
    return out


def _times(s: pd.Series) -> np.ndarray:
    given = s != ""
    out = np.full(len(s), np.datetime64("NaT"), dtype="datetime64[us]")
    if given.any():
        t = pd.to_datetime(s[given].str.replace("Z", "", regex=False)
                           .str.replace(r"[+-]00:?00$", "", regex=True),
                           format="ISO8601", errors="coerce")
        if t.isna().any():
            raise _Slow
        out[given.to_numpy()] = t.to_numpy("datetime64[us]")
    return out


def _py_times(a: np.ndarray) -> list[dt.datetime | None]:
    """UTC datetimes (tzinfo ``datetime.UTC``) of microsecond times; None for NaT. The
    objects are made in bulk by pandas' C conversion."""
    out = pd.DatetimeIndex(a.astype("datetime64[us]")).tz_localize(dt.UTC).to_pydatetime()
    return [None if n else v for v, n in zip(out.tolist(), np.isnat(a).tolist(), strict=True)]


