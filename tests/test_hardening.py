"""Hardening (issue 7): resource limits, atomic output, HTML safety, determinism, concurrency.

Every CLI run here goes through a subprocess (``python -m planner.cli``) with a time bound: the
planner must never hang, never print a traceback, never leave half a file behind.
"""

from __future__ import annotations

import copy
import csv
import errno
import html.parser
import io
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import yaml
from conftest import hang_guard

from planner import Plan, air_route, sea_route
from planner.model import yamlsource as ys
from planner.model.problems import PlanError

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "planner"

SMALL_PLAN = {
    "name": "hardening plan",
    "horizon_end": "2026-04-30",
    "assets": [
        {"id": "tributs", "name": "Admiral Tributs", "nation": "RUS", "kind": "warship",
         "crew": 300, "speed_kn": 14, "range_nm": 10500,
         "itinerary": [{"at": "chennai", "depart": "2026-03-01T00:00Z"},
                       {"at": "visakhapatnam", "depart": "2026-03-10T06:00Z",
                        "purpose": "exercise"},
                       {"at": "colombo"}]},
        {"id": "il76", "name": "Il-76MD", "nation": "RUS", "kind": "aircraft", "crew": 7,
         "speed_kmh": 750, "range_km": 4400,
         "itinerary": [{"at": "chkalovsky", "depart": "2026-03-05T02:00Z"},
                       {"at": "ins-dega", "depart": "2026-03-07T02:00Z",
                        "purpose": "exercise"}]},
    ],
    "detachments": [{"id": "marines", "name": "marine company", "nation": "RUS",
                     "strength": 120, "at": "visakhapatnam", "from": "2026-03-05",
                     "to": "2026-03-10", "purpose": "exercise"}],
}


def write_yaml(path: Path, data: dict) -> Path:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def cli(*args: str, cwd: Path | None = None, timeout: float = 180,
        **kw) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    return subprocess.run([sys.executable, "-m", "planner.cli", *args], capture_output=True,
                          text=True, cwd=cwd or REPO, timeout=timeout, env=env, **kw)


def assert_refused(proc: subprocess.CompletedProcess, path: Path, words: str) -> None:
    assert proc.returncode == 2, (proc.returncode, proc.stderr[-2000:])
    assert "Traceback" not in proc.stderr
    assert proc.stderr.startswith(str(path)), proc.stderr
    assert re.search(words, proc.stderr), proc.stderr


# =========================================================================== resource limits
def test_oversized_plan_refused_in_process(tmp_path, monkeypatch):
    path = write_yaml(tmp_path / "plan.yaml", SMALL_PLAN)
    monkeypatch.setattr(ys, "MAX_PLAN_BYTES", 100)
    with hang_guard(), pytest.raises(PlanError) as info:
        Plan.load(path)
    (p,) = info.value.problems
    assert p.file == str(path) and "limited to" in p.message


def test_oversized_plan_refused_by_cli(tmp_path):
    path = tmp_path / "huge.yaml"
    with open(path, "wb") as fh:  # sparse: past the limit without writing 50 MB
        fh.write(b"name: big\n")
        fh.truncate(ys.MAX_PLAN_BYTES + 1)
    proc = cli("check", str(path))  # the refusal is a stat; bench/bench_refusals.py times it
    assert_refused(proc, path, r"MB; plans are limited to")
    assert proc.stdout == ""


def test_oversized_csv_and_meta_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(ys, "MAX_PLAN_BYTES", 10)
    csv = tmp_path / "plan.csv"
    csv.write_text("asset,nation,kind\n" * 3, encoding="utf-8")
    with pytest.raises(PlanError) as info:
        Plan.load(csv)
    assert info.value.problems[0].file == str(csv)


def billion_laughs(levels: int = 9, width: int = 9) -> str:
    lines = ["name: lol", "x0: &x0 [" + ", ".join(['"lol"'] * width) + "]"]
    for i in range(1, levels):
        lines.append(f"x{i}: &x{i} [" + ", ".join([f"*x{i - 1}"] * width) + "]")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("levels", [6, 9, 12])
