"""The ``relos`` command: exit codes, outputs, and the installed wheel (CONTRACT §3)."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from planner.layers.catalogue import facilities

REPO = Path(__file__).resolve().parents[1]

REQUIRED_IDS = """mumbai karwar kochi visakhapatnam chennai port-blair kolkata mormugao campbell-bay
murmansk severomorsk arkhangelsk sabetta dikson dudinka tiksi pevek provideniya anadyr vladivostok
petropavlovsk-kamchatsky colombo djibouti salalah singapore port-said cape-town ins-hansa
ins-rajali ins-dega ins-parundu car-nicobar ins-baaz ins-utkrosh hindon severomorsk-1
severomorsk-3 olenya nagurskoye temp rogachevo tiksi-airbase anadyr-ugolny vorkuta
chkalovsky""".split()

STAY_PLAN = """
name: stay only
assets:
  - id: a
    nation: RUS
    kind: warship
    crew: 200
    speed_kn: 14
    range_nm: 4000
    itinerary:
      - at: visakhapatnam
        arrive: 2026-03-01
        depart: 2026-03-05
        purpose: exercise
"""


def test_facilities_csv_lists_every_required_id_with_source(relos):
    res = relos("facilities", "--format", "csv")
    assert res.returncode == 0, res.stderr
    rows = list(csv.DictReader(io.StringIO(res.stdout)))
    ids = {r["id"] for r in rows}
    assert set(REQUIRED_IDS) <= ids
    assert all(r["source"].strip() for r in rows)


def test_facilities_filters_and_geojson(relos):
    res = relos("facilities", "--country", "ind", "--kind", "airbase", "--format", "geojson")
    assert res.returncode == 0
    gj = json.loads(res.stdout)
    assert gj["type"] == "FeatureCollection"
    assert {f["properties"]["country"] for f in gj["features"]} == {"IND"}
    assert {f["properties"]["kind"] for f in gj["features"]} == {"airbase"}
    assert any(f["properties"]["id"] == "hindon" for f in gj["features"])


def test_check_exit_codes(relos, write_plan):
    ok = relos("check", str(write_plan(STAY_PLAN)))
    assert ok.returncode == 0, ok.stdout + ok.stderr
    bad_purpose = write_plan(STAY_PLAN.replace("purpose: exercise", "purpose: tourism"), "p.yaml")
    res = relos("check", str(bad_purpose), "--format", "json")
    assert res.returncode == 1
    doc = json.loads(res.stdout)
    assert doc["ok"] is False
    assert [f["code"] for f in doc["findings"] if f["severity"] == "error"] == ["PURPOSE"]
    f = doc["findings"][0]
    assert set(f) >= {"code", "severity", "host", "nation", "start", "end", "value", "limit",
                      "assets", "message"}
    assert f["start"] == "2026-03-01T00:00:00Z"


def test_bad_input_exit_2_located_no_traceback(relos, write_plan, tmp_path):
    path = write_plan(STAY_PLAN.replace("speed_kn: 14", "speed_kn: -3"))
    res = relos("check", str(path))
    assert res.returncode == 2
    assert f"{path}:7: assets[0].speed_kn: must be > 0" in res.stderr
    assert "Traceback" not in res.stderr
    for target in (tmp_path / "missing.yaml", tmp_path):
        res = relos("check", str(target))
        assert res.returncode == 2 and "Traceback" not in res.stderr


def test_bad_input_writes_nothing(relos, write_plan, tmp_path):
    out = tmp_path / "out.html"
    bad = write_plan(STAY_PLAN.replace("nation: RUS", "nation: XX"))
    res = relos("map", str(bad), "-o", str(out))
    assert res.returncode == 2
    assert not out.exists()
    assert list(tmp_path.glob(".out.html*")) == []


def test_route_json_contract(relos):
    res = relos("route", "murmansk", "vladivostok", "--ice-class", "Arc7", "--date",
                "2026-08-15", "--format", "json")
    assert res.returncode == 0, res.stderr
    doc = json.loads(res.stdout)
    assert {"from", "to", "mode", "distance_nm", "distance_km", "passages",
            "geometry"} <= set(doc)
    assert "nsr" in doc["passages"]
    assert doc["distance_km"] == pytest.approx(doc["distance_nm"] * 1.852, rel=1e-3)
    assert doc["geometry"]["type"] in ("LineString", "MultiLineString")


def test_route_text_names_a_canal_transit(relos):
    # Mumbai -> Novorossiysk passes the Suez Canal (Egypt) and the Turkish Straits: Egypt is
    # crossed by the canal, Turkey by its territorial sea in the Dardanelles and Bosporus
    res = relos("route", "mumbai", "novorossiysk", "--nation", "IND")
    assert res.returncode == 0, res.stderr
    (line,) = [x for x in res.stdout.splitlines() if x.startswith("countries crossed:")]
    assert "EGY (canal transit, Suez Canal" in line and "EGY (0 nm" not in line
    tur = re.search(r"TUR \(([\d,]+) nm territorial sea\)", line)
    assert tur and int(tur.group(1).replace(",", "")) > 24  # both straits, 12 nm a side


def test_route_unknown_place_exit_2(relos):
    # "vizag" is an alias of visakhapatnam (CONTRACT section 1); "vizagg" is no place
    res = relos("route", "vizagg", "mumbai")
    assert res.returncode == 2
    assert "unknown place 'vizagg' (did you mean visakhapatnam (Vizag)" in res.stderr


def test_check_timeline_and_clearances_files(relos, tmp_path, write_plan):
    png, csv_path = tmp_path / "t.png", tmp_path / "c.csv"
    res = relos("check", str(write_plan(STAY_PLAN)), "--timeline", str(png),
                "--clearances", str(csv_path))
    assert res.returncode == 0, res.stderr
    # a whole picture, not only a PNG signature: it decodes, and something is drawn on it
    # (what is drawn is the charts' tests' concern)
    import matplotlib.image as mpimg
    import numpy as np

    pixels = mpimg.imread(io.BytesIO(png.read_bytes()), format="png")
    assert pixels.ndim == 3 and min(pixels.shape[:2]) >= 100, pixels.shape
    assert len(np.unique(pixels.reshape(-1, pixels.shape[2]), axis=0)) > 2
    rows = list(csv.DictReader(csv_path.open()))
    # a Russian warship calling at an Indian port: one port-call clearance, filed 30 days
    # (the shipped default lead time) before the 1 March arrival
    assert [(r["country"], r["event"], r["file_by"]) for r in rows] == [
        ("IND", "port_call", "2026-01-30T00:00:00Z")]


def test_custom_agreement(relos, tmp_path, write_plan):
    ag = tmp_path / "ag.yaml"
    ag.write_text("name: tight\nparties: [IND, RUS]\ncaps: {warships: 0, aircraft: 0, "
                  "personnel: 100}\nin_force: 2026-01-01\nterm_years: 1\n")
    res = relos("check", str(write_plan(STAY_PLAN)), "--agreement", str(ag), "--format", "json")
    assert res.returncode == 1
    codes = sorted(f["code"] for f in json.loads(res.stdout)["findings"]
                   if f["severity"] == "error")
    assert codes == ["CAP_PERSONNEL", "CAP_WARSHIPS"]
    ag.write_text("parties: [IND]\n")
    assert relos("check", str(write_plan(STAY_PLAN)), "--agreement", str(ag)).returncode == 2


def test_demo_writes_map(relos, tmp_path):
    out = tmp_path / "demo.html"
    res = relos("demo", "-o", str(out))
    assert res.returncode == 0, res.stderr
    assert "INDRA-2026" in res.stdout
    assert out.read_text().rstrip().endswith("</html>")


@pytest.mark.slow
def test_installed_wheel_works_from_root(tmp_path):
    """pip install of the built wheel into an empty venv, then `cd /` and run relos."""
    wheel_dir = tmp_path / "wheel"
    build = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-w",
                            str(wheel_dir), str(REPO)], capture_output=True, text=True)
    assert build.returncode == 0, build.stderr[-2000:]
    wheel = next(wheel_dir.glob("relos_planner-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "planner/geodata/facilities.csv" in names
    assert "planner/geodata/territory.parquet" in names
    assert "planner/geodata/territory_index.npz" in names  # the shipped crossing index
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    py = venv / "bin" / "python"
    # dependencies come from the test environment (no network); the planner from the wheel
    site = subprocess.run([str(py), "-c", "import site; print(site.getsitepackages()[0])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    import site as host_site

    Path(site, "_deps.pth").write_text("\n".join(host_site.getsitepackages()) + "\n")
    inst = subprocess.run([str(py), "-m", "pip", "install", "--no-deps", "--no-index",
                           "--force-reinstall", str(wheel)], capture_output=True, text=True)
    assert inst.returncode == 0, inst.stderr[-2000:]
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    res = subprocess.run([str(venv / "bin" / "relos"), "facilities", "--format", "csv"],
                         cwd="/", capture_output=True, text=True, env=env)
    assert res.returncode == 0, res.stderr
    assert "visakhapatnam" in res.stdout
    loc = subprocess.run([str(py), "-c", "import planner, sys; print(planner.__file__)"],
                         cwd="/", capture_output=True, text=True, env=env)
    assert str(venv) in loc.stdout, "the wheel, not the source tree, must be imported"
    assert shutil.which("relos", path=str(venv / "bin"))


# Dikson Airport (UODD, 73.518 N 80.380 E in airportsdata; Wikipedia "Dikson Airport" gives
# 73 deg 31' N 80 deg 23' E) is on Dikson Island, which the simplified 10m land layer lacks.
ISLANDS_NOT_IN_LAND_LAYER = {"dikson-airport"}


def test_catalogue_ports_near_water_airbases_on_land():
    """Sea ports lie within 10 km of the coast, air bases on land (allowing 3 km for the
    shipped layer's simplification); river ports name their river."""
    from shapely.geometry import Point

    from planner.layers.geodesy import geodesic_km
    from planner.layers.territory import load_territory

    land = load_territory()
    cat = facilities()
    assert cat["id"].is_unique
    for row in cat.itertuples():
        if row.id in ISLANDS_NOT_IN_LAND_LAYER:
            continue
        pt = Point(row.lon, row.lat)
        on = land[land["land"].apply(lambda g, p=pt: g.contains(p))]
        near = land[land["land"].apply(lambda g, p=pt: g.distance(p) < 0.05)]
        if row.kind == "airbase":
            assert len(near), f"{row.id} is not on land"
            nearest = near.iloc[near["land"].apply(lambda g, p=pt: g.distance(p)).argmin()]
            assert row.country in (nearest["iso3"], nearest["sov_iso3"]), row.id
            if not len(on):
                g = nearest["land"]
                q = g.boundary.interpolate(g.boundary.project(pt))
                assert geodesic_km(row.lat, row.lon, q.y, q.x) < 3.0, row.id
            continue
        if row.waterway.startswith("river:"):
            continue  # rivers are not in the admin-0 layer; the river is named instead
        assert row.waterway == "sea"
        if len(on):
            g = on.iloc[0]["land"]
            q = g.boundary.interpolate(g.boundary.project(pt))
            km = geodesic_km(row.lat, row.lon, q.y, q.x)
            assert km <= 10.0, f"{row.id} is {km:.1f} km from the sea"


# -- bad arguments: every subcommand, every documented refusal (issue 12, items 3, 4, 18) -----
BAD_PLAN = STAY_PLAN.replace("arrive: 2026-03-01", "arrive: 2026-13-01")
AGREEMENT_BAD_DATE = ("name: t\nparties: [IND, RUS]\ncaps: {warships: 5, aircraft: 10, "
                      "personnel: 3000}\nin_force: 2026-02-30\n")
ICE = "none, Ice1, Ice2, Ice3, Arc4, Arc5, Arc6, Arc7, Arc8, Arc9"  # CONTRACT section 1's classes

#: (arguments, words the one line must hold); {plan} is a valid plan, {bad} an impossible date,
#: {missing} a file that does not exist, {agreement} an agreement with an impossible date,
#: {folder} a folder (where a file is wanted; a file under {plan} is under a non-folder).
BAD_ARGUMENTS = [
    ((), "required: COMMAND"),
    (("sail",), "invalid choice: 'sail'"),
    (("check",), "required: plan"),
    (("check", "{missing}"), "no such file"),
    (("check", "{bad}"), "does not exist: there is no month 13"),
    (("check", "{plan}", "--format", "xml"), "invalid choice: 'xml'"),
    (("check", "{plan}", "--agreement", "{missing}"), "cannot read"),
    (("check", "{plan}", "--agreement", "{agreement}"), "February 2026 has 28 days"),
    (("check", "{plan}", "--register", "{missing}"), "missing.yaml"),
    (("check", "{plan}", "--frobnicate"), "unrecognized arguments: --frobnicate"),
    (("check", "{plan}", "--meta", "{missing}"), "--meta: applies to CSV plans only"),
    (("check", "{plan}", "--timeline", "{plan}/t.png"), "cannot write"),
    (("check", "{plan}", "--clearances", "{folder}"), "is a folder"),
    (("map", "{missing}"), "no such file"),
    (("map", "{plan}", "-o", "{folder}"), "is a folder; give a file name"),
    (("map", "{plan}", "-o", "/proc/no-such-folder/map.html"),
     "cannot write /proc/no-such-folder/map.html"),
    (("demo", "-o", "{plan}/demo.html"), "cannot write"),
    (("map", "{plan}", "--tiles", "google"), "invalid choice: 'google'"),
    (("route", "atlantis", "mumbai"), "unknown place 'atlantis'"),
    (("route", "91,0", "mumbai"), "latitude 91.0 is outside -90..90"),
    (("route", "chennai"), "required: TO"),
    (("route", "chennai", "colombo", "--mode", "boat"), "invalid choice: 'boat'"),
    (("route", "murmansk", "vladivostok", "--ice-class", "Arc10"), ICE),
    (("route", "chennai", "colombo", "--ice-class", "Arc99"), ICE),  # a route with no NSR
    (("route", "chennai", "colombo", "--date", "2026-13-45"), "there is no month 13"),
    (("route", "chennai", "colombo", "--date", "2026-02-30"), "February 2026 has 28 days"),
    (("route", "chennai", "colombo", "--date", "tomorrow"), "not an ISO 8601 time"),
    (("route", "chennai", "colombo", "--date", "2250-01-01"), "outside the years"),
    (("route", "chennai", "colombo", "--avoid", "suezz"), "did you mean 'suez'"),
    (("route", "hindon", "chkalovsky", "--mode", "air", "--deny", "XYZ"), "'XYZ' is no country"),
    (("route", "hindon", "chkalovsky", "--mode", "air", "--deny", "IND"),
     "hindon lies in denied country IND"),
    (("route", "murmansk", "vladivostok", "--avoid", "suez,cape-of-good-hope,nsr,panama,"
      "magellan,northwest"), "no sea route from murmansk to vladivostok"),
    (("reach", "chennai"), "one of the arguments --range-nm --range-km is required"),
    (("reach", "chennai", "--range-nm", "-5"), "must be a finite number > 0"),
    (("reach", "chennai", "--range-km", "nan"), "must be a finite number > 0"),
    (("reach", "chennai", "--range-km", "1e3", "--range-nm", "5"), "not allowed with"),
    (("reach", "chennai", "--range-nm", "500", "--stops", "-1"), "must be >= 0"),
    (("reach", "chennai", "--range-nm", "500", "--stops", "two"), "not a whole number"),
    (("reach", "atlantis", "--range-nm", "500"), "unknown place 'atlantis'"),
    (("facilities", "--country", "XYZ"), "'XYZ' is no country"),
    (("facilities", "--kind", "shipyard"), "invalid choice: 'shipyard'"),
    (("facilities", "--format", "xml"), "invalid choice: 'xml'"),
    (("demo", "--bogus"), "unrecognized arguments: --bogus"),
]


@pytest.fixture
def cli_files(tmp_path, write_plan):
    ag = tmp_path / "agreement.yaml"
    ag.write_text(AGREEMENT_BAD_DATE, encoding="utf-8")
    return {"plan": str(write_plan(STAY_PLAN)), "bad": str(write_plan(BAD_PLAN, "bad.yaml")),
            "missing": str(tmp_path / "missing.yaml"), "agreement": str(ag),
            "folder": str(tmp_path)}


@pytest.mark.parametrize("args,words", BAD_ARGUMENTS, ids=[" ".join(a) or "(none)"
                                                           for a, _ in BAD_ARGUMENTS])
def test_bad_argument_is_exit_2_with_one_line(cli_files, capsys, args, words):
    """Each subcommand's refusals: exit 2 and one line saying what is wrong (with the choices
    where there are some), never an internal error (exit 3) or a traceback."""
    from planner.cli import main

    argv = [a.format(**cli_files) for a in args]
    code = main(argv)
    out, err = capsys.readouterr()
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert code == 2, (code, err)
    assert len(lines) == 1, err
    assert words in lines[0], lines[0]
    # a plan file's problem is located (FILE:LINE: field: ...), the others name the command
    assert lines[0].startswith(("relos: ", *cli_files.values())), lines[0]
    assert "Traceback" not in err + out and "internal error" not in err


def test_route_bad_ice_class_by_the_command(relos):
    """The same through the installed command: a usage error listing the classes."""
    res = relos("route", "chennai", "colombo", "--ice-class", "Arc10")
    assert res.returncode == 2
    assert res.stderr.strip() == (
        f"relos: route: --ice-class: 'Arc10' is not an ice class; use one of {ICE} "
        "(see relos route --help)")


def _subcommands(parser):
    import argparse

    (sub,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return sub.choices


@pytest.mark.parametrize("command,needs", [("check", ["p.yaml"]), ("map", ["p.yaml"]),
                                           ("route", ["chennai", "colombo"]),
                                           ("reach", ["chennai", "--range-nm", "500"]),
                                           ("facilities", []), ("demo", []),
                                           ("export", ["p.yaml", "-o", "p.geojson"]),
                                           ("resolve", ["p.yaml"]),
                                           ("compare", ["a.yaml", "b.yaml"])])
def test_global_options_after_every_subcommand(command, needs):
    """CONTRACT section 3: common options come after the subcommand as well as before it. Every
    option of the top-level parser (now --debug) is accepted in both places, with the same
    effect, and left at its default when given in neither."""
    from planner.cli import _parser

    parser = _parser()
    assert set(_subcommands(parser)) == {"check", "map", "route", "reach", "facilities", "demo",
                                         "export", "resolve", "compare"}
    flags = [a for a in parser._actions if a.option_strings and a.dest != "help"
             and a.nargs == 0]
    assert flags, "no global options"
    for action in flags:
        opt = action.option_strings[-1]
        before = parser.parse_args([opt, command, *needs])
        after = parser.parse_args([command, *needs, opt])
        neither = parser.parse_args([command, *needs])
        assert getattr(before, action.dest) == getattr(after, action.dest) == action.const
        assert getattr(neither, action.dest) == action.default


def test_debug_after_subcommand_shows_the_traceback(monkeypatch, capsys, cli_files):
    """The crash hint says "run with --debug": that works after the subcommand too."""
    from planner import cli

    def boom(args):
        raise RuntimeError("planted")

    monkeypatch.setitem(cli.COMMANDS, "check", boom)
    assert cli.main(["check", cli_files["plan"]]) == 3
    err = capsys.readouterr().err
    assert "run with --debug" in err and "Traceback" not in err
    assert cli.main(["check", cli_files["plan"], "--debug"]) == 3
    err = capsys.readouterr().err
    assert "Traceback" in err and "RuntimeError: planted" in err


def test_valid_plan_with_debug_after(relos, write_plan):
    res = relos("check", str(write_plan(STAY_PLAN)), "--debug")
    assert res.returncode == 0, res.stderr
    assert res.stdout.startswith("Plan: ")


TRANSIT_PLAN = """
name: transit
assets:
  - id: shaposhnikov
    nation: RUS
    kind: warship
    crew: 300
    speed_kn: 14
    range_nm: 8000
    itinerary:
      - at: colombo
        depart: 2026-03-01T00:00Z
      - at: "16.7667,96.1667"  # Yangon (Pub. 151 position)
        arrive: 2026-03-10T00:00Z
        depart: 2026-03-12T00:00Z
        purpose: exercise
        waters: any  # the shortest way, inside India's sea (prefer keeps 12 nm off)
"""


def test_transit_through_the_command(relos, write_plan):
    """``--transit`` counts a Russian warship while it crosses India's territorial sea round
    the Andaman Islands on Colombo -> Yangon by the shortest way (``waters: any``; no call in
    India): peak 1 with, 0 without."""
    path = str(write_plan(TRANSIT_PLAN))
    plain = json.loads(relos("check", path, "--format", "json").stdout)
    counted = json.loads(relos("check", path, "--format", "json", "--transit").stdout)
    assert (plain["transit"], counted["transit"]) == (False, True)

    def peak(doc):
        return next(h["peak"] for h in doc["headroom"] if h["host"] == "IND"
                    and h["nation"] == "RUS" and h["category"] == "warships")

    assert (peak(plain), peak(counted)) == (0, 1)
    (leg,) = counted["legs"]
    assert "IND" in leg["countries_crossed"]


def test_register_override_through_the_command(relos, write_plan, tmp_path):
    """``--register FILE.csv``: a user's row wins over the shipped one (a 45-day port call
    lead time for India), the shipped rows answer for the rest."""
    reg = tmp_path / "register.csv"
    reg.write_text("country,applies_to,event,lead_days,authority,source\n"
                   "IND,warship,port_call,45,Ministry of Defence (Navy),our desk officer\n",
                   encoding="utf-8")
    res = relos("check", str(write_plan(STAY_PLAN)), "--format", "json", "--register",
                str(reg))
    assert res.returncode == 0, res.stderr
    (call,) = [f for f in json.loads(res.stdout)["findings"]
               if f["code"] == "CLEARANCE" and f.get("event") == "port_call"]
    # arrives 2026-03-01 00:00Z; 45 days before is 2026-01-15 00:00Z
    assert call["file_by"] == "2026-01-15T00:00:00Z" and call["lead_days"] == 45
    assert call["authority"] == "Ministry of Defence (Navy)"


@pytest.mark.parametrize("fails", [False, True])
def test_collector_settings_come_back_after_a_command(monkeypatch, cli_files, fails):
    """A command runs with its own collector thresholds and the imports frozen; the caller's
    settings (a notebook's, say) are back when it returns or fails."""
    import gc

    from planner import cli

    seen = {}

    def command(args):
        seen["threshold"], seen["frozen"] = gc.get_threshold(), gc.get_freeze_count()
        if fails:
            raise RuntimeError("planted")
        return 0

    monkeypatch.setitem(cli.COMMANDS, "check", command)
    before, frozen = gc.get_threshold(), gc.get_freeze_count()
    assert cli.main(["check", cli_files["plan"]]) == (3 if fails else 0)
    assert seen["threshold"] == cli.RUN_GC_THRESHOLD != before and seen["frozen"] > frozen
    assert gc.get_threshold() == before and gc.get_freeze_count() == frozen


def test_check_settles_each_stage_and_gives_the_collector_back(monkeypatch, cli_files,
                                                               capsys):
    """``relos check`` freezes what the plan, the schedule and the report hold as each is made
    (they live to the end of the command: no collection walks them again); in-process the
    caller's collector is as it was afterwards, and the report is the whole JSON."""
    import gc

    from planner import cli
    from planner.model.plan import Plan

    seen = []
    original = Plan.check

    def check(self, *args, **kwargs):
        seen.append(gc.get_freeze_count())  # the plan and its schedule, frozen before this
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Plan, "check", check)
    from planner.cli import commands

    frozen = gc.get_freeze_count()
    start = []
    load = commands._load

    def loading(args):
        start.append(gc.get_freeze_count())  # the command's start: the imports frozen
        return load(args)

    monkeypatch.setattr(commands, "_load", loading)
    assert cli.main(["check", cli_files["plan"], "--format", "json"]) in (0, 1)
    assert json.loads(capsys.readouterr().out)["plan"] == "stay only"
    assert seen and seen[0] > start[0] + 100  # the plan's, its layers' and schedule's objects
    assert gc.get_freeze_count() == frozen


def test_console_script_and_module_end_through_the_fast_exit():
    """``relos`` and ``python -m planner.cli`` both run :func:`planner.cli.run` (main, flush,
    ``os._exit``), so a big check skips the interpreter's teardown."""
    import tomllib

    scripts = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts["relos"] == "planner.cli:run"
    assert "run()" in (REPO / "planner" / "cli" / "__main__.py").read_text()


def _buffered_env() -> dict[str, str]:
    """The environment of a user's shell: stdout block-buffered into a pipe (this machine sets
    PYTHONUNBUFFERED, which would hide a missing flush)."""
    env = dict(os.environ)
    env.pop("PYTHONUNBUFFERED", None)
    env.pop("PYTHONPATH", None)
    return env


def test_fast_exit_keeps_a_long_report_whole_through_a_pipe(write_plan):
    """The JSON report of a plan with many legs, read through a pipe in small pieces by a
    slow reader, arrives whole (the exit flushes before it ends the process), with the exit
    code of the findings (1: an error)."""
    legs = "".join(f"      - at: {p}\n        depart: 2026-0{3 + k // 4}-{1 + 7 * (k % 4):02d}\n"
                   for k, p in enumerate(["kochi", "mumbai", "colombo", "kochi"] * 2))
    plan = write_plan(STAY_PLAN.split("    itinerary:\n")[0] + "    itinerary:\n" + legs
                      + "      - at: visakhapatnam\n        purpose: tourism\n")
    proc = subprocess.Popen([sys.executable, "-m", "planner.cli", "check", str(plan),
                             "--format", "json"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, cwd=REPO, env=_buffered_env())
    chunks = []
    while chunk := proc.stdout.read(4096):
        chunks.append(chunk)
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=300) == 1, err
    doc = json.loads(b"".join(chunks))
    assert len(doc["legs"]) == 8  # nine calls
    assert "PURPOSE" in {f["code"] for f in doc["findings"]}


def test_reader_closing_the_pipe_early_is_no_error(write_plan):
    """``relos check PLAN --format json | head -c 1``: the reader goes away; relos ends quietly
    (exit 0, as for any broken pipe, no traceback or 'Exception ignored')."""
    proc = subprocess.Popen([sys.executable, "-m", "planner.cli", "check",
                             str(write_plan(STAY_PLAN)), "--format", "json"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=REPO,
                            env=_buffered_env())
    assert proc.stdout.read(1) == b"{"
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=300) in (0, -13), err  # done, or killed by SIGPIPE itself
    assert "Traceback" not in err and "Exception ignored" not in err


def test_a_profiled_run_still_writes_its_profile(tmp_path):
    """Under a profiler the fast exit steps aside: ``python -m cProfile -o F -m planner.cli``
    writes F (the profiler writes at the ordinary exit), with the command's exit code."""
    out = tmp_path / "relos.prof"
    res = subprocess.run([sys.executable, "-m", "cProfile", "-o", str(out), "-m", "planner.cli",
                          "facilities", "--kind", "airbase", "--format", "csv"],
                         capture_output=True, text=True, cwd=REPO, env=_buffered_env(),
                         timeout=300)
    assert res.returncode == 0, res.stderr
    assert "severomorsk-1" in res.stdout
    import pstats

    assert pstats.Stats(str(out)).total_calls > 0
