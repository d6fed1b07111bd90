"""The fast JSON writer (issue 16) against the standard library: ``iter_document`` gives
exactly ``json.dumps(doc, indent=2, ensure_ascii=False) + "\\n"`` for generated documents of
the report's shape with awkward values; the float range it trusts orjson with is written
alike; the column-wise legs and the block-wise times equal the value-by-value forms; and
``relos check`` on the bench plans writes the bytes the stdlib writer wrote."""

from __future__ import annotations

import datetime as dt
import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import orjson
import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from planner.core.units import iso_times, iso_z
from planner.model.plan import Plan
from planner.render import json_out
from planner.render.report_json import finding_blocks, iso_column, leg_blocks, leg_json

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "russian_task_group_sixth_warship.yaml"
BENCH = Path("/tmp/bp")  # bench plans and main's outputs (bench/bench_e2e.py)


def _reference(doc: dict) -> bytes:
    return (json.dumps(doc, indent=2, ensure_ascii=False, default=json_out.default)
            + "\n").encode("utf-8", "surrogatepass")


def _fast(doc: dict, sections: tuple[str, ...], size: int) -> bytes:
    head = {k: v for k, v in doc.items() if k not in sections}
    parts = [(name, json_out.blocks(doc[name], size)) for name in sections]
    return b"".join(json_out.iter_document(head, parts))


# -- generated documents --------------------------------------------------------------------
_text = st.text(st.characters(codec=None), max_size=12) | st.sampled_from(
    ["", "\u2028\u2029", '"quoted" \\ back/slash', "\x00\x1f\x7f\t\n\r\b\f",
     "Kochi \u2192 Vladivostok \U0001f6a2", "\ud800 lone", "Ж\u00e9\u0301"])
_float = (st.floats(allow_nan=True, allow_infinity=True)
          | st.sampled_from([1e16, 1e-5, 1e-4, 9.99e-5, 1e-7, 1e22, 5e-324, -0.0, 0.0,
                             1.7976931348623157e308, 0.1, 100.0, 2.5e-10])
          | st.floats(min_value=1e-12, max_value=1e-3))
_int = st.integers(min_value=-(2 ** 70), max_value=2 ** 70) | st.integers(-10, 10)
_time = st.datetimes(min_value=dt.datetime(1, 1, 1), max_value=dt.datetime(9999, 12, 31),
                     timezones=st.sampled_from([None, dt.UTC]))
_leaf = (st.none() | st.booleans() | _int | _float | _text
         | _float.map(np.float64) | st.integers(-5, 5).map(np.int64) | _time)
_key = _text | st.integers(-3, 3) | st.sampled_from([None, True, 1.5])
_value = st.recursive(
    _leaf, lambda inner: (st.lists(inner, max_size=4) | st.tuples(inner, inner)
                          | st.dictionaries(_key, inner, max_size=4)), max_leaves=12)
_finding = st.fixed_dictionaries(
    {"code": _text, "severity": st.sampled_from(["error", "warning", "info"]),
     "host": st.none() | _text, "start": st.none() | _text, "value": st.none() | _float,
     "limit": st.none() | _float, "assets": st.lists(_text, max_size=3), "message": _text},
    optional={"unit": _text, "leg": _int, "extra": st.dictionaries(_text, _value,
                                                                     max_size=3)})
_leg = st.fixed_dictionaries(
    {"asset": _text, "distance_nm": _float, "passages": st.lists(_text, max_size=2),
     "territorial_nm": st.dictionaries(_text, _float, max_size=3)})
_doc = st.fixed_dictionaries(
    {"plan": _text, "ok": st.booleans(), "transit": st.booleans(),
     "findings": st.lists(_finding, max_size=7), "legs": st.lists(_leg, max_size=7),
     "headroom": st.lists(st.dictionaries(_text, _leaf, max_size=4), max_size=3)})


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=_doc, size=st.integers(1, 4))
@example(doc={"plan": "", "ok": True, "transit": False, "findings": [], "legs": [],
              "headroom": []}, size=1)
def test_writer_is_the_stdlib_document(doc, size):
    order = ("plan", "ok", "transit", "findings", "legs", "headroom")
    doc = {k: doc[k] for k in order}  # the report's key order
    assert _fast(doc, ("findings", "legs", "headroom"), size) == _reference(doc)


@settings(max_examples=200, deadline=None)
@given(head=st.dictionaries(st.text(max_size=5), _value, max_size=3),
       items=st.lists(_value, max_size=6), size=st.integers(1, 3))
def test_writer_any_head_and_items(head, items, size):
    head = {k: v for k, v in head.items() if k != "items"}
    doc = {**head, "items": items}
    assert _fast(doc, ("items",), size) == _reference(doc)


_plain_float = (st.floats(min_value=1e-4, max_value=1.7976931348623157e308)
                | st.sampled_from([0.0, -0.0, 1e16, 1e-4, 123456789.125]))