def test_alias_bomb_refused(tmp_path, levels):
    path = tmp_path / "bomb.yaml"
    path.write_text(billion_laughs(levels), encoding="utf-8")
    with hang_guard(), pytest.raises(PlanError) as info:
        Plan.load(path)
    msg = str(info.value)
    # 9**6 values pass the expansion guard but are still refused (unknown keys x0..x5)
    assert ("alias bomb" in msg) if levels > 6 else ("unknown key" in msg)


def test_alias_bomb_refused_by_cli(tmp_path):
    path = tmp_path / "bomb.yaml"
    path.write_text(billion_laughs(9), encoding="utf-8")
    proc = cli("check", str(path), timeout=60)
    assert_refused(proc, path, "alias bomb")


def test_many_aliases_refused(tmp_path):
    path = tmp_path / "aliases.yaml"
    path.write_text("name: x\na: &a 1\nb: [" + ", ".join(["*a"] * (ys.MAX_ALIASES + 1))
                    + "]\n", encoding="utf-8")
    with hang_guard(), pytest.raises(PlanError, match="aliases"):
        Plan.load(path)


def test_recursive_alias_refused(tmp_path):
    path = tmp_path / "loop.yaml"
    path.write_text("name: x\nloop: &l [*l]\nassets: &s [{id: a, itinerary: *s}]\n",
                    encoding="utf-8")
    with hang_guard(), pytest.raises(PlanError):
        Plan.load(path)


@pytest.mark.parametrize("depth", [ys.MAX_DEPTH + 5, 2_000, 200_000])
@pytest.mark.parametrize("style", ["flow_list", "flow_map", "block"])
def test_deep_nesting_refused(tmp_path, depth, style):
    if style == "flow_list":
        text = "name: x\nassets: " + "[" * depth + "]" * depth + "\n"
    elif style == "flow_map":
        text = "name: x\nassets: " + "{a: " * depth + "1" + "}" * depth + "\n"
    else:
        if depth > 2_000:
            pytest.skip("block nesting this deep is just a very long file")
        text = "name: x\nassets:\n" + "".join("  " * i + "- \n" for i in range(1, depth))
    path = tmp_path / "deep.yaml"
    path.write_text(text, encoding="utf-8")
    with hang_guard(), pytest.raises(PlanError) as info:
        Plan.load(path)
    for p in info.value.problems:
        assert p.file == str(path)
        assert "Traceback" not in p.message


def test_deep_nesting_refused_by_cli(tmp_path):
    path = tmp_path / "deep.yaml"
    path.write_text("name: x\nassets: " + "[" * 100_000 + "]" * 100_000 + "\n",
                    encoding="utf-8")
    proc = cli("check", str(path), timeout=60)
    assert_refused(proc, path, "nest|deep|malformed")


@pytest.mark.parametrize("text", [
    "!!python/object/apply:os.system ['echo pwned > {marker}']\n",
    "name: !!python/object/apply:os.system ['echo pwned > {marker}']\n",
    "name: !!python/name:os.system\n",
    "name: x\nassets: !!binary aGVsbG8=\n",
])
def test_yaml_tags_never_run(tmp_path, text):
    marker = tmp_path / "pwned"
    path = tmp_path / "plan.yaml"
    path.write_text(text.format(marker=marker), encoding="utf-8")
    proc = cli("check", str(path), timeout=60)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert not marker.exists()


def test_binary_and_non_utf8_refused(tmp_path):
    for name, data in [("nul.yaml", b"name: x\x00\n"), ("latin.yaml", b"name: caf\xe9\n")]:
        path = tmp_path / name
        path.write_bytes(data)
        proc = cli("check", str(path), timeout=60)
        assert_refused(proc, path, "binary|UTF-8")


# ---------------------------------------------------------------- source scan (no code exec)
def _sources() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "vendor" not in p.parts)


