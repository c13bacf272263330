#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Renders an HTML report in headless Chromium and checks it is not blank.

Records one race scenario (scenarios/races/close_fd_during_kevent.lua
unless --scenario says otherwise) with `evsim run FILE --quiet --db DB`,
writes report.html with `evsim report`, takes a screenshot of it with
Debian's chromium in headless mode, decodes the PNG (zlib and struct, no
imaging library) and requires more than a handful of distinct colours and
some non-white area: a report that fails to parse or lays out as an empty
page fails.  Exits 77 (skipped, for meson) when /usr/bin/chromium is not
installed.

--out PATH keeps the screenshot (the README's reports/screenshot-race.png
is made this way); --window-size W,H sets the viewport (default 1400,1000).
"""
import argparse
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

CHROMIUM = "/usr/bin/chromium"
HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_SCENARIO = os.path.join(HERE, "..", "scenarios", "races",
                                "close_fd_during_kevent.lua")
MIN_COLOURS = 16


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


def main():
    ap = argparse.ArgumentParser(
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--evsim", required=True)
    ap.add_argument("--scenario", default=DEFAULT_SCENARIO)
    ap.add_argument("--out", help="keep the screenshot here")
    ap.add_argument("--window-size", default="1400,1000")
    args = ap.parse_args()

    chromium = CHROMIUM if os.path.exists(CHROMIUM) else None
    if chromium is None:
        print("SKIP: chromium not installed (apt-get install chromium)")
        return 77
    evsim = os.path.abspath(args.evsim)
    scenario = os.path.abspath(args.scenario)
    out = os.path.abspath(args.out) if args.out else None
    want_w, want_h = (int(v) for v in args.window_size.split(","))

    tmp = tempfile.mkdtemp(prefix="evsim-chromium-")
    try:
        p = subprocess.run([evsim, "run", scenario, "--quiet", "--db",
                            "race.db"], cwd=tmp, capture_output=True,
                           text=True, timeout=300)
        if p.returncode not in (0, 1):
            print("FAIL evsim run exited %d: %s"
                  % (p.returncode, (p.stdout + p.stderr).strip()))
            return 1
        p = subprocess.run([evsim, "report", "race.db", "-o", "report.html"],
                           cwd=tmp, capture_output=True, text=True,
                           timeout=300)
        if p.returncode != 0:
            print("FAIL evsim report exited %d: %s"
                  % (p.returncode, (p.stdout + p.stderr).strip()))
            return 1
        png = os.path.join(tmp, "report.png")
        profile = os.path.join(tmp, "profile")
        cmd = [chromium, "--headless", "--no-sandbox", "--disable-gpu",
               "--disable-quic", "--no-first-run",
               "--disable-background-networking",
               "--disable-component-update", "--disable-sync",
               "--hide-scrollbars", "--user-data-dir=" + profile,
               "--screenshot=" + png, "--window-size=" + args.window_size,
               "file://" + os.path.join(tmp, "report.html")]
        env = dict(os.environ, HOME=tmp)
        try:
            p = subprocess.run(cmd, cwd=tmp, capture_output=True, text=True,
                               timeout=180, env=env)
        except subprocess.TimeoutExpired:
            print("FAIL chromium did not finish in 180 s")
            return 1
        if not os.path.exists(png):
            print("FAIL chromium exited %d without a screenshot:\n%s"
                  % (p.returncode, (p.stdout + p.stderr).strip()[-2000:]))
            return 1
        with open(png, "rb") as f:
            data = f.read()
        try:
            w, h, bpp, rows = png_pixels(data)
        except (ValueError, zlib.error, struct.error) as e:
            print("FAIL %s: %s" % (png, e))
            return 1
        ncol, share = colour_stats(w, h, bpp, rows)
        print("screenshot %dx%d, %d bytes, %d distinct colours, %.1f%% not "
              "white" % (w, h, len(data), ncol, 100 * share))
        problems = []
        if (w, h) != (want_w, want_h):
            problems.append("size %dx%d, expected %dx%d"
                            % (w, h, want_w, want_h))
        if ncol <= MIN_COLOURS:
            problems.append("only %d distinct colours: a blank page" % ncol)
        if share < 0.02:
            problems.append("only %.2f%% of the pixels are not white"
                            % (100 * share))
        if out:
            shutil.copy(png, out)
            print("kept the screenshot as " + out)
        for pr in problems:
            print("FAIL " + pr)
        return 1 if problems else 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
