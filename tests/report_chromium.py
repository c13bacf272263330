#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Drives an HTML report in headless Chromium and checks what it shows.

Finds and shrinks the CPONFORK timer race (scenarios/fork/
cponfork_timer_race.lua under freebsd@b11289f, `evsim explore --strategy
random`), writes its report with `evsim report`, opens it in Debian's
chromium in headless mode and drives the page through the DevTools
protocol (a websocket client written here on the standard library), as a
user would, with real mouse events:

  - the "Why" section names the decisions the shrunk schedule needs, each
    marked in the thread lanes, and the transitions that raced (the
    softclock thread enqueueing the copied knote during fork);
  - a click on the whole-run overview moves the transition table's view
    there and opens the state panel at that seq;
  - a click on a transition row shows every object's fields at that seq,
    the changed field highlighted, and a click on that field's last writer
    goes to the transition that wrote it before;
  - a screenshot of the whole page is not blank (decoded here: zlib and
    struct, no imaging library).

--out PATH keeps the page's screenshot, --why-out PATH a screenshot of the
"Why" section and the thread lanes (the README's reports/screenshot-why.png
is made this way).  Exits 77 (skipped, for meson) when /usr/bin/chromium is
not installed.
"""
import argparse
import base64
import json
import os
import re
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time
import urllib.request
import zlib

CHROMIUM = "/usr/bin/chromium"
HERE = os.path.dirname(os.path.abspath(__file__))
SCENARIO = os.path.join(HERE, "..", "scenarios", "fork",
                        "cponfork_timer_race.lua")
KERNEL = "freebsd@b11289f"
MIN_COLOURS = 16


class WebSocket:
    """A minimal RFC 6455 client: text frames, client-side masking."""

    def __init__(self, url, timeout=60):
        m = re.match(r"ws://([^/:]+):(\d+)(/.*)", url)
        if m is None:
            raise ValueError("not a ws:// URL: " + url)
        host, port, path = m.group(1), int(m.group(2)), m.group(3)
        self.sock = socket.create_connection((host, port), timeout=timeout)
        key = base64.b64encode(os.urandom(16)).decode()
        req = ("GET %s HTTP/1.1\r\nHost: %s:%d\r\nUpgrade: websocket\r\n"
               "Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\n"
               "Sec-WebSocket-Version: 13\r\n\r\n" % (path, host, port, key))
        self.sock.sendall(req.encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise ConnectionError("websocket handshake: connection "
                                      "closed")
            head += chunk
        status = head.split(b"\r\n", 1)[0]
        if b" 101 " not in status:
            raise ConnectionError("websocket handshake: %r" % status)
        self.buf = head.split(b"\r\n\r\n", 1)[1]

    def send(self, text):
        data = text.encode()
        hdr = bytearray([0x81])
        n = len(data)
        if n < 126:
            hdr.append(0x80 | n)
        elif n < 65536:
            hdr.append(0x80 | 126)
            hdr += struct.pack(">H", n)
        else:
            hdr.append(0x80 | 127)
            hdr += struct.pack(">Q", n)
        mask = os.urandom(4)
        hdr += mask
        self.sock.sendall(bytes(hdr) + bytes(b ^ mask[i % 4]
                                             for i, b in enumerate(data)))

    def _read(self, n):
        while len(self.buf) < n:
            chunk = self.sock.recv(1 << 16)
            if not chunk:
                raise ConnectionError("websocket closed")
            self.buf += chunk
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def recv(self):
        parts = []
        while True:
            b0, b1 = self._read(2)
            n = b1 & 0x7f
            if n == 126:
                n = struct.unpack(">H", self._read(2))[0]
            elif n == 127:
                n = struct.unpack(">Q", self._read(8))[0]
            payload = self._read(n)
            op = b0 & 0x0f
            if op == 8:
                raise ConnectionError("websocket closed by the browser")
            if op in (0, 1, 2):
                parts.append(payload)
                if b0 & 0x80:
                    return b"".join(parts).decode()


class Page:
    """One page target, spoken to with DevTools commands."""

    def __init__(self, ws):
        self.ws = ws
        self.next_id = 0

    def call(self, method, **params):
        self.next_id += 1
        mid = self.next_id
        self.ws.send(json.dumps({"id": mid, "method": method,
                                 "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == mid:
                if "error" in msg:
                    raise RuntimeError("%s: %s" % (method, msg["error"]))
                return msg.get("result", {})

    def js(self, expr):
        res = self.call("Runtime.evaluate", expression=expr,
                        returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in res:
            raise RuntimeError("script error in %s: %s"
                               % (expr, res["exceptionDetails"]))
        return res["result"].get("value")

    def click(self, x, y):
        """A real left click: pressed and released at (x, y)."""
        for kind in ("mouseMoved", "mousePressed", "mouseReleased"):
            self.call("Input.dispatchMouseEvent", type=kind, x=x, y=y,
                      button="left" if kind != "mouseMoved" else "none",
                      clickCount=1)

    def click_element(self, selector):
        """Scrolls the element into view and clicks its centre."""
        r = self.js("(function(){var e=document.querySelector(%s);"
                    "if(!e)return null;e.scrollIntoView({block:'center'});"
                    "var b=e.getBoundingClientRect();"
                    "return [b.left+b.width/2,b.top+b.height/2];})()"
                    % json.dumps(selector))
        if r is None:
            raise RuntimeError("no element " + selector)
        self.click(r[0], r[1])
        return r


def png_pixels(data):
    """Decodes an 8-bit RGB or RGBA PNG; returns (width, height, rows)."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG file")
    pos, idat, ihdr = 8, [], None
    while pos + 8 <= len(data):
        length, ctype = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        pos += 12 + length
        if ctype == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", body)
        elif ctype == b"IDAT":
            idat.append(body)
        elif ctype == b"IEND":
            break
    if ihdr is None:
        raise ValueError("no IHDR chunk")
    w, h, depth, colour, _, _, interlace = ihdr
    if depth != 8 or colour not in (2, 6) or interlace != 0:
        raise ValueError("unsupported PNG: depth %d, colour type %d, "
                         "interlace %d" % (depth, colour, interlace))
    bpp = 3 if colour == 2 else 4
    raw = zlib.decompress(b"".join(idat))
    stride = w * bpp
    if len(raw) != h * (stride + 1):
        raise ValueError("image data is %d bytes, expected %d"
                         % (len(raw), h * (stride + 1)))
    rows, prev = [], bytearray(stride)
    for y in range(h):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        if f == 1:
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 0xff
        elif f == 2:
            for i in range(stride):
                line[i] = (line[i] + prev[i]) & 0xff
        elif f == 3:
            for i in range(stride):
                left = line[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + ((left + prev[i]) >> 1)) & 0xff
        elif f == 4:
            for i in range(stride):
                a = line[i - bpp] if i >= bpp else 0
                b = prev[i]
                c = prev[i - bpp] if i >= bpp else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[i] = (line[i] + pred) & 0xff
        elif f != 0:
            raise ValueError("row %d: unknown filter %d" % (y, f))
        rows.append(bytes(line))
        prev = line
    return w, h, bpp, rows