SAFE_LOADERS = ("SafeLoader", "CSafeLoader", "_PlanLoader", "_Loader", "BaseLoader",
                "CBaseLoader")


def test_source_scan_no_unsafe_yaml_eval_or_pickle():
    bad: list[str] = []
    for path in _sources():
        text = path.read_text(encoding="utf-8")
        for n, line in enumerate(text.splitlines(), 1):
            code = line.split("#", 1)[0]
            where = f"{path.relative_to(REPO)}:{n}: {line.strip()}"
            for m in re.finditer(r"\byaml\.(load|load_all)\s*\(([^)]*)", code):
                if not any(f"Loader={ld}" in m.group(2).replace(" ", "") or
                           f"Loader=yaml.{ld}" in m.group(2).replace(" ", "")
                           for ld in SAFE_LOADERS):
                    bad.append(where)
            if re.search(r"\byaml\.(unsafe_load|full_load|FullLoader|UnsafeLoader|Loader\b)",
                         code):
                bad.append(where)
            if re.search(r"(?<![\w.])(eval|exec|compile)\s*\(", code):
                bad.append(where)
            if re.search(r"\b(pickle|marshal|shelve|dill|cloudpickle)\b", code):
                bad.append(where)
            # pandas string evaluation (a spatial tree's .query(geometry) is fine)
            if re.search(r"\.(eval|query)\s*\(\s*[rfbu]*[\"']|\bpd\.eval\b", code):
                bad.append(where)
            if re.search(r"shell\s*=\s*True|os\.system\s*\(|os\.popen\s*\(", code):
                bad.append(where)
            if re.search(r"read_pickle|np\.load\([^)]*allow_pickle\s*=\s*True", code):
                bad.append(where)
    assert not bad, "unsafe constructs:\n" + "\n".join(bad)


def test_source_scan_loader_is_safe():
    # the loader the plan reader uses derives from a safe loader
    assert issubclass(ys._PlanLoader, (yaml.SafeLoader, getattr(yaml, "CSafeLoader",
                                                                 yaml.SafeLoader)))


# =========================================================================== atomic output
class _Tags(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.open_scripts = 0

    def handle_starttag(self, tag, attrs):
        self.open_scripts += tag == "script"

    def handle_endtag(self, tag):
        self.open_scripts -= tag == "script"


def complete_html(text: str) -> bool:
    if not text.rstrip().endswith("</html>"):
        return False
    parser = _Tags()
    parser.feed(text)
    parser.close()
    return parser.open_scripts == 0


OLD_HTML = "<!DOCTYPE html><html><body>old map</body></html>\n"


SIGTERM_IN_A_FINALIZER = """
import signal, sys, time
import planner.cli as cli

class Finalized:
    def __del__(self):  # SIGTERM handled here: Python can only print what the handler raises
        signal.raise_signal(signal.SIGTERM)
        time.sleep(0.01)

def command(args):
    Finalized()  # collected at once: the signal lands in its finalizer
    time.sleep(5)
    print("still running")
    return 0

cli.COMMANDS["facilities"] = command
sys.exit(cli.main(["facilities"]))
"""


def test_sigterm_in_a_finalizer_still_ends_the_run_without_a_traceback():
    """A SIGTERM that lands in a finalizer or a weakref callback (matplotlib's, under
    test_interrupted_map_leaves_old_or_new_file) used to print "Exception ignored ...
    Traceback ... SystemExit: 143" and run on; the CLI sends it again to end the run."""
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    t0 = time.monotonic()
    proc = subprocess.run([sys.executable, "-c", SIGTERM_IN_A_FINALIZER], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 128 + signal.SIGTERM, (proc.returncode, proc.stderr)
    assert "Traceback" not in proc.stderr and "still running" not in proc.stdout
    assert time.monotonic() - t0 < 4.5  # ended, not slept through


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL], ids=["TERM", "KILL"])
def test_interrupted_map_leaves_old_or_new_file(tmp_path, sig):
    plan = write_yaml(tmp_path / "plan.yaml", SMALL_PLAN)
    out = tmp_path / "out" / "map.html"
    out.parent.mkdir()
    # one uninterrupted run tells how long a run takes, and what the new file is
    t0 = time.monotonic()
    full = cli("map", str(plan), "-o", str(out))
    total = time.monotonic() - t0
    assert full.returncode in (0, 1), full.stderr
    new_html = out.read_text(encoding="utf-8")
    assert complete_html(new_html)
    outcomes = set()
    for frac in (0.1, 0.4, 0.7, 0.85, 0.95, 1.0):
        out.write_text(OLD_HTML, encoding="utf-8")
        env = dict(os.environ)
        env.pop("PYTHONPATH", None)
        proc = subprocess.Popen([sys.executable, "-m", "planner.cli", "map", str(plan), "-o",
                                 str(out)], cwd=REPO, env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        time.sleep(total * frac)
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=120)
        assert "Traceback" not in err
        text = out.read_text(encoding="utf-8")
        assert text == OLD_HTML or (text == new_html and complete_html(text)), text[:300]
        outcomes.add("old" if text == OLD_HTML else "new")
        stray = [p.name for p in out.parent.iterdir() if p.name != "map.html"]
        if sig == signal.SIGTERM:  # a clean exit removes its temp file
            assert not stray, stray
        else:  # SIGKILL cannot clean up; a stray temp is hidden and never the target
            assert all(n.startswith(".map.html.") for n in stray), stray
            for n in stray:
                (out.parent / n).unlink()
    assert "old" in outcomes  # at least one kill landed before the rename