_plain_leaf = (st.none() | st.booleans() | st.integers(-(2 ** 63), 2 ** 64 - 1)
               | _plain_float | _plain_float.map(lambda x: -x) | _plain_float.map(np.float64)
               | st.text(st.characters(codec="utf-8"), max_size=12)
               | st.sampled_from(["\u2028", "\x00\x1f\x7f", '"\\/', "\U0001f6a2"]))
_plain_value = st.recursive(
    _plain_leaf, lambda inner: (st.lists(inner, max_size=4) | st.tuples(inner)
                                | st.dictionaries(st.text(max_size=4), inner, max_size=4)),
    max_leaves=12)


@settings(max_examples=300, deadline=None)
@given(items=st.lists(_plain_value, min_size=1, max_size=8), size=st.integers(1, 4))
def test_orjson_blocks_are_the_stdlib_document(items, size):
    """Documents orjson writes whole (no block falls back): the same bytes."""
    assert all(json_out._plain(b) for b in json_out.blocks(items, size))
    orjson.dumps(items, default=json_out._orjson_default, option=json_out._OPTIONS)  # no raise
    doc = {"plan": "p", "items": items}
    assert _fast(doc, ("items",), size) == _reference(doc)


def _walk_plain(v) -> bool:
    """The rule value by value, recursively (the reference for the column-wise walk)."""
    t = type(v)
    if t in (str, int, bool, type(None)):
        return True
    if t in (float, np.float64):
        return 1e-4 <= abs(v) <= 1.7976931348623157e308 or v == 0.0
    if t is dict:
        return all(_walk_plain(x) for x in v.values())
    if t in (list, tuple):
        return all(_walk_plain(x) for x in v)
    return False


@settings(max_examples=400, deadline=None)
@given(values=st.lists(_value | _plain_value, max_size=8), share=st.booleans())
def test_plain_values_is_the_value_by_value_rule(values, share):
    if share and values:  # the same container object several times (legs share routes)
        values = values + [values[0]] * 3
    expected = all(_walk_plain(v) for v in values)
    assert json_out.plain_values(values) == expected
    assert json_out.plain_values(values, distinct=True) == expected


def test_plain_values_gives_up_past_orjsons_depth():
    deep: list = []
    for _ in range(300):
        deep = [deep]
    assert not json_out.plain_values([deep])
    loop: list = []
    loop.append(loop)
    assert not json_out.plain_values([loop])  # a cycle: the stdlib reports it


def test_no_head_no_sections():
    assert b"".join(json_out.iter_document({}, [])) == b"{}\n"
    assert b"".join(json_out.iter_document({}, [("a", iter([]))])) == b'{\n  "a": []\n}\n'


# -- what the fast path relies on -------------------------------------------------------------
def test_orjson_writes_the_trusted_floats_as_python():
    """Every float :func:`_plain` lets through is written as ``float.__repr__`` writes it:
    each decimal exponent in [-4, 308] with random mantissas (and the neighbours of powers
    of ten); the ones left to the stdlib do differ with this orjson (so the rule is needed)."""
    assert json_out.FAST
    rng = np.random.default_rng(16)
    xs = []
    for e in range(-4, 309):
        base = 10.0 ** e
        xs += [base, math.nextafter(base, 0), math.nextafter(base, math.inf)]
        with np.errstate(over="ignore"):  # 10^308 times the mantissa may overflow: dropped
            xs += (rng.uniform(1, 10, 40) * base).tolist()
    xs = [x for x in xs if math.isfinite(x) and x >= 1e-4]
    xs += [-x for x in xs] + [0.0, -0.0]
    assert json_out._plain(xs)
    assert orjson.dumps(xs) == json.dumps(xs, separators=(",", ":")).encode()
    for x in (1e-5, 1e-7, 9.99e-5, float("nan"), float("inf")):
        assert not json_out._plain([x])
        assert orjson.dumps(x) != json.dumps(x).encode()


def test_blocks_orjson_refuses_go_to_the_stdlib():
    for items in ([2 ** 64], [{1: "a"}], ["\ud800"], [dt.datetime(2026, 1, 1)],
                  [np.int64(3)], [np.float64("nan")], [[[[]]] * 2]):
        assert json_out.dumps_items(items) == (
            json.dumps(items, indent=2, ensure_ascii=False, default=json_out.default)
            .encode("utf-8", "surrogatepass")[1:-2].replace(b"\n", b"\n  "))


# -- times and legs from whole columns ----------------------------------------------------------
@settings(max_examples=300, deadline=None)
@given(st.lists(st.none() | _time | _time.map(lambda t: t.replace(microsecond=0)),
                max_size=20))
def test_iso_times_is_iso_z(values):
    assert iso_times(values) == [_pandas_iso(v) for v in values]