def colour_stats(w, h, bpp, rows):
    """Distinct RGB colours and the share of pixels that are not white."""
    colours, nonwhite = set(), 0
    for line in rows:
        for x in range(0, w * bpp, bpp):
            px = line[x:x + 3]
            colours.add(px)
            if px != b"\xff\xff\xff":
                nonwhite += 1
    return len(colours), nonwhite / float(w * h)


def start_chromium(tmp, url, size):
    profile = os.path.join(tmp, "profile")
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
           "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update",
           "--disable-sync", "--hide-scrollbars",
           "--remote-debugging-port=0", "--remote-debugging-address=127.0.0.1",
           "--user-data-dir=" + profile, "--window-size=" + size, url]
    log = open(os.path.join(tmp, "chromium.log"), "w+")
    proc = subprocess.Popen(cmd, cwd=tmp, stdout=log, stderr=log,
                            env=dict(os.environ, HOME=tmp))
    port = None
    deadline = time.time() + 60
    while port is None and time.time() < deadline:
        if proc.poll() is not None:
            break
        time.sleep(0.2)
        log.seek(0)
        m = re.search(r"DevTools listening on ws://[^:]+:(\d+)/", log.read())
        if m:
            port = int(m.group(1))
    if port is None:
        log.seek(0)
        proc.kill()
        proc.wait()
        raise RuntimeError("chromium did not start its DevTools server:\n"
                           + log.read()[-2000:])
    return proc, port