def test_interrupted_clearances_csv_leaves_old_or_new_file(tmp_path):
    """SIGTERM at any moment of ``check --clearances``: the file is byte for byte the old one
    or the complete new one (the one an uninterrupted run writes), never a torn mix, and no
    temporary file stays behind."""
    plan = write_yaml(tmp_path / "plan.yaml", SMALL_PLAN)
    out = tmp_path / "clear.csv"
    old = "old,content\n"
    t0 = time.monotonic()
    full = cli("check", str(plan), "--clearances", str(out))
    total = time.monotonic() - t0  # to spread the signals over a run, not a limit
    assert full.returncode in (0, 1), full.stderr
    new = out.read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(new)))  # the complete register: header and rows
    assert rows and {"country", "event", "file_by"} <= set(rows[0]), new
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    outcomes = set()
    for frac in (0.0, 0.3, 0.6, 0.8, 0.9, 0.97, 1.1):
        out.write_text(old, encoding="utf-8")
        proc = subprocess.Popen([sys.executable, "-m", "planner.cli", "check", str(plan),
                                 "--clearances", str(out)], cwd=REPO, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(total * frac)
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=120)
        assert "Traceback" not in err
        text = out.read_text(encoding="utf-8")
        assert text in (old, new), text[:300]
        outcomes.add("old" if text == old else "new")
        assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".clear")] == []
    assert "old" in outcomes  # the signal at once lands before any write


