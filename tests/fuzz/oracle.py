# SPDX-License-Identifier: BSD-2-Clause
"""The fuzzers' oracle: is the evsim process itself healthy?

Whatever a scenario or a database holds, evsim must end by itself (no hang),
never die on a signal, print no sanitizer report (AddressSanitizer,
UndefinedBehaviorSanitizer, LeakSanitizer) and exit with a documented status.
run() runs one command and classifies it; a finding has an outcome
("signal", "sanitizer", "hang", "exit", or a checker's own outcome such as
"rowcount") and a signature, a short stable text used to deduplicate
findings: the sanitizer's error kind and the top frames of its stack, or for
a plain build the top frames gdb prints.

Also here: the known-findings list (known.txt) and the record of findings
(saved reproducers and the summary), shared by fuzz.py and dbmut.py.
"""
import hashlib
import os
import re
import shlex
import shutil
import signal
import subprocess
import time
import threading

SAN_MARKERS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer",
               "runtime error:", "UndefinedBehaviorSanitizer",
               "AddressSanitizer:DEADLYSIGNAL", "ThreadSanitizer")
FRAME_RE = re.compile(r"^\s*#(\d+) 0x[0-9a-f]+ in (\S+)(?: (\S+))?", re.M)
GDB_FRAME_RE = re.compile(
    r"^#(\d+)\s+(?:0x[0-9a-f]+ in )?(\S+) \(.*\)(?: at (\S+))?"
    r"(?: from \S+)?$", re.M)
SKIP_FRAME = re.compile(
    r"^(__interceptor_|__asan|__ubsan|__sanitizer|__lsan|_asan|"
    r"__GI_|__libc_|__pthread_kill|raise$|abort$|gsignal|"
    r"__assert_fail|__assert_fail_base|__vsnprintf_chk|__sprintf_chk|"
    r"malloc$|calloc$|realloc$|free$|memcpy|memmove|memset|strlen|"
    r"strcmp|__strlen|__memcpy|__memmove|__memset|_start$|"
    r"__restore_rt|\?\?$|qsort|msort_with_tmp)")

ASAN_OPTIONS = ("abort_on_error=0:halt_on_error=1:handle_abort=1:"
                "handle_segv=1:handle_sigbus=1:handle_sigfpe=1:"
                "allocator_may_return_null=1:symbolize=1:detect_leaks=%d")
UBSAN_OPTIONS = "print_stacktrace=1:halt_on_error=1"


def sanitizer_env(leaks=False):
    env = dict(os.environ)
    env["ASAN_OPTIONS"] = ASAN_OPTIONS % (1 if leaks else 0)
    env["UBSAN_OPTIONS"] = UBSAN_OPTIONS
    env.pop("EVSIM_DB", None)
    return env


class Result:
    def __init__(self, cmd, rc, out, err, timed_out):
        self.cmd = cmd
        self.rc = rc
        self.out = out
        self.err = err
        self.timed_out = timed_out
        self.outcome = None  # None: healthy
        self.signature = ""
        self.stack = ""

    def bad(self, outcome, signature, stack=""):
        if self.outcome is None:
            self.outcome = outcome
            self.signature = signature
            self.stack = stack


OUR_SOURCE = re.compile(r"(^|[/ ])(engine|sim|reports|tests)/\S*\.[ch]\b")


def frames_of(text, regex=FRAME_RE, n=3):
    """The first n interesting frames ("func file") of a stack dump.

    Frames in evsim's own sources are preferred; frames in libraries (Lua,
    libc, the sanitizer runtime) are used only where the first stack has
    none of evsim's.
    """
    stack = first_stack(text, regex, 1000)
    ours = [f for f in _frames(stack, regex, 64) if OUR_SOURCE.search(f)]
    if ours:
        return ours[:n]
    return [re.sub(r" \(.*\+0x[0-9a-f]+\)$", "", f)
            for f in _frames(stack, regex, n)]


def _frames(text, regex, n):
    out = []
    for m in regex.finditer(text):
        func, where = m.group(2), m.group(3) or ""
        if SKIP_FRAME.match(func) or "sanitizer_common" in where \
                or "/libc" in where or "libasan" in where \
                or "libubsan" in where:
            continue
        # Keep the path below the source root only.
        where = re.sub(r"^.*?/((?:engine|sim|reports|tests)/)", r"\1", where)
        where = re.sub(r"(:\d+)+$", "", where)  # line and column
        out.append("%s %s" % (func, where) if where else func)
        if len(out) == n:
            break
    return out


