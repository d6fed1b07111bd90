"""Property tests (issue 7): whatever a plan holds, the planner answers with a report or a
located refusal; never a traceback, never a hang.

Strategies build VALID plans (catalogue ids, UTC times, sane numbers) and then MUTATE them:
keys dropped, duplicated or misspelt, wrong types, extreme numbers, NaN and inf, huge strings,
unicode and RTL text, script payloads, times in other zones or far from now, calls at the poles
and on the antimeridian, zero-length legs, the same facility twice in a row, many assets.

The oracle (:func:`run_pipeline`): ``Plan.from_dict``/``Plan.load`` then ``plan.check()`` and
``report.to_json()`` either give a report whose JSON parses with ``ok`` matching the error
findings, or raise :class:`PlanError` whose every problem names a file and a field (or a line,
for a file-level problem). Anything else fails.

Profiles: the default (CI) keeps the whole module to about a minute on two cores; set
``HYPOTHESIS_PROFILE=relos-long`` (``python bench/fuzz_long.py``) for many more examples.
Routing is cached per pair of places, so the strategies reuse a small set of places.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
import tempfile
import zoneinfo
from pathlib import Path

import pytest
import yaml
from conftest import hang_guard
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from planner import Plan
from planner.layers.catalogue import catalogue_ids
from planner.model.problems import PlanError

REPO = Path(__file__).resolve().parents[1]
REGRESSIONS = Path(__file__).resolve().parent / "regressions"

# -- profiles ---------------------------------------------------------------------------------
settings.register_profile(
    "relos-ci", deadline=None, derandomize=True, database=None, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                           HealthCheck.filter_too_much])
settings.register_profile(
    "relos-long", deadline=None, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                           HealthCheck.filter_too_much])
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "relos-ci")
if PROFILE not in ("relos-ci", "relos-long"):
    PROFILE = "relos-ci"
#: Examples in the long profile are this many times the CI number.
SCALE = int(os.environ.get("RELOS_FUZZ_SCALE", "25")) if PROFILE == "relos-long" else 1


def fuzz_settings(n: int):
    """Settings for a property with ``n`` examples in CI (``n * SCALE`` in the long run)."""
    return settings(settings.get_profile(PROFILE), max_examples=n * SCALE)


#: Seconds one example may run (cold routing of a new pair included) before it counts as hung:
#: a hang guard, not a speed limit (timings belong in bench/).
EXAMPLE_BOUND_S = 120.0

# -- places: a small set, so routing (cached per pair) stays cheap ------------------------------
CATALOGUE = set(catalogue_ids())
EXTREMES = ["89.9,179.9", "-90,0", "0,180", "0,-180", "-45.5,-179.99", "90,-180"]
SEA_PLACES = ["visakhapatnam", "chennai", "colombo", "singapore", "djibouti", "vladivostok",
              *EXTREMES]
AIR_PLACES = ["hindon", "ins-dega", "chkalovsky", "ins-rajali", *EXTREMES]
assert set(SEA_PLACES[:6]) <= CATALOGUE and set(AIR_PLACES[:4]) <= CATALOGUE
PURPOSES = ["exercise", "training", "humanitarian", "disaster_relief", "mutually_agreed"]
NATIONS = ["RUS", "IND", "RUS", "IND", "USA", "LKA"]

PAYLOADS = [
    "<script>window.__pwned=1</script>",
    '<img src=x onerror="window.__pwned=1">',
    "</script><script>window.__pwned=1</script>",
    "javascript:window.__pwned=1",
    '"><svg onload=window.__pwned=1>',
    "{{ 7*7 }} ${7*7} %(x)s {0}",
    "'); window.__pwned=1; //",
]
UNICODE = ["Адмирал Горшков", "\u202eRTL override\u202c", "أسطول البحر", "שייטת",
           "ஐஎன்எஸ் விக்ராந்த்", "🚢⚓", "e\u0301\u0301\u0301", "\u200b\u200d", "ℵ₀"]
name_text = st.one_of(
    st.sampled_from(["Admiral Gorshkov", "INS Vikrant", *UNICODE, *PAYLOADS]),
    st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=40),
)


def fmt_time(t: dt.datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%MZ")


#: Mostly near the agreement's term; sometimes far off (before 1970, late this century).
anchor_times = st.one_of(
    st.datetimes(dt.datetime(2025, 12, 1), dt.datetime(2027, 6, 1)),
    st.datetimes(dt.datetime(1900, 1, 2), dt.datetime(2199, 1, 1)),
).map(lambda t: t.replace(second=0, microsecond=0, tzinfo=dt.UTC))


@st.composite
def time_value(draw, t: dt.datetime):
    """A UTC time written one of the ways a plan may give it."""
    how = draw(st.sampled_from(["z", "z", "offset0", "naive", "date", "object"]))
    if how == "z":
        return fmt_time(t)
    if how == "offset0":
        return t.strftime("%Y-%m-%dT%H:%M:%S+00:00")
    if how == "naive":
        return t.strftime("%Y-%m-%dT%H:%M:%S")
    if how == "date":
        return t.strftime("%Y-%m-%d")
    return t


@st.composite
def valid_asset(draw, idx: int, facility_ids: list[str]):
    kind = draw(st.sampled_from(["warship", "aircraft"]))
    places = (SEA_PLACES if kind == "warship" else AIR_PLACES) + facility_ids
    n_calls = draw(st.integers(1, 4))
    t = draw(anchor_times)
    calls = []
    for j in range(n_calls):
        call: dict = {"at": draw(st.sampled_from(places))}
        if j > 0 and draw(st.booleans()):  # the same facility twice: a zero-length leg
            call["at"] = calls[-1]["at"]
        if j == 0:
            call["depart"] = draw(time_value(t))
        else:
            if draw(st.booleans()):
                t = t + dt.timedelta(hours=draw(st.integers(0, 2000)))
                call["arrive"] = draw(time_value(t))
            if j < n_calls - 1 or draw(st.booleans()):
                t = t + dt.timedelta(hours=draw(st.integers(0, 400)))
                call["depart"] = draw(time_value(t))
                if "arrive" not in call:
                    pass  # depart alone: the arrival is computed
        if draw(st.booleans()):
            call["purpose"] = draw(st.sampled_from([*PURPOSES, "sightseeing"]))
        if kind == "warship" and draw(st.integers(0, 5)) == 0:
            call["avoid"] = draw(st.lists(st.sampled_from(["suez", "malacca", "hormuz"]),
                                          max_size=2, unique=True))
        if kind == "aircraft" and draw(st.integers(0, 5)) == 0:
            call["deny"] = draw(st.lists(st.sampled_from(["PAK", "CHN", "IRN"]), max_size=2,
                                         unique=True))
        calls.append(call)
    asset = {"id": f"a{idx}-{draw(st.sampled_from(['x', 'ship', 'ил', 'طائرة']))}",
             "name": draw(name_text), "nation": draw(st.sampled_from(NATIONS)),
             "kind": kind, "crew": draw(st.integers(1, 1500 if kind == "warship" else 400)),
             "itinerary": calls}
    if kind == "warship":
        asset["speed_kn"] = draw(st.floats(1, 40))
        asset["range_nm"] = draw(st.one_of(st.floats(100, 20000), st.integers(100, 20000)))
        asset["ice_class"] = draw(st.sampled_from(["none", "Arc4", "Arc7"]))
    else:
        key = draw(st.sampled_from(["speed_kmh", "speed_kt"]))
        asset[key] = draw(st.floats(150, 1000))
        asset[draw(st.sampled_from(["range_km", "range_nm"]))] = draw(st.floats(500, 15000))
    return asset


@st.composite
def valid_plans(draw, min_assets: int = 1, max_assets: int = 3):
    plan: dict = {"name": draw(name_text)}
    facility_ids: list[str] = []
    if draw(st.booleans()):
        lat, lon = draw(st.sampled_from([(15.0, 86.0), (89.9, 179.9), (-90.0, 0.0),
                                         (0.0, -180.0), (-10.0, 180.0)]))
        plan["facilities"] = [{"id": "fx-area", "name": draw(name_text),
                               "kind": draw(st.sampled_from(["port", "airbase", "sea_area"])),
                               "lat": lat, "lon": lon}]
        facility_ids.append("fx-area")
    if draw(st.booleans()):
        plan["agreement"] = {"in_force": draw(st.sampled_from(
            ["2026-01-01", "1969-07-20", "2150-06-30"])), "extended": draw(st.booleans())}
    if draw(st.booleans()):
        plan["horizon_end"] = fmt_time(draw(anchor_times))
    if draw(st.booleans()):
        plan["friendly"] = draw(st.lists(st.sampled_from(["colombo", "djibouti", "singapore"]),
                                         max_size=2, unique=True))
    n = draw(st.integers(min_assets, max_assets))
    plan["assets"] = [draw(valid_asset(i, facility_ids)) for i in range(n)]
    dets = []
    for k in range(draw(st.integers(0, 2))):
        start = draw(anchor_times)
        dets.append({"id": f"d{k}", "name": draw(name_text),
                     "nation": draw(st.sampled_from(NATIONS)),
                     "strength": draw(st.integers(1, 4000)),
                     "at": draw(st.sampled_from(["visakhapatnam", "hindon", "vladivostok",
                                                 *facility_ids])),
                     "from": fmt_time(start),
                     "to": fmt_time(start + dt.timedelta(days=draw(st.integers(1, 60)))),
                     "purpose": draw(st.sampled_from([*PURPOSES, "tourism"]))})
    if dets:
        plan["detachments"] = dets
    return plan


# -- mutations ----------------------------------------------------------------------------------
def _paths(obj, prefix=()):
    if prefix:
        yield prefix
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from _paths(v, prefix + (k,))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from _paths(v, prefix + (i,))


weird_values = st.one_of(
    st.none(), st.booleans(),
    st.integers(-(2**70), 2**70),
    st.sampled_from([0, -1, 1e-300, -0.0, 1e308, 10**400 // 10**300, 2**63, 1e9 + 1]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([float("nan"), float("inf"), -float("inf")]),
    st.text(max_size=30),
    st.sampled_from(PAYLOADS + UNICODE),
    st.sampled_from(["x" * 201, "y" * 100_000, " ", "", "\x00", "\t\n", "\ufeff"]),
    st.sampled_from(["89.9,179.9", "-90,0", "0,180", "91,0", "0,181", "nan,0", "inf,inf",
                     "1e400,0", "0 , 0", "-0,-0", ",", "1,2,3"]),
    st.sampled_from(["2026-03-01T00:00+05:30", "2026-03-01T00:00-08:00", "1969-07-20T20:17Z",
                     "1899-12-31", "0001-01-01", "9999-12-31T23:59Z", "2026-02-30",
                     "2026-13-01", "now", "2026-03-01T24:00Z", "2200-01-01", "2026-02-29",
                     "2026-02-30 08:00:00", "2026-03-01 25:00:00", "0000-01-01",
                     "2026-13-01T08:00:00Z"]),
    st.sampled_from(["4,850", "14,5", "1e12", "4850 nm", "1 000", "excercise", "knots"]),
    st.datetimes(timezones=st.sampled_from([zoneinfo.ZoneInfo("Asia/Kolkata"),
                                            zoneinfo.ZoneInfo("America/Anchorage"),
                                            dt.UTC])),
    st.dates(),
    st.sampled_from(sorted(CATALOGUE)),
    st.lists(st.integers(-200, 200), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)


@st.composite
def mutated_plans(draw, max_mutations: int = 3):
    plan = draw(valid_plans())
    for _ in range(draw(st.integers(1, max_mutations))):
        paths = list(_paths(plan))
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = plan
        for part in path[:-1]:
            parent = parent[part]
        last = path[-1]
        op = draw(st.sampled_from(["delete", "duplicate", "replace", "replace", "unknown_key",
                                   "extreme_number"]))
        if op == "delete":
            del parent[last]
        elif op == "duplicate":
            if isinstance(parent, list):  # the same asset/call/detachment twice in a row
                parent.insert(last, json.loads(json.dumps(parent[last], default=str)))
            else:  # the same value under a near-miss key
                parent[f"{last}_"] = parent[last]
        elif op == "replace":
            parent[last] = draw(weird_values)
        elif op == "unknown_key":
            target = parent[last] if isinstance(parent[last], dict) else parent
            if isinstance(target, dict):
                target[draw(st.sampled_from(["speed", "Name", "itinerary ", "at", "eta",
                                             "__class__", "!!python/object"]))] = 1
        else:
            parent[last] = draw(st.sampled_from([0, -5, 1e-9, 1e9, 1e12, 2**64, float("nan"),
                                                 float("inf"), -float("inf"), 0.5]))
    return plan


# -- the oracle ---------------------------------------------------------------------------------
def check_problems(exc: PlanError, file: str | None = None) -> None:
    """Every problem names a file, and a field (or, for a file-level problem, a line or a
    whole-file reason)."""
    assert exc.problems, "PlanError without problems"
    for p in exc.problems:
        assert p.file, p
        if file is not None:
            assert p.file in (file, str(file)), p
        assert p.message and "Traceback" not in p.message, p
        assert p.field or p.line is not None or file is not None, \
            f"problem names neither field nor line: {p}"


def check_report(report) -> dict:
    doc = json.loads(report.to_json())
    errors = [f for f in doc["findings"] if f["severity"] == "error"]
    assert doc["ok"] is (not errors) is report.ok
    assert isinstance(doc["legs"], list)
    text = report.to_text()
    assert text.startswith("Plan: ")
    return doc


def run_pipeline(data=None, *, path: Path | None = None):
    """The Python API on one plan: a Report (checked) or a PlanError (checked); None then."""
    trace = os.environ.get("RELOS_FUZZ_TRACE")
    if trace:  # the example about to run, so a hang can be recovered (bench/fuzz_long.py)
        with open(trace, "a", encoding="utf-8") as fh:
            fh.write(json.dumps({"data": data, "path": str(path) if path else None,
                                 "text": path.read_text(encoding="utf-8") if path else None},
                                default=repr, ensure_ascii=False) + "\n")
    try:
        with hang_guard(EXAMPLE_BOUND_S):
            plan = Plan.load(path) if path is not None else Plan.from_dict(data)
            report = plan.check()
            check_report(report)
    except PlanError as exc:
        check_problems(exc, str(path) if path is not None else None)
        plan = report = None
    return plan, report


# -- properties ---------------------------------------------------------------------------------
@fuzz_settings(40)
@given(valid_plans())
def test_valid_plans_check_cleanly(plan_dict):
    plan, report = run_pipeline(plan_dict)
    # a plan built from the valid strategy only ever fails on time bounds it cannot know
    # (a long leg from a late anchor running past 2200)
    if report is not None:
        assert len(report.legs) <= sum(len(a["itinerary"]) - 1 for a in plan_dict["assets"])


@fuzz_settings(300)
@given(mutated_plans())
@example({"name": "x", "assets": [{"id": "a", "nation": "RUS", "kind": "warship", "crew": 1,
                                   "speed_kn": 1e-9, "range_nm": 100, "itinerary": [
                                       {"at": "chennai", "depart": "2026-03-01"},
                                       {"at": "colombo"}]}]})
@example({"name": "x", "agreement": {"in_force": "9999-12-31"},
          "assets": [{"id": "a", "nation": "RUS", "kind": "warship", "crew": 1, "speed_kn": 10,
                      "range_nm": 100, "itinerary": [{"at": "chennai", "depart": "2026-03-01"}]}]})
@example({"name": "x", "assets": [{"id": "a", "nation": "RUS", "kind": "warship", "crew": 1,
                                   "speed_kn": 10, "range_nm": 100, "itinerary": [
                                       {"at": "chennai", "depart": "0001-01-01"},
                                       {"at": "colombo"}]}]})
def test_mutated_plans_report_or_refuse(plan_dict):
    run_pipeline(plan_dict)


@fuzz_settings(12)
@given(valid_plans(min_assets=20, max_assets=60))
def test_many_assets(plan_dict):
    run_pipeline(plan_dict)


@st.composite
def yaml_texts(draw):
    """A plan as YAML text, sometimes damaged at the text level (duplicate keys, lost lines,
    truncation, stray characters, tabs, aliases)."""
    plan = draw(st.one_of(valid_plans(), mutated_plans(max_mutations=1)))
    text = yaml.safe_dump(plan, allow_unicode=True, sort_keys=False, width=1_000_000)
    lines = text.splitlines(keepends=True)
    op = draw(st.sampled_from(["none", "dup_line", "drop_line", "truncate", "insert", "tab",
                               "alias", "bom", "bare_times"]))
    if op == "dup_line" and lines:  # usually a duplicate mapping key
        i = draw(st.integers(0, len(lines) - 1))
        lines.insert(i, lines[i])
    elif op == "drop_line" and lines:
        del lines[draw(st.integers(0, len(lines) - 1))]
    elif op == "truncate":
        text = "".join(lines)
        lines = [text[: draw(st.integers(0, len(text)))]]
    elif op == "insert":
        text = "".join(lines)
        i = draw(st.integers(0, len(text)))
        lines = [text[:i], draw(st.sampled_from(["{", "]", ": :", "&a", "*a", "!!python/"
                                                 "object/apply:os.system ['true']", "\t", "'",
                                                 "- ", "? "])), text[i:]]
    elif op == "tab" and lines:
        i = draw(st.integers(0, len(lines) - 1))
        lines[i] = "\t" + lines[i]
    elif op == "alias":
        lines.append("x-anchors: &big [1, 2, 3]\nx-use: [*big, *big]\n")
    elif op == "bom":
        lines.insert(0, "\ufeff")
    elif op == "bare_times":  # as a person writes them: PyYAML's timestamp resolver sees them
        return _BARE_TIME.sub(r"\1", "".join(lines))
    return "".join(lines)


#: A quoted timestamp-shaped value (safe_dump quotes "2026-13-01" because it looks like a
#: timestamp), so the fuzz can write it bare as a plan's author would (issue 12).
_BARE_TIME = re.compile(r"'(\d{4}-\d{1,2}-\d{1,2}(?:[Tt ][0-9:.]+(?:Z|[+-][0-9:]+)?)?)'")


@pytest.fixture(scope="module")
def fuzz_dir():
    with tempfile.TemporaryDirectory(prefix="relos-fuzz-") as d:
        yield Path(d)


@fuzz_settings(150)
@given(text=yaml_texts())
@example(text="a: &a [1]\nb: *a\nname: x\n")
@example(text="name: x\nname: y\nassets: []\n")
@example(text="!!python/object/apply:os.system ['touch /tmp/relos-pwned']\n")
def test_yaml_files_report_or_refuse(fuzz_dir, text):
    path = fuzz_dir / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    run_pipeline(path=path)
    assert not Path("/tmp/relos-pwned").exists()


@fuzz_settings(15)
@given(plan_dict=st.one_of(valid_plans(max_assets=2), mutated_plans(max_mutations=2)))
def test_maps_of_fuzzed_plans(plan_dict):
    from planner.render.maps import map_html, plan_map

    plan, report = run_pipeline(plan_dict)
    if report is None:
        return
    text = map_html(plan_map(plan, report), offline=False)
    assert text.rstrip().endswith("</html>")
    for payload in PAYLOADS[:3]:  # planted payloads never appear unescaped
        assert payload not in text


# -- the command line ---------------------------------------------------------------------------
def run_cli(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    return subprocess.run([sys.executable, "-m", "planner.cli", *args], capture_output=True,
                          text=True, cwd=REPO, timeout=timeout, env=env)


def check_cli_outcome(proc: subprocess.CompletedProcess, path: Path) -> None:
    assert "Traceback" not in proc.stderr and "Traceback" not in proc.stdout, proc.stderr
    assert proc.returncode in (0, 1, 2), (proc.returncode, proc.stderr[-2000:])
    if proc.returncode in (0, 1):
        doc = json.loads(proc.stdout)
        errors = [f for f in doc["findings"] if f["severity"] == "error"]
        assert doc["ok"] is (not errors)
        assert proc.returncode == (0 if doc["ok"] else 1)
    else:
        lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
        assert lines, "exit 2 without a message"
        for ln in lines:  # one located message per problem: FILE[:LINE]: ...
            assert ln.startswith(str(path)) or ln.startswith("relos: "), ln


@pytest.mark.slow
@fuzz_settings(6)
@given(text=yaml_texts())
def test_cli_check_on_fuzzed_files(fuzz_dir, text):
    path = fuzz_dir / "cli-plan.yaml"
    path.write_text(text, encoding="utf-8")
    proc = run_cli("check", str(path), "--format", "json")  # run_cli's timeout: a hang guard
    check_cli_outcome(proc, path)


# -- recorded regressions -----------------------------------------------------------------------
def _regression_files():
    return sorted(p for p in REGRESSIONS.glob("*") if p.suffix in (".yaml", ".csv"))


def _header_source(path: Path) -> Path:
    """Where a regression file's ``# expect-exit:`` header is: in the file's first lines (a YAML
    comment), or for a CSV plan, whose first line is its column header, in ``NAME.expect``."""
    return path.with_suffix(".expect") if path.suffix == ".csv" else path


def _expected_exit(path: Path) -> set[int]:
    """The exit codes a recorded regression may give. The header is mandatory: a file without
    one would accept any outcome, so it is an error, not a pass."""
    source = _header_source(path)
    if source.exists():
        for line in source.read_text(encoding="utf-8").splitlines()[:5]:
            if line.startswith("# expect-exit:"):
                codes = {int(x) for x in line.split(":", 1)[1].split(",")}
                if not codes or not codes <= {0, 1, 2}:
                    raise ValueError(f"{source}: expect-exit must list codes of 0, 1, 2")
                return codes
    raise ValueError(f"{source}: no '# expect-exit: CODES' line in its first five lines")


def test_regression_header_is_mandatory(tmp_path):
    bare = tmp_path / "no-header.yaml"
    bare.write_text("name: x\nassets: []\n", encoding="utf-8")
    with pytest.raises(ValueError, match="no '# expect-exit"):
        _expected_exit(bare)
    loose = tmp_path / "loose.yaml"
    loose.write_text("# expect-exit: 0,1,2,3\nname: x\n", encoding="utf-8")
    with pytest.raises(ValueError, match="codes of 0, 1, 2"):
        _expected_exit(loose)
    table = tmp_path / "plan.csv"
    table.write_text("asset,nation\n", encoding="utf-8")
    with pytest.raises(ValueError, match="plan.expect"):
        _expected_exit(table)
    (tmp_path / "plan.expect").write_text("# expect-exit: 2\n", encoding="utf-8")
    assert _expected_exit(table) == {2}


@pytest.mark.parametrize("path", _regression_files(), ids=lambda p: p.name)
def test_regression_file_has_its_header(path):
    assert _expected_exit(path) <= {0, 1, 2}


@pytest.mark.parametrize("path", _regression_files(), ids=lambda p: p.name)
def test_regression_api(path):
    run_pipeline(path=path)


@pytest.mark.parametrize("path", _regression_files(), ids=lambda p: p.name)
def test_regression_cli(path):
    proc = run_cli("check", str(path), "--format", "json")
    check_cli_outcome(proc, path)
    assert proc.returncode in _expected_exit(path), proc.stderr