def test_disk_full_mid_write_keeps_old_file(tmp_path, monkeypatch):
    from planner.core import atomic

    target = tmp_path / "out.html"
    target.write_text(OLD_HTML, encoding="utf-8")
    real_open = open

    class FullDisk:
        def __init__(self, fh):
            self.fh = fh

        def write(self, data):
            self.fh.write(data[: len(data) // 2])  # half of it lands, then the disk is full
            raise OSError(errno.ENOSPC, "No space left on device")

        def __getattr__(self, name):
            return getattr(self.fh, name)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.fh.close()

    def full_open(file, mode="r", *args, **kw):
        fh = real_open(file, mode, *args, **kw)
        return FullDisk(fh) if "w" in mode and str(file).endswith(".tmp") else fh

    monkeypatch.setattr("builtins.open", full_open)
    with pytest.raises(OSError) as info:
        atomic.atomic_write_text(target, "<html>" + "x" * 100_000 + "</html>")
    assert info.value.errno == errno.ENOSPC
    monkeypatch.undo()
    assert target.read_text(encoding="utf-8") == OLD_HTML
    assert [p.name for p in tmp_path.iterdir()] == ["out.html"]


def test_disk_full_on_fsync_or_rename_keeps_old_file(tmp_path, monkeypatch):
    from planner.core import atomic

    target = tmp_path / "out.html"
    target.write_text(OLD_HTML, encoding="utf-8")
    for name in ("fsync", "replace"):
        def boom(*a, **k):
            raise OSError(errno.ENOSPC, "No space left on device")

        with monkeypatch.context() as m:
            m.setattr(atomic.os, name, boom)
            with pytest.raises(OSError):
                atomic.atomic_write_text(target, "<html>new</html>")
        assert target.read_text(encoding="utf-8") == OLD_HTML
        assert [p.name for p in tmp_path.iterdir()] == ["out.html"]


def test_cli_map_disk_full_reports_and_keeps_old(tmp_path):
    """The CLI on a full disk: no traceback, the old map stays (run in a child with a patched
    write so the real disk is untouched)."""
    plan = write_yaml(tmp_path / "plan.yaml", SMALL_PLAN)
    out = tmp_path / "map.html"
    out.write_text(OLD_HTML, encoding="utf-8")
    code = (
        "import errno, os, sys\n"
        "from planner.core import atomic\n"
        "real = os.replace\n"
        "def full(*a, **k): raise OSError(errno.ENOSPC, 'No space left on device')\n"
        "atomic.os.replace = full\n"
        "from planner.cli import main\n"
        f"sys.exit(main(['map', {str(plan)!r}, '-o', {str(out)!r}]))\n")
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=REPO, env=env, timeout=180)
    assert proc.returncode not in (0, 1), proc.stderr
    assert "Traceback" not in proc.stderr
    assert "No space left" in proc.stderr
    assert out.read_text(encoding="utf-8") == OLD_HTML
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".map")] == []


# =========================================================================== HTML safety
PAYLOADS = [
    "<script>window.__pwned=1;document.title='PWNED'</script>",
    "<img src=x onerror=\"window.__pwned=1;document.title='PWNED'\">",
    "</script><script>window.__pwned=1;document.title='PWNED'</script>",
    "javascript:window.__pwned=1",
    "\"><svg onload=\"window.__pwned=1;document.title='PWNED'\">",
    "'};window.__pwned=1;//",
    "<!--<script>",
    "`${window.__pwned=1}`",
    "\u2028\u2029</script>",
]


def payload_plan() -> dict:
    """SMALL_PLAN with a payload in every string field a person writes."""
    plan = copy.deepcopy(SMALL_PLAN)
    k = iter(range(10_000))

    def p() -> str:
        return PAYLOADS[next(k) % len(PAYLOADS)]

    plan["name"] = "plan " + p()
    plan["facilities"] = [{"id": "bob-area", "name": "area " + p(), "kind": "sea_area",
                           "lat": 15.0, "lon": 86.0}]
    for a in plan["assets"]:
        a["name"] = p()
        for c in a["itinerary"]:
            if "purpose" in c:
                c["purpose"] = p()
    plan["assets"][0]["itinerary"].insert(2, {"at": "bob-area", "purpose": p()})
    plan["detachments"][0]["name"] = p()
    plan["detachments"][0]["purpose"] = p()
    plan["detachments"].append({"id": "d2", "name": p(), "nation": "RUS", "strength": 10,
                                "at": "bob-area", "from": "2026-03-05", "to": "2026-03-06",
                                "purpose": p()})
    return plan