def page_ws(port):
    deadline = time.time() + 30
    while time.time() < deadline:
        with urllib.request.urlopen("http://127.0.0.1:%d/json/list" % port,
                                    timeout=10) as f:
            targets = json.load(f)
        for t in targets:
            if t.get("type") == "page":
                return t["webSocketDebuggerUrl"]
        time.sleep(0.2)
    raise RuntimeError("no page target for the report")


def check_page(pg, problems):
    """The checks of the module docstring; appends to problems."""
    def want(cond, what):
        if not cond:
            problems.append(what)
        return cond

    # The Why section: decisions the shrunk run needs, marked in the lanes.
    why = pg.js("(document.getElementById('why')||{}).textContent||''")
    m = re.search(r"The failure needs these (\d+) decisions", why)
    if want(m is not None, "no 'The failure needs these N decisions' in "
            "the Why section: %r" % why[:300]):
        n = int(m.group(1))
        marks = pg.js("document.querySelectorAll('#threads ~ div "
                      "svg .dmark').length")
        want(marks == n, "%d decisive decisions but %s marks in the lanes"
             % (n, marks))
        want("was preempted" in why, "no preemption named in Why")
    want(re.search(r"What raced:.*softclock.*knote_enqueue\s+knote#6\."
                   r"kn_status", why, re.S) is not None,
         "Why does not show softclock enqueueing knote#6 during the fork")
    want("Backward slice" in why, "no backward slice in Why")
    dim = pg.js("document.querySelectorAll('#tt tr.dim').length")
    sl = pg.js("document.querySelectorAll('#tt tr.sl').length")
    want(dim > 0 and sl > 0, "slice rows %s, dimmed rows %s" % (sl, dim))

    # The overview: a click moves the table's view and opens the state.
    before = pg.js("[document.getElementById('vtext').textContent,"
                   "+document.getElementById('ovw-view').getAttribute('x')]")
    box = pg.js("(function(){var s=document.getElementById('ovw');"
                "s.scrollIntoView({block:'center'});"
                "var b=s.getBoundingClientRect();"
                "return [b.left,b.top,b.width,b.height];})()")
    # Seq about 10: EV.lw + 10/EV.smax of the plot, in CSS pixels.
    ev = pg.js("[EV.lw, EV.pw, EV.smin, EV.smax, EV.lo, EV.hi]")
    scale = box[2] / (ev[0] + ev[1] + 20)
    target = 10
    x = box[0] + (ev[0] + (target - ev[2] + 0.5) * ev[1]
                  / (ev[3] - ev[2] + 1)) * scale
    pg.click(x, box[1] + box[3] / 2)
    after = pg.js("[document.getElementById('vtext').textContent,"
                  "+document.getElementById('ovw-view').getAttribute('x')]")
    print("overview click at seq ~%d: view %r -> %r" % (target, before,
                                                        after))
    want(after[0] != before[0] and after[1] < before[1],
         "the overview click did not move the view: %r -> %r"
         % (before, after))
    want(re.search(r"seq 1–", after[0]) is not None,
         "the view does not start at the run's start: %r" % after[0])
    state = pg.js("(document.getElementById('state-seq')||{}).textContent")
    want(state is not None and re.match(r"State at seq (\d+)$", state)
         and abs(int(state.split()[-1]) - target) <= 2,
         "state panel after the overview click: %r" % state)

    # A transition: the copied knote enqueued by the timer (softclock).
    seq = pg.js("(function(){var r=document.querySelectorAll('#tt tbody "
                "tr');for(var i=0;i<r.length;i++){var c=r[i].cells;"
                "if(c[3].textContent==='knote_enqueue'&&c[4].textContent"
                "==='knote#6'&&c[5].textContent==='kn_status')"
                "return +r[i].getAttribute('data-seq');}return null;})()")
    if not want(seq is not None, "no knote_enqueue of knote#6 in the table"):
        return
    # Page the table forward (the view is at the start) to that row.
    for _ in range(10):
        if pg.js("document.getElementById('tr-%d').style.display" % seq) \
                != "none":
            break
        pg.click_element("#vnext")
    # The seq cell: at the left, never under the state panel.
    pg.click_element("#tr-%d td:nth-child(1)" % seq)
    shown = pg.js(
        "(function(){var t=document.querySelector('#state table"
        "[data-object=\"knote#6\"] tr[data-field=\"kn_status\"]');"
        "return t?[document.getElementById('state-seq').textContent,"
        "t.className,t.cells[1].textContent,t.cells[2].textContent]:null;"
        "})()")
    print("clicked seq %d: %r" % (seq, shown))
    if want(shown is not None, "the state panel has no knote#6 kn_status"):
        want(shown[0] == "State at seq %d" % seq, "panel shows %r, not "
             "seq %d" % (shown[0], seq))
        want(shown[1] == "chg", "kn_status not highlighted as changed")
        want(shown[2] == "ACTIVE|QUEUED", "kn_status %r at seq %d, "
             "expected ACTIVE|QUEUED" % (shown[2], seq))
        m = re.search(r"was ACTIVE, set at seq (\d+) (\w+)", shown[3])
        want(m is not None, "no previous writer of kn_status: %r"
             % shown[3])
    # Every other object at that seq, e.g. the parent's knote, is there.
    n_obj = pg.js("document.querySelectorAll('#state table').length")
    want(n_obj >= 10, "the state panel shows only %s objects" % n_obj)
    if shown is not None and m is not None:
        prev = int(m.group(1))
        pg.click_element("#state table[data-object=\"knote#6\"] "
                         "tr[data-field=\"kn_status\"] a.writer")
        now = pg.js("document.getElementById('state-seq').textContent")
        print("last writer click: %r" % now)
        want(now == "State at seq %d" % prev, "the last-writer click "
             "went to %r, not seq %d" % (now, prev))
        func = pg.js("document.getElementById('state-tr').textContent")
        want(m.group(2) in func and "knote#6.kn_status" in func,
             "the writer's transition is %r" % func)