def first_stack(text, regex=FRAME_RE, n=12):
    """The first stack of a report, as printed, n lines at most."""
    lines = [ln.strip() for ln in text.splitlines() if regex.match(ln)]
    keep, last = [], -1
    for ln in lines:
        m = regex.match(ln)
        k = int(m.group(1))
        if k <= last:
            break
        keep.append(ln)
        last = k
        if len(keep) == n:
            break
    return "\n".join(keep)


def recursion(text, regex):
    """'recursion through F, G' if evsim's own functions repeat, else "".

    The top of an overflowed stack is wherever the last call landed: name
    the recursion instead, by the functions of evsim's own that repeat at
    least three times (the Lua bindings l_* vary with the call and are left
    out).
    """
    names = [f.split()[0] for f in _frames(first_stack(text, regex, 3000),
                                           regex, 3000)
             if OUR_SOURCE.search(f)]
    rec = sorted({f for f in names if names.count(f) > 2
                  and not f.startswith("l_")})
    return "recursion through " + ", ".join(rec) if rec else ""


def sanitizer_signature(err):
    kind = "sanitizer"
    m = re.search(r"ERROR: (AddressSanitizer|LeakSanitizer): (.*?)"
                  r"(?: on (?:unknown )?(?:address|0x)| \(|$)", err, re.M)
    if m:
        kind = "%s: %s" % (m.group(1), re.sub(r"0x[0-9a-f]+", "N",
                                              m.group(2)))
    m2 = re.search(r"^(\S+?):(\d+):\d+: runtime error: (.*)$", err, re.M)
    if m2 and not m:
        what = re.sub(r"-?\b\d+\b|0x[0-9a-f]+", "N", m2.group(3))
        what = re.sub(r"'[^']*'", "'T'", what)[:70]
        where = re.sub(r"^.*?/((?:engine|sim|reports|tests)/)", r"\1",
                       m2.group(1))
        kind = "UBSan: %s at %s:%s" % (what, where, m2.group(2))
    if kind.endswith("stack-overflow") or kind.endswith("SEGV"):
        rec = recursion(err, FRAME_RE)
        if rec:
            return kind + " | " + rec, first_stack(err, n=40)
    frames = frames_of(err)
    return kind + " | " + " < ".join(frames), first_stack(err)


def gdb_stack(argv, cwd, env, timeout):
    """Re-runs a crashing command under gdb; returns its backtrace."""
    gdb = shutil.which("gdb")
    if gdb is None:
        return ""
    try:
        p = subprocess.run(
            [gdb, "-nx", "-batch", "-ex", "set pagination off",
             "-ex", "set confirm off", "-ex", "run", "-ex", "bt 600",
             "--args"] + argv,
            cwd=cwd, env=env, capture_output=True, timeout=timeout,
            stdin=subprocess.DEVNULL)
        return p.stdout.decode("utf-8", "replace")
    except (subprocess.TimeoutExpired, OSError):
        return ""


def gdb_attach_stack(pid, timeout=20):
    gdb = shutil.which("gdb")
    if gdb is None:
        return ""
    try:
        p = subprocess.run(
            [gdb, "-nx", "-batch", "-p", str(pid), "-ex", "bt 12"],
            capture_output=True, timeout=timeout, stdin=subprocess.DEVNULL)
        return p.stdout.decode("utf-8", "replace")
    except (subprocess.TimeoutExpired, OSError):
        return ""