def test_payloads_in_text_and_json(tmp_path):
    path = write_yaml(tmp_path / "plan.yaml", payload_plan())
    for fmt in ("text", "json"):
        proc = cli("check", str(path), "--format", fmt)
        assert proc.returncode in (0, 1), proc.stderr
        assert "Traceback" not in proc.stderr
        if fmt == "json":
            doc = json.loads(proc.stdout)
            assert doc["plan"] == "plan " + PAYLOADS[0]  # carried verbatim, as data
    report = Plan.load(path).check()
    assert "<script>" not in report._repr_html_()


def _payload_map(tmp_path: Path, offline: bool) -> Path:
    path = write_yaml(tmp_path / "plan.yaml", payload_plan())
    out = tmp_path / ("offline.html" if offline else "map.html")
    args = ["map", str(path), "-o", str(out)] + (["--offline"] if offline else [])
    proc = cli(*args)
    assert proc.returncode in (0, 1), proc.stderr
    return out


def test_payloads_escaped_in_map_html(tmp_path):
    text = _payload_map(tmp_path, offline=False).read_text(encoding="utf-8")
    assert complete_html(text)
    for payload in PAYLOADS[:3] + PAYLOADS[4:5]:
        assert payload not in text, payload
    assert "onerror=\"window.__pwned" not in text
    assert text.count("</script>") == text.count("<script")  # no early script close


@pytest.mark.browser
@pytest.mark.parametrize("offline", [False, True], ids=["cdn", "offline"])
def test_payloads_never_run_in_chromium(tmp_path, offline):
    sys.path.insert(0, str(Path(__file__).parent))
    import browser

    if browser.chromium_path() is None:
        pytest.skip("Chromium not installed")
    out = _payload_map(tmp_path, offline)
    # open every popup/tooltip so their HTML is parsed into the page too
    res = browser.open_page(out, checks={
        "pwned": "window.__pwned === undefined ? 0 : 1",
        "popups": "(() => { let n = 0; document.querySelectorAll('.leaflet-interactive')"
                  ".forEach(e => { try { e.dispatchEvent(new MouseEvent('click', "
                  "{bubbles: true})); e.dispatchEvent(new MouseEvent('mouseover', "
                  "{bubbles: true})); n++; } catch (x) {} }); return n; })()",
        "pwned_after": "new Promise(r => setTimeout(() => r(window.__pwned === undefined"
                       " ? 0 : 1), 300))",
    })
    assert res.checks["pwned"] == 0
    assert res.checks["pwned_after"] == 0
    assert "PWNED" not in res.title


@pytest.mark.browser
def test_payloads_dump_dom_marker(tmp_path):
    """The brief's plain-Chromium check: --dump-dom after scripts ran, title unchanged."""
    exe = "/usr/bin/chromium"
    if not Path(exe).exists():
        pytest.skip("Chromium not installed")
    out = _payload_map(tmp_path, offline=True)
    with tempfile.TemporaryDirectory(prefix="relos-chromium-") as profile:
        proc = subprocess.run(
            [exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
             "--no-first-run", "--disable-background-networking", "--disable-component-update",
             "--disable-sync", f"--user-data-dir={profile}",
             "--host-resolver-rules=MAP * ~NOTFOUND", "--virtual-time-budget=5000",
             "--dump-dom", out.resolve().as_uri()],
            capture_output=True, text=True, timeout=120)
    dom = proc.stdout
    assert "</html>" in dom, proc.stderr[-2000:]
    title = re.search(r"<title>(.*?)</title>", dom, re.S)
    assert title is None or "PWNED" not in title.group(1)


# =========================================================================== determinism
def test_same_plan_same_bytes_across_processes(tmp_path):
    path = write_yaml(tmp_path / "plan.yaml", payload_plan())
    outs, maps_ = [], []
    for i in range(2):
        proc = cli("check", str(path), "--format", "json")
        assert proc.returncode in (0, 1), proc.stderr
        outs.append(proc.stdout)
        out = tmp_path / f"map{i}.html"
        proc = cli("map", str(path), "-o", str(out))
        assert proc.returncode in (0, 1), proc.stderr
        maps_.append(out.read_bytes())
    assert outs[0] == outs[1]
    assert maps_[0] == maps_[1]


