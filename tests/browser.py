"""Open a local HTML file in headless Debian Chromium with the network off and report on it.

Standard library only: Chromium is driven over the Chrome DevTools protocol on a pipe
(``--remote-debugging-pipe``: JSON messages, NUL-terminated, on the child's fds 3 and 4), so no
websocket client, port or Playwright is needed.

``open_page(path, checks={...})`` returns a :class:`PageResult` with the console errors and
uncaught exceptions, every http(s) request the page tried, the values of the JS ``checks``
expressions, a PNG screenshot and the load-to-idle time in seconds.
"""

from __future__ import annotations

import base64
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"

FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-extensions", "--mute-audio", "--hide-scrollbars",
    # network off: no DNS, a dead proxy; file:// and data: still load
    "--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=http://127.0.0.1:9",
    "--remote-debugging-pipe",
]


def chromium_path() -> str | None:
    """The Chromium binary to use (``$CHROMIUM`` or /usr/bin/chromium), or None if absent."""
    path = os.environ.get("CHROMIUM", CHROMIUM)
    return path if Path(path).exists() or shutil.which(path) else None


@dataclass
class PageResult:
    """What a page did when opened: errors, requests, check values, screenshot, timing (s)."""

    console_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    checks: dict[str, object] = field(default_factory=dict)
    screenshot: bytes = b""
    load_s: float = 0.0
    title: str = ""
    pdf: bytes = b""


class _Pipe:
    """One CDP connection over Chromium's debugging pipe."""

    def __init__(self, proc: subprocess.Popen, to_child: int, from_child: int):
        self.proc = proc
        self.wfd = to_child
        self.rfd = from_child
        self.buf = b""
        self.next_id = 0
        self.events: list[dict] = []

    def send(self, method: str, params: dict | None = None, session: str | None = None,
             timeout_s: float = 30.0) -> dict:
        self.next_id += 1
        msg: dict = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self.wfd, json.dumps(msg).encode() + b"\0")
        want = self.next_id
        deadline = time.monotonic() + timeout_s
        while True:
            m = self._read(deadline)
            if m is None:
                raise TimeoutError(f"CDP {method} timed out")
            if m.get("id") == want:
                if "error" in m:
                    raise RuntimeError(f"CDP {method}: {m['error']}")
                return m.get("result", {})
            if "method" in m:
                self.events.append(m)

    def wait_event(self, method: str, timeout_s: float) -> dict | None:
        """Block until an event named ``method`` arrives (or was already queued)."""
        for i, e in enumerate(self.events):
            if e["method"] == method:
                return self.events.pop(i)
        deadline = time.monotonic() + timeout_s
        while True:
            m = self._read(deadline)
            if m is None:
                return None
            if m.get("method") == method:
                return m
            if "method" in m:
                self.events.append(m)

    def drain(self, seconds: float) -> None:
        """Collect events for ``seconds``."""
        deadline = time.monotonic() + seconds
        while (m := self._read(deadline)) is not None:
            if "method" in m:
                self.events.append(m)

    def _read(self, deadline: float) -> dict | None:
        while b"\0" not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            ready, _, _ = select.select([self.rfd], [], [], left)
            if not ready:
                return None
            chunk = os.read(self.rfd, 1 << 20)
            if not chunk:
                raise RuntimeError("Chromium closed the debugging pipe")
            self.buf += chunk
        raw, self.buf = self.buf.split(b"\0", 1)
        return json.loads(raw)


def _launch(user_dir: str) -> _Pipe:
    exe = chromium_path()
    if exe is None:
        raise FileNotFoundError(f"Chromium not found at {CHROMIUM}")
    to_child_r, to_child_w = os.pipe()
    from_child_r, from_child_w = os.pipe()

    def fds() -> None:  # in the child: the pipe ends become fds 3 (commands) and 4 (replies)
        a, b = os.dup(to_child_r), os.dup(from_child_w)
        os.dup2(a, 3)
        os.dup2(b, 4)

    proc = subprocess.Popen(
        [exe, *FLAGS, f"--user-data-dir={user_dir}", "about:blank"],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        close_fds=False, preexec_fn=fds,  # noqa: PLW1509 - only dup2 in the child
    )
    os.close(to_child_r)
    os.close(from_child_w)
    return _Pipe(proc, to_child_w, from_child_r)


def _text_of(event: dict) -> str | None:
    """The error text of a console/log/exception event, or None if it is not an error."""
    p = event.get("params", {})
    m = event["method"]
    if m == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
        return "console: " + " ".join(str(a.get("value", a.get("description", "")))
                                      for a in p.get("args", []))
    if m == "Runtime.exceptionThrown":
        d = p.get("exceptionDetails", {})
        exc = d.get("exception", {})
        return "exception: " + str(exc.get("description") or d.get("text"))
    if m == "Log.entryAdded" and p.get("entry", {}).get("level") == "error":
        e = p["entry"]
        return f"log: {e.get('text')} {e.get('url', '')}".strip()
    return None


