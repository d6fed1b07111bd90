"""The ``relos`` command line: exit codes, the parser and its argument types (each refuses a
bad value at parse time, with the reason and the choices)."""

from __future__ import annotations

import argparse
import math
from pathlib import Path

EXIT_OK, EXIT_FINDINGS, EXIT_BAD_INPUT = 0, 1, 2


class BadInput(Exception):
    """A command-line problem reported as exit 2."""


class _Parser(argparse.ArgumentParser):
    """An argument parser whose every refusal is one line, ``relos: SUBCOMMAND: what``, and
    exit code 2 (argparse prints the usage block first, which buries the reason)."""

    def error(self, message: str):
        sub = self.prog.removeprefix("relos").strip()
        message = message.removeprefix("argument ")
        where = f"{sub}: " if sub else ""
        self.exit(EXIT_BAD_INPUT, f"relos: {where}{message} (see {self.prog} --help)\n")


# -- argument types: each refuses a bad value at parse time with the reason and the choices ---
def _ice_class(text: str) -> str:
    """``--ice-class``: a class of :data:`planner.layers.nsr.ICE_CLASSES` (any case)."""
    from planner.layers.nsr import ICE_CLASSES, normalise_ice_class

    try:
        return normalise_ice_class(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an ice class; use one of {', '.join(ICE_CLASSES)}") from None


def _date(text: str):
    """``--date``: an ISO 8601 date or UTC time, read as plan times are (an aware UTC
    datetime); an impossible date says why."""
    from planner.model.times import parse_time, year_problem

    try:
        t = parse_time(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    why = year_problem(t)
    if why is not None:
        raise argparse.ArgumentTypeError(why)
    return t


def _passages(text: str) -> str:
    """``--avoid``: comma-separated passage names, each one of ``PASSAGES``."""
    from planner.layers.catalogue import suggest
    from planner.layers.sea_network import PASSAGES

    names = [s.strip() for s in text.split(",") if s.strip()]
    for name in names:
        if name not in PASSAGES:
            hint = suggest(name, list(PASSAGES), n=1)
            extra = f" (did you mean {hint[0]!r}?)" if hint else ""
            raise argparse.ArgumentTypeError(
                f"unknown passage {name!r}{extra}; known: {', '.join(PASSAGES)}")
    return ",".join(names)


def _country(text: str) -> str:
    """An ISO 3166-1 alpha-3 country code (any case), upper-cased."""
    from planner.model.validate import valid_nation

    code = text.strip().upper()
    if not valid_nation(code):
        raise argparse.ArgumentTypeError(
            f"{text!r} is no country: give an ISO 3166-1 alpha-3 code such as IND or RUS")
    return code


def _countries(text: str) -> str:
    """``--deny``: comma-separated ISO3 codes."""
    return ",".join(_country(c) for c in text.split(",") if c.strip())


def _positive(text: str) -> float:
    """A finite number > 0 (a range)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"{text} must be a finite number > 0")
    return value


def _count(text: str) -> int:
    """A whole number >= 0 (stops)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text} must be >= 0")
    return value


def _place(text: str) -> str:
    """FROM/TO: a catalogue id, alias or ``"lat,lon"`` that resolves (the text is kept)."""
    from planner.layers.catalogue import UnknownPlace, resolve_place

    try:
        resolve_place(text)
    except (UnknownPlace, ValueError) as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return text


def _output(text: str) -> str:
    """An output file (``-o``, ``--timeline``, ``--clearances``): not a folder, and inside a
    folder that exists or can be made (its nearest existing ancestor is a writable folder), so
    a run is not wasted on a file that cannot be written."""
    import os

    path = Path(text)
    if path.is_dir():
        raise argparse.ArgumentTypeError(f"{text} is a folder; give a file name")
    parent = path.parent if str(path.parent) else Path(".")
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if not parent.is_dir():
        raise argparse.ArgumentTypeError(f"cannot write {text}: {parent} is not a folder")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise argparse.ArgumentTypeError(f"cannot write {text}: {parent} is not writable")
    return text


def _add_global(p: argparse.ArgumentParser, top: bool) -> None:
    """The options every subcommand takes, before or after its name (CONTRACT section 3:
    ``relos check plan.yaml --debug``). After the name they default to SUPPRESS, so a
    subcommand that is not given one keeps the value given before it."""
    default = False if top else argparse.SUPPRESS
    p.add_argument("--debug", action="store_true", default=default,
                   help="show tracebacks of internal errors")
    p.add_argument("--ice-calendar", metavar="FILE.csv", default=None if top else
                   argparse.SUPPRESS,
                   help="your typical-ice calendar for the NSR (columns area, month, ice: "
                        "heavy|medium|light) instead of the shipped planning assumption")


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="relos", description="RELOS port and airspace planner")
    _add_global(p, top=True)
    common = argparse.ArgumentParser(add_help=False)
    _add_global(common, top=False)
    sub = p.add_subparsers(dest="command", metavar="COMMAND", required=True,
                         parser_class=_Parser)

    def command(name: str, **kw) -> argparse.ArgumentParser:
        return sub.add_parser(name, parents=[common], **kw)

    c = command("check", help="run every check on a plan")
    c.add_argument("plan")
    c.add_argument("--format", choices=("text", "json", "markdown"), default="text")
    c.add_argument("--transit", action="store_true",
                   help="also count assets while crossing a host's sovereign territory")
    c.add_argument("--meta", help="YAML with the non-asset sections, for a CSV plan")
    c.add_argument("--agreement", help="YAML agreement definition (default: built-in RELOS)")
    c.add_argument("--timeline", metavar="FILE.png", type=_output,
                   help="draw presence against the caps")
    c.add_argument("--clearances", metavar="FILE.csv", type=_output,
                   help="write the clearance register")
    c.add_argument("--register", metavar="FILE.csv",
                   help="clearance lead times overriding the built-in register")

    m = command("map", help="write the plan's map with its findings")
    m.add_argument("plan")
    m.add_argument("-o", "--output", type=_output, help="HTML file (default maps/<plan>.html)")
    _map_output_options(m)
    m.add_argument("--tiles", choices=("osm",), help="draw web tiles (needs network)")
    m.add_argument("--transit", action="store_true")
    m.add_argument("--meta")
    m.add_argument("--agreement")

    r = command("route", help="one route")
    r.add_argument("origin", metavar="FROM", type=_place)
    r.add_argument("destination", metavar="TO", type=_place)
    r.add_argument("--mode", choices=("sea", "air"), default="sea")
    r.add_argument("--avoid", default="", type=_passages,
                   help="passages to avoid, comma-separated")
    r.add_argument("--deny", default="", type=_countries,
                   help="air: countries (ISO3) to keep out of")
    r.add_argument("--ice-class", default=None, type=_ice_class,
                   help="sea: ice class for the NSR rules (default with --date: none)")
    r.add_argument("--date", default=None, type=_date,
                   help="departure date or time (UTC): sea, the NSR ice rules apply then; air "
                        "with --nation, the airspace closures in force then")
    r.add_argument("--speed-kn", type=float, default=None,
                   help="sea: speed for the NSR entry times (default 14 kn)")
    r.add_argument("--escort", action="store_true",
                   help="sea: NSR stretches sailed under icebreaker escort")
    r.add_argument("--nation", default=None, type=_country,
                   help="flag (ISO3): its own waters are not third; air: airspace closed "
                        "to it by NOTAM is avoided, warships: closed straits are named")
    r.add_argument("--waters", choices=("prefer", "avoid", "any"), default=None,
                   help="sea: third-country territorial seas: prefer (default) keeps out "
                        "where a modest detour allows, avoid never enters, any ignores them")
    r.add_argument("--format", choices=("text", "json"), default="text")

    rc = command("reach", help="what is reachable from a place")
    rc.add_argument("origin", metavar="FROM", type=_place)
    g = rc.add_mutually_exclusive_group(required=True)
    g.add_argument("--range-nm", type=_positive)
    g.add_argument("--range-km", type=_positive)
    rc.add_argument("--mode", choices=("sea", "air"), default="sea")
    rc.add_argument("--stops", type=_count, default=0)
    rc.add_argument("--ice-class", default=None, type=_ice_class,
                    help="sea: ice class for the NSR rules (default with --date: none)")
    rc.add_argument("--date", default=None, type=_date,
                    help="sea: departure date or time (UTC); the NSR only where open then")
    rc.add_argument("--speed-kn", type=float, default=None,
                    help="sea: speed for the NSR entry times (default 14 kn)")
    rc.add_argument("--escort", action="store_true",
                    help="sea: NSR stretches sailed under icebreaker escort")
    rc.add_argument("--nation", default=None, type=_country,
                    help="flag (ISO3): the passage closures (warships) and airspace closures "
                         "(aircraft) for that nation; without it, the rows for every nation")
    rc.add_argument("-o", "--output", type=_output, help="write a map of the reachable area")
    _map_output_options(rc)
    rc.add_argument("--format", choices=("table", "csv", "json"), default="table")

    f = command("facilities", help="the facility catalogue")
    f.add_argument("--country", type=_country, help="ISO 3166-1 alpha-3 code")
    f.add_argument("--kind", choices=("port", "airbase"))
    f.add_argument("--format", choices=("table", "csv", "geojson"), default="table")

    rs = command("resolve", help="the smallest time changes that clear every cap finding")
    rs.add_argument("plan")
    rs.add_argument("-o", "--output", type=_output, metavar="FIXED.yaml",
                    help="where to write the fixed plan (default <plan>.resolved.yaml beside it)")
    rs.add_argument("--max-shift-days", type=float, default=10.0,
                    help="largest shift of any one time, days (default 10)")
    rs.add_argument("--today", type=_date, help="also move what must move so every clearance "
                    "can still be filed on time (a date or time, UTC)")
    rs.add_argument("--min-stay-share", type=float, default=0.5,
                    help="least share of its planned length a stay keeps (default 0.5)")
    rs.add_argument("--format", choices=("text", "json"), default="text")
    rs.add_argument("--meta")
    rs.add_argument("--agreement")

    cp = command("compare", help="two plans side by side")
    cp.add_argument("plan", metavar="PLAN_A")
    cp.add_argument("plan_b", metavar="PLAN_B")
    cp.add_argument("--format", choices=("text", "json"), default="text")
    cp.add_argument("-o", "--output", type=_output, metavar="FILE.html",
                    help="also write an HTML page with the two maps side by side")
    cp.add_argument("--agreement")

    d = command("demo", help="check and map the bundled example plan")
    d.add_argument("-o", "--output", type=_output, help="HTML file (default maps/<plan>.html)")
    _map_output_options(d)

    e = command("export", help="legs, calls and findings for GIS tools or a calendar")
    e.add_argument("plan")
    e.add_argument("-o", "--output", required=True, type=_output,
                   help="FILE.geojson | .gpkg | .kml | .csv | .ics (format by extension)")
    e.add_argument("--transit", action="store_true")
    e.add_argument("--meta")
    e.add_argument("--agreement")
    e.add_argument("--remind-days", type=_count, default=7,
                   help=".ics: the reminder, days before each file-by date (default 7)")
    return p


def _map_output_options(p: argparse.ArgumentParser) -> None:
    """Maps are self-contained by default; ``--cdn`` links Leaflet from a CDN instead."""
    g = p.add_mutually_exclusive_group()
    g.add_argument("--cdn", action="store_true",
                   help="link Leaflet from a CDN (smaller file, needs network to open)")
    g.add_argument("--offline", action="store_true",
                   help="self-contained file (the default; kept for old scripts)")