# =========================================================================== concurrency
def test_two_map_processes_at_once(tmp_path):
    plans = []
    for i in range(2):
        d = copy.deepcopy(SMALL_PLAN)
        d["name"] = f"concurrent {i}"
        if i:
            d["assets"] = d["assets"][:1]
        plans.append(write_yaml(tmp_path / f"p{i}.yaml", d))
    shared = tmp_path / "maps"
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    procs = [subprocess.Popen([sys.executable, "-m", "planner.cli", "map", str(p), "-o",
                               str(shared / f"m{i}.html")], cwd=REPO, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for i, p in enumerate(plans)]
    for p in procs:
        _, err = p.communicate(timeout=300)
        assert p.returncode in (0, 1), err
    for i in range(2):
        text = (shared / f"m{i}.html").read_text(encoding="utf-8")
        assert complete_html(text)
        assert f"concurrent {i}" in text and f"concurrent {1 - i}" not in text
    # each alone gives the same bytes
    for i, p in enumerate(plans):
        alone = tmp_path / f"alone{i}.html"
        proc = cli("map", str(p), "-o", str(alone))
        assert proc.returncode in (0, 1)
        assert alone.read_bytes() == (shared / f"m{i}.html").read_bytes()
    assert sorted(x.name for x in shared.iterdir()) == ["m0.html", "m1.html"]


def _variants() -> list[dict]:
    out = []
    for i, (a, b) in enumerate([("chennai", "colombo"), ("visakhapatnam", "singapore"),
                                ("djibouti", "chennai"), ("colombo", "vladivostok")]):
        d = copy.deepcopy(SMALL_PLAN)
        d["name"] = f"thread plan {i}"
        d["assets"][0]["itinerary"] = [{"at": a, "depart": "2026-03-01T00:00Z"},
                                       {"at": b, "purpose": "exercise"}]
        out.append(d)
    return out


ROUTES = [("sea", "chennai", "singapore"), ("sea", "vladivostok", "djibouti"),
          ("air", "hindon", "chkalovsky"), ("air", "ins-dega", "89.9,179.9"),
          ("sea", "colombo", "murmansk"), ("air", "chkalovsky", "-90,0")]


def _route(job):
    mode, a, b = job
    r = sea_route(a, b) if mode == "sea" else air_route(a, b)
    return (round(r.distance_km, 6), tuple(r.passages), tuple(r.countries), len(r.lons))


def _check(d):
    return Plan.from_dict(d).check().to_json()


def test_threads_match_serial():
    from planner.core import caches

    caches.clear_all()  # cold caches, so the threads race to fill them
    plans = _variants()
    jobs = [("plan", d) for d in plans] + [("route", r) for r in ROUTES]
    jobs = jobs * 2
    start = threading.Barrier(4)

    def run(job):
        kind, arg = job
        try:
            start.wait(timeout=5)
        except threading.BrokenBarrierError:
            pass
        return _check(arg) if kind == "plan" else _route(arg)

    with ThreadPoolExecutor(max_workers=4) as pool:
        threaded = list(pool.map(run, jobs))
    serial = [_check(arg) if kind == "plan" else _route(arg) for kind, arg in jobs]
    assert threaded == serial


@pytest.mark.browser
def test_browser_detector_sees_a_planted_payload(tmp_path):
    """Positive control: the checks above would notice a payload that did run."""
    sys.path.insert(0, str(Path(__file__).parent))
    import browser

    if browser.chromium_path() is None:
        pytest.skip("Chromium not installed")
    page = tmp_path / "bad.html"
    page.write_text("<!DOCTYPE html><html><head><title>t</title></head><body>"
                    + PAYLOADS[1] + "</body></html>", encoding="utf-8")
    res = browser.open_page(page, checks={"pwned": "window.__pwned === undefined ? 0 : 1"})
    assert res.checks["pwned"] == 1 and "PWNED" in res.title