def open_page(path: str | Path, checks: dict[str, str] | None = None, *, width: int = 1200,
              height: int = 800, timeout_s: float = 60.0, settle_s: float = 0.5,
              pdf: dict | None = None, media: str | None = None) -> PageResult:
    """Open ``path`` (a local HTML file) with the network off and report on it.

    ``checks`` maps a name to a JS expression (may return a promise), evaluated after load;
    values come back JSON-decoded. ``load_s`` is the time in seconds from navigation to the
    load event plus two animation frames (the page drawn). Raises FileNotFoundError if Chromium
    is absent. ``pdf``: parameters of ``Page.printToPDF`` (e.g. ``{"paperWidth": 8.27,
    "paperHeight": 11.69, "landscape": True}``, inches); the PDF comes back in ``pdf``.
    ``media="print"`` lays the page out (and screenshots it) with the print stylesheet.
    """
    url = Path(path).resolve().as_uri()
    result = PageResult()
    with tempfile.TemporaryDirectory(prefix="relos-chromium-") as user_dir:
        cdp = _launch(user_dir)
        try:
            target = cdp.send("Target.createTarget", {"url": "about:blank"})["targetId"]
            sid = cdp.send("Target.attachToTarget",
                           {"targetId": target, "flatten": True})["sessionId"]
            for method in ("Runtime.enable", "Log.enable", "Network.enable", "Page.enable"):
                cdp.send(method, session=sid)
            cdp.send("Network.emulateNetworkConditions",
                     {"offline": True, "latency": 0, "downloadThroughput": -1,
                      "uploadThroughput": -1}, session=sid)
            cdp.send("Emulation.setDeviceMetricsOverride",
                     {"width": width, "height": height, "deviceScaleFactor": 1,
                      "mobile": False}, session=sid)
            if media:
                cdp.send("Emulation.setEmulatedMedia", {"media": media}, session=sid)
            t0 = time.monotonic()
            cdp.send("Page.navigate", {"url": url}, session=sid)
            if cdp.wait_event("Page.loadEventFired", timeout_s) is None:
                raise TimeoutError(f"{url} did not load in {timeout_s} s")
            cdp.send("Runtime.evaluate", {
                "expression": "new Promise(r => requestAnimationFrame("
                              "() => requestAnimationFrame(() => r(1))))",
                "awaitPromise": True}, session=sid, timeout_s=timeout_s)
            result.load_s = time.monotonic() - t0
            cdp.drain(settle_s)
            for name, expr in (checks or {}).items():
                r = cdp.send("Runtime.evaluate", {"expression": expr, "awaitPromise": True,
                                                  "returnByValue": True}, session=sid)
                if "exceptionDetails" in r:
                    result.checks[name] = {"error": r["exceptionDetails"].get("text")}
                else:
                    result.checks[name] = r.get("result", {}).get("value")
            result.title = cdp.send("Runtime.evaluate", {"expression": "document.title",
                                                         "returnByValue": True},
                                    session=sid)["result"].get("value", "")
            if pdf is not None:
                printed = cdp.send("Page.printToPDF", pdf, session=sid, timeout_s=timeout_s)
                result.pdf = base64.b64decode(printed["data"])
            shot = cdp.send("Page.captureScreenshot", {"format": "png"}, session=sid)
            result.screenshot = base64.b64decode(shot["data"])
            cdp.drain(0.05)
            for e in cdp.events:
                if e["method"] == "Network.requestWillBeSent":
                    u = e["params"]["request"]["url"]
                    if u.startswith(("http:", "https:", "ws:", "wss:")):
                        result.requests.append(u)
                text = _text_of(e)
                if text:
                    result.console_errors.append(text)
            try:
                cdp.send("Browser.close", timeout_s=5)
            except (RuntimeError, TimeoutError):
                pass
        finally:
            try:
                cdp.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                cdp.proc.kill()
                cdp.proc.wait()
            os.close(cdp.wfd)
            os.close(cdp.rfd)
    return result


def pdf_pages(pdf: bytes) -> int:
    """Pages in a PDF Chromium printed (its page objects, ``/Type /Page``)."""
    import re

    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))


def pixel_stats(png: bytes) -> tuple[float, int]:
    """(variance of grey levels, number of distinct colours) of a PNG screenshot."""
    import io

    import numpy as np
    from PIL import Image

    img = Image.open(io.BytesIO(png)).convert("RGB")
    arr = np.asarray(img)
    grey = arr.mean(axis=2)
    colours = len(np.unique(arr.reshape(-1, 3), axis=0))
    return float(grey.var()), colours