def _pandas_iso(t):
    # the formula of main's iso_z, independent of its fast path
    if t is None:
        return None
    ts = pd.Timestamp(t)
    ts = ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")
    return ts.strftime("%Y-%m-%dT%H:%M:%SZ")


@settings(max_examples=200, deadline=None)
@given(st.lists(st.datetimes(min_value=dt.datetime(1678, 1, 1),
                             max_value=dt.datetime(2261, 12, 31)) | st.none(), max_size=12),
       st.booleans())
def test_iso_column_is_iso_z(values, aware):
    col = pd.Series(pd.to_datetime(values, utc=aware))
    assert iso_column(col) == [iso_z(v) for v in col.tolist()]
    assert [iso_z(v) for v in col.tolist()] == [
        None if v is pd.NaT else _pandas_iso(v) for v in col.tolist()]


def _leg_rows(legs: pd.DataFrame) -> list[dict]:
    """Legs the way main built them: dict records, one row at a time."""
    cols = ["asset", "from", "to", "mode", "distance_nm", "depart", "arrive", "passages",
            "countries_crossed", "territorial_nm"]
    out = []
    for leg in (legs[cols].to_dict("records") if len(legs) else []):
        out.append({
            "asset": leg["asset"], "from": leg["from"], "to": leg["to"],
            "mode": leg["mode"], "distance_nm": round(float(leg["distance_nm"]), 1),
            "depart": iso_z(leg["depart"].to_pydatetime()),
            "arrive": iso_z(leg["arrive"].to_pydatetime()),
            "passages": list(leg["passages"]),
            "countries_crossed": list(leg["countries_crossed"]),
            "territorial_nm": {k: round(float(v), 1)
                               for k, v in dict(leg["territorial_nm"]).items()}})
    return out


def test_legs_from_columns_are_the_rows():
    report = Plan.load(EXAMPLE).check()
    assert len(report.legs)
    assert list(leg_json(report.legs)) == _leg_rows(report.legs)
    legs = report.legs.copy()
    awkward = [0.05, 0.15, 2.675, 1e-7, 12.25, 4890.627629, 0.0]
    legs["distance_nm"] = [awkward[i % len(awkward)] for i in range(len(legs))]
    legs.loc[legs.index[0], "arrive"] = pd.NaT
    assert list(leg_json(legs)) == _leg_rows(legs)
    assert list(leg_json(legs.iloc[:0])) == []


def test_awkward_findings_and_shared_legs_are_the_stdlib_document():
    """Blocks the builders mark checked hold nothing orjson writes differently: findings with
    tiny, NaN or infinite values and extras, legs that share a route object but whose cells
    differ, all written as the stdlib writes them."""
    report = Plan.load(EXAMPLE).check()
    assert len(report.finding_list) > 3 and len(report.legs) > 2
    f = report.finding_list
    f[0].value, f[1].limit = 1e-7, float("nan")
    f[2].extra = {**f[2].extra, "z": [{"km": float("inf")}], "a": 9.99e-5}
    f[3].extra = {"code": "shadowed", "b": [1, ["x", 2.5e-3]]}
    legs = report.legs.copy()
    legs["route"] = [legs["route"].iloc[0]] * len(legs)  # one route object for every leg
    legs["territorial_nm"] = [{"NOR": float("nan")}] + [dict(t) for t in legs["territorial_nm"][1:]]
    report.legs = legs
    assert b"".join(report.iter_json_bytes()) == _reference(report.to_dict())
    kinds = [type(b) for b in finding_blocks(report.finding_list, size=1)]
    assert kinds[:4] == [list] * 3 + [json_out.Checked]  # only the awkward ones walked again
    assert type(next(leg_blocks(legs, size=1))) is list
    shared = [x for b in leg_blocks(legs, size=2) for x in b]
    assert json.dumps(shared) == json.dumps(list(leg_json(legs)))  # NaN != NaN: as text


def test_report_stream_is_the_stdlib_document():
    report = Plan.load(EXAMPLE).check()
    assert report.to_json().encode() == _reference(report.to_dict())
    assert b"".join(report.iter_json_bytes()) == _reference(report.to_dict())


# -- the bench plans against main's output --------------------------------------------------
def _cli_bytes(plan: Path) -> bytes:
    out = subprocess.run([sys.executable, "-m", "planner.cli", "check", str(plan),
                          "--format", "json"], capture_output=True, cwd=REPO)
    assert out.returncode in (0, 1), out.stderr.decode()
    return out.stdout


@pytest.mark.parametrize("n", [1000, pytest.param(10000, marks=pytest.mark.slow)])
def test_bench_plan_output_is_mains(n):
    plan, ref = BENCH / f"p{n}.csv", BENCH / f"o{n}.json"
    if not (plan.exists() and ref.exists()):
        pytest.skip("bench plans not generated (bench/bench_e2e.py)")
    assert _cli_bytes(plan) == ref.read_bytes()