def cpu_seconds(pid):
    """CPU time (user + system) of a live process, from /proc; 0 if gone."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


# A process that used less CPU than its timeout is given this many times
# the timeout in wall-clock time before it counts as hung: on a loaded
# machine a slow run is not a hang, a run blocked forever still is.
WALL_FACTOR = 10


def wait_cpu(p, timeout):
    """communicate() until p exits, its CPU time reaches timeout, or the
    wall clock reaches WALL_FACTOR * timeout; raises TimeoutExpired."""
    start = time.monotonic()
    while True:
        try:
            return p.communicate(timeout=max(1.0, timeout / 10))
        except subprocess.TimeoutExpired:
            if cpu_seconds(p.pid) >= timeout or \
                    time.monotonic() - start >= WALL_FACTOR * timeout:
                raise


def run(argv, cwd, timeout, env, ok_codes=(0, 1, 2), want_stack=True):
    """Runs argv in its own process group; classifies the outcome.  A hang
    is timeout seconds of CPU time (or WALL_FACTOR times that of waiting)."""
    p = subprocess.Popen(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         start_new_session=True)
    timed_out = False
    hang_stack = ""
    try:
        out, err = wait_cpu(p, timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        if want_stack:
            hang_stack = gdb_attach_stack(p.pid)
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        out, err = p.communicate()
    out = out.decode("utf-8", "replace")
    err = err.decode("utf-8", "replace")
    r = Result(argv, p.returncode, out, err, timed_out)
    if timed_out:
        fr = frames_of(hang_stack, GDB_FRAME_RE, 4)
        r.bad("hang", "no exit within the timeout | %s" % " < ".join(fr),
              first_stack(hang_stack, GDB_FRAME_RE))
        return r
    if any(m in err for m in SAN_MARKERS):
        sig, stack = sanitizer_signature(err)
        r.bad("sanitizer", sig, stack)
        return r
    if p.returncode < 0:
        name = signal.Signals(-p.returncode).name \
            if -p.returncode in signal.valid_signals() else str(-p.returncode)
        stack = gdb_stack(argv, cwd, env, timeout) if want_stack else ""
        fr = recursion(stack, GDB_FRAME_RE) or \
            " < ".join(frames_of(stack, GDB_FRAME_RE, 3))
        r.bad("signal", "%s | %s" % (name, fr),
              first_stack(stack, GDB_FRAME_RE))
        return r
    if p.returncode not in ok_codes:
        r.bad("exit", "exit status %d" % p.returncode)
    return r


class Known:
    """known.txt: one 'OUTCOME REGEX  # why' a line; '#' starts a comment.

    A finding whose outcome is OUTCOME and whose signature matches REGEX
    (re.search) is a known bug: it is counted and listed, but does not make
    the fuzzer fail unless --strict.  Delete an entry when its bug is fixed.
    """

    def __init__(self, path):
        self.entries = []
        if path is None:
            return
        with open(path, encoding="utf-8") as f:
            for line in f:
                line = line.split("  #", 1)[0].strip()
                if not line or line.startswith("#"):
                    continue
                outcome, _, rx = line.partition(" ")
                self.entries.append((outcome, re.compile(rx.strip()),
                                     line))

    def match(self, outcome, signature):
        for o, rx, line in self.entries:
            if o == outcome and rx.search(signature):
                return line
        return None


class Findings:
    """Deduplicated findings; saves a reproducer of every failing case."""

    def __init__(self, outdir, known):
        self.outdir = outdir
        self.known = known
        self.lock = threading.Lock()
        self.counts = {}  # outcome -> number of cases
        self.distinct = {}  # (outcome, signature) -> [count, example dir]
        self.cases = 0

    def count(self, outcome):
        with self.lock:
            self.counts[outcome] = self.counts.get(outcome, 0) + 1

    def add(self, outcome, signature, case_id, files, cmdline, stack="",
            detail=""):
        """Records one finding; files maps a file name to its bytes/text."""
        key = (outcome, signature)
        h = hashlib.sha1(("%s|%s" % key).encode()).hexdigest()[:10]
        with self.lock:
            self.counts[outcome] = self.counts.get(outcome, 0) + 1
            ent = self.distinct.setdefault(key, [0, None, stack, cmdline])
            ent[0] += 1
            save = self.outdir is not None and ent[0] <= 3
        if not save:
            return
        d = os.path.join(self.outdir, "%s-%s" % (outcome, h), str(case_id))
        os.makedirs(d, exist_ok=True)
        for name, data in files.items():
            mode = "wb" if isinstance(data, bytes) else "w"
            with open(os.path.join(d, name), mode) as f:
                f.write(data)
        with open(os.path.join(d, "README"), "w") as f:
            f.write("outcome: %s\nsignature: %s\n\ncommand (from this "
                    "folder):\n  %s\n\n%s\n\nstack:\n%s\n" % (
                        outcome, signature, cmdline, detail, stack))
        with self.lock:
            if ent[1] is None:
                ent[1] = d

    def summary(self, total, strict):
        """Prints the summary; returns the number of unexpected findings."""
        lines = ["%d cases; by outcome (a case with findings in two of its "
                 "steps counts under both):" % total]
        for o in sorted(self.counts):
            lines.append("  %-12s %d" % (o, self.counts[o]))
        new = 0
        if self.distinct:
            lines.append("distinct findings:")
        for (o, sig), (n, d, stack, cmd) in sorted(
                self.distinct.items(), key=lambda kv: (-kv[1][0], kv[0])):
            k = self.known.match(o, sig)
            if k is None or strict:
                new += 1
            lines.append("  [%s] %dx %s: %s" % (
                "known" if k is not None else "NEW", n, o, sig))
            if d is not None:
                lines.append("      saved in %s" % d)
        lines.append("%d distinct, %d not in the known list%s" % (
            len(self.distinct), new, " (--strict)" if strict else ""))
        print("\n".join(lines), flush=True)
        return new


def shell_line(argv, cwd=None):
    s = " ".join(shlex.quote(a) for a in argv)
    return s if cwd is None else "(cd %s && %s)" % (shlex.quote(cwd), s)