def main():
    ap = argparse.ArgumentParser(
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--evsim", required=True)
    ap.add_argument("--out", help="keep the page's screenshot here")
    ap.add_argument("--why-out", help="keep a screenshot of the Why "
                    "section and the thread lanes here")
    ap.add_argument("--window-size", default="1400,1000")
    args = ap.parse_args()

    if not os.path.exists(CHROMIUM):
        print("SKIP: chromium not installed (apt-get install chromium)")
        return 77
    evsim = os.path.abspath(args.evsim)
    want_w, want_h = (int(v) for v in args.window_size.split(","))
    tmp = tempfile.mkdtemp(prefix="evsim-chromium-")
    proc = None
    problems = []
    try:
        p = subprocess.run([evsim, "explore", SCENARIO, "--kernel", KERNEL,
                            "--strategy", "random", "--runs", "300",
                            "--jobs", "1", "--db", "race.db"],
                           cwd=tmp, capture_output=True, text=True,
                           timeout=300)
        if p.returncode != 1 or "knote already queued" not in p.stdout:
            print("FAIL evsim explore exited %d without the race:\n%s"
                  % (p.returncode, (p.stdout + p.stderr).strip()))
            return 1
        p = subprocess.run([evsim, "report", "race.db", "-o", "report.html"],
                           cwd=tmp, capture_output=True, text=True,
                           timeout=300)
        if p.returncode != 0:
            print("FAIL evsim report exited %d: %s"
                  % (p.returncode, (p.stdout + p.stderr).strip()))
            return 1
        url = "file://" + os.path.join(tmp, "report.html")
        proc, port = start_chromium(tmp, "about:blank", args.window_size)
        pg = Page(WebSocket(page_ws(port)))
        pg.call("Emulation.setDeviceMetricsOverride", width=want_w,
                height=want_h, deviceScaleFactor=1, mobile=False)
        pg.call("Page.navigate", url=url)
        deadline = time.time() + 60
        while pg.js("location.href") != url or \
                pg.js("document.readyState") != "complete":
            if time.time() > deadline:
                print("FAIL the report did not load in 60 s")
                return 1
            time.sleep(0.1)
        if args.why_out:
            # Wide enough for the lanes (1410 px) beside nothing else.
            pg.call("Emulation.setDeviceMetricsOverride", width=1480,
                    height=want_h, deviceScaleFactor=1, mobile=False)
            box = pg.js("(function(){window.scrollTo(0,0);"
                        "var a=document.getElementById('why')"
                        ".getBoundingClientRect(),b=document.querySelector"
                        "('#threads + p + div svg').getBoundingClientRect();"
                        "return [a.left+scrollX,a.top+scrollY,"
                        "Math.max(a.right,b.right)+scrollX,"
                        "b.bottom+scrollY];})()")
            shot = pg.call("Page.captureScreenshot", format="png",
                           captureBeyondViewport=True,
                           clip={"x": box[0] - 8, "y": box[1] - 8,
                                 "width": box[2] - box[0] + 16,
                                 "height": box[3] - box[1] + 16,
                                 "scale": 1})
            with open(args.why_out, "wb") as f:
                f.write(base64.b64decode(shot["data"]))
            print("kept the Why screenshot as " + args.why_out)
            pg.call("Emulation.setDeviceMetricsOverride", width=want_w,
                    height=want_h, deviceScaleFactor=1, mobile=False)
        check_page(pg, problems)
        pg.js("window.scrollTo(0,0)")
        shot = pg.call("Page.captureScreenshot", format="png")
        data = base64.b64decode(shot["data"])
        try:
            w, h, bpp, rows = png_pixels(data)
        except (ValueError, zlib.error, struct.error) as e:
            print("FAIL screenshot: %s" % e)
            return 1
        ncol, share = colour_stats(w, h, bpp, rows)
        print("screenshot %dx%d, %d bytes, %d distinct colours, %.1f%% not "
              "white" % (w, h, len(data), ncol, 100 * share))
        if (w, h) != (want_w, want_h):
            problems.append("size %dx%d, expected %dx%d"
                            % (w, h, want_w, want_h))
        if ncol <= MIN_COLOURS:
            problems.append("only %d distinct colours: a blank page" % ncol)
        if share < 0.02:
            problems.append("only %.2f%% of the pixels are not white"
                            % (100 * share))
        if args.out:
            with open(args.out, "wb") as f:
                f.write(data)
            print("kept the screenshot as " + args.out)
    except (RuntimeError, ConnectionError, OSError, ValueError) as e:
        problems.append(str(e))
    finally:
        if proc is not None:
            proc.kill()
            proc.wait()
        shutil.rmtree(tmp, ignore_errors=True)
    for pr in problems:
        print("FAIL " + pr)
    if not problems:
        print("ok: Why, overview click, transition click, last writer, "
              "screenshot")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
