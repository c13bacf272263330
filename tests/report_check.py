#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
#
# Checks that an evsim HTML report is well-formed: the file is valid UTF-8,
# every element opened is closed in order (HTML void elements excepted), it
# has exactly one <html>, <head>, <body> and at most one <script> (the
# report's own filter), nothing is fetched from elsewhere (no src=, no
# external href, no @import), and every inline <svg> element parses on its
# own with an XML parser.  Exits 0 when the file passes, 1 with one line per
# problem otherwise.  Usage: report_check.py REPORT.html [--forbid TEXT]...

import argparse
import html.parser
import re
import sys
import xml.etree.ElementTree as ET

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link",
        "meta", "param", "source", "track", "wbr"}


class Checker(html.parser.HTMLParser):
    """Tracks open elements and records every mismatch."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []
        self.problems = []
        self.counts = {}

    def where(self):
        line, col = self.getpos()
        return "line %d col %d" % (line, col + 1)

    def count(self, tag):
        # SVG has its own <title> (tooltips); count HTML elements only.
        if not any(t == "svg" for t, _ in self.stack):
            self.counts[tag] = self.counts.get(tag, 0) + 1

    def handle_starttag(self, tag, attrs):
        self.count(tag)
        for name, value in attrs:
            if name == "src":
                self.problems.append("%s: <%s src=...> fetches a resource"
                                     % (self.where(), tag))
            if name in ("href", "xlink:href") and value and \
                    re.match(r"^[a-z]+:", value) and \
                    not value.startswith("#"):
                self.problems.append("%s: <%s %s=%r> points outside the file"
                                     % (self.where(), tag, name, value))
        if tag not in VOID:
            self.stack.append((tag, self.where()))

    def handle_startendtag(self, tag, attrs):
        self.count(tag)

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack:
            self.problems.append("%s: </%s> closes nothing" %
                                 (self.where(), tag))
            return
        top, opened = self.stack.pop()
        if top != tag:
            self.problems.append("%s: </%s> closes <%s> opened at %s" %
                                 (self.where(), tag, top, opened))


def check(path, forbid):
    problems = []
    try:
        with open(path, "rb") as f:
            raw = f.read()
        text = raw.decode("utf-8")
    except (OSError, UnicodeDecodeError) as e:
        return ["%s: %s" % (path, e)]
    if not text.lstrip().lower().startswith("<!doctype html>"):
        problems.append("no <!DOCTYPE html> at the start")
    c = Checker()
    c.feed(text)
    c.close()
    problems += c.problems
    for tag, opened in c.stack:
        problems.append("<%s> opened at %s is never closed" % (tag, opened))
    for tag in ("html", "head", "body", "title"):
        if c.counts.get(tag, 0) != 1:
            problems.append("%d <%s> elements, expected 1" %
                            (c.counts.get(tag, 0), tag))
    if c.counts.get("script", 0) > 1:
        problems.append("%d <script> elements, expected at most 1" %
                        c.counts["script"])
    if "@import" in text:
        problems.append("CSS @import fetches a resource")
    # SVG is XML: each element must parse on its own.
    nsvg = 0
    for m in re.finditer(r"<svg\b.*?</svg>", text, re.S):
        nsvg += 1
        try:
            ET.fromstring(m.group(0))
        except ET.ParseError as e:
            line = text.count("\n", 0, m.start()) + 1
            problems.append("svg at line %d is not well-formed XML: %s" %
                            (line, e))
    if nsvg == 0:
        problems.append("no inline <svg>")
    for f in forbid:
        if f in text:
            problems.append("forbidden text present: %r" % f)
    return problems


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("report")
    ap.add_argument("--forbid", action="append", default=[],
                    help="text that must not appear (e.g. a raw hostile "
                         "string)")
    args = ap.parse_args()
    problems = check(args.report, args.forbid)
    for p in problems:
        print("%s: %s" % (args.report, p))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
