#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Generates random evsim scenarios with hostile arguments.

generate(seed) returns a Scenario: the Lua text of one scenario file and the
command-line options to run it with (kernel, strategy, seed, --check).  The
same seed gives the same scenario and options on every machine (only
random.Random(seed) is used, never the host's randomness or clock).

A scenario calls every sys.* and sim.* function (see FUNCS) from its main
thread, from threads it starts and from processes it forks, nested a few
levels deep, with arguments that are mostly plausible (open descriptors,
real constants) and often hostile: nil, booleans, +-2^31, 2^53,
math.maxinteger, NaN, inf, strings with NUL bytes, invalid UTF-8, huge
strings, tables with metamethods (some of which make syscalls or raise),
functions and coroutines.  Most calls go through pcall so that a bad
argument does not end the run before the interesting part; some do not, so
that the script-error path is exercised too.  Any outcome of the scenario
itself (passed, failed, script error) is acceptable: the oracle is the
simulator process (see fuzz.py).

Run alone it prints the scenario for a seed:  gen.py SEED
"""
import random
import sys

KERNELS = [
    "freebsd", "freebsd@b11289f", "freebsd@pre-D18316", "freebsd@pre-D8898",
    "freebsd@pre-r295012", "freebsd@7773002", "illumos", "illumos@pre-14898",
]
STRATEGIES = ["fifo", "random", "pct", "pct:1", "pct:3", "pct:10"]

# Hostile Lua expressions, by kind.
HOSTILE_INT = [
    "0", "-1", "1", "2", "3", "7", "64", "255", "256", "65535", "65536",
    "2147483647", "2147483648", "-2147483648", "-2147483649", "4294967295",
    "4294967296", "(1 << 53)", "((1 << 53) + 1)", "-(1 << 53)",
    "math.maxinteger", "math.mininteger", "(math.maxinteger - 1)",
    "(math.mininteger + 1)", "0x7fff", "0x8000", "0xffff", "-32768",
    "(1 << 62)", "(1 << 63)",
]
HOSTILE_NUM = [
    "(0/0)", "(1/0)", "(-1/0)", "0.5", "-0.0", "2^31", "2^53", "2^63",
    "1e308", "-1e308", "2^64", "3.0", "(-(0/0))",
]
HOSTILE_STR = [
    '""', '"a\\0b"', '"\\0"', '"\\xff\\xfe\\xfd"', '"\\xc0\\x80"',
    '"\\xed\\xa0\\x80"', '"%s%s%n%x%d"', '"/"', '"//"', '"/a/../b"',
    '"/f\\0/g"', '"."', '".."', '"/dev/null"', '"EBADF"', '"\\n\\r\\t"',
    'string.rep("x", 4096)', 'string.rep("\\0", 70000)',
    'string.rep("a/", 3000)', 'string.rep("\\xff", 1 << 16)',
    '("1" .. string.rep("0", 40))', '"0x10"', '"12"', '"-1"', '" 3 "',
    '"inf"', '"nan"',
]
HUGE_STR = ['string.rep("y", 1 << 20)', 'string.rep("z", (1 << 20) + 1)',
            'string.rep("\\0x", 1 << 19)']
HOSTILE_OTHER = [
    "nil", "true", "false", "{}", "{1, 2, 3}", "{nil, nil, 3}",
    "print", "function() end", "sys.exit", "coroutine.yield", "error",
    "coroutine.create(function() end)", "coroutine.running()",
    "setmetatable({}, {__index = function() error('index mm') end})",
    "setmetatable({}, {__len = function() return math.maxinteger end})",
    "setmetatable({}, {__len = function() return -1 end})",
    "setmetatable({}, {__len = function() return 0/0 end})",
    "setmetatable({}, {__len = function() error('len mm') end})",
    "setmetatable({1, 2}, {__index = function(t, k) return sys.getpid() "
    "end})",
    "setmetatable({}, {__len = function() sys.sched_yield() return 2 "
    "end, __index = function() return sys.gettid() end})",
    "setmetatable({}, {__index = function() coroutine.yield() end, "
    "__len = function() return 3 end})",
    "setmetatable({}, {__tostring = function() sys.exit(5) end})",
    "setmetatable({}, {__tostring = function() return 1 end})",
    "setmetatable({}, {__eq = function() return true end})",
    "setmetatable({}, {__name = 'FILE*'})",
    "setmetatable({}, {__close = function() end})",
    "setmetatable({}, {__metatable = false})",
    "{filter = 1, ident = 1}", "{ident = {}}",
    "{{ident = 0/0}}", "{{}}", "{{foo = 1}}", "{{[1] = 1}}",
    "{{ident = 1, filter = -1, flags = 1, udata = {}}}",
    "{{ident = 1, filter = -1, flags = 1, udata = 0.5}}",
    "{{ident = 1, filter = -1, flags = 1, udata = print}}",
]
TUNABLES = ['"kern.kq_calloutmax"', '"kern.maxfilesperproc"',
            '"process.max-port-events"', '"kern.nope"', '""', '"kern."',
            '"process.max-port-events\\0x"']
FAILPOINTS = [
    '"kqueue_register:knote_alloc"', '"kqueue_expand:malloc"',
    '"knote_fork:kqueue_register"', '"port_alloc_event:kmem_cache_alloc"',
    '"kqueue_register:nope"', '"nope"', '""',
]
FP_SPECS = ['"off"', '"return"', '"1*return"', '"3*return"', '"50%return"',
            '"100%return"', '"0%return"', '"explore"', '"-1*return"',
            '"101%return"', '"bogus"', '"99999999999999999999*return"',
            '"nan%return"', '""']
SIGNALS = ["sys.SIGHUP", "sys.SIGINT", "sys.SIGQUIT", "sys.SIGKILL",
           "sys.SIGPIPE", "sys.SIGALRM", "sys.SIGTERM", "sys.SIGCHLD", "0",
           "sys.SIGSTOP", "sys.SIGTSTP", "sys.SIGCONT",
           "31", "32", "33", "64", "65"]
EVFILTS = ["READ", "WRITE", "AIO", "VNODE", "PROC", "SIGNAL", "TIMER",
           "PROCDESC", "FS", "LIO", "USER", "SENDFILE", "EMPTY", "JAIL",
           "JAILDESC"]
EV_FLAGS = ["ADD", "DELETE", "ENABLE", "DISABLE", "FORCEONESHOT",
            "KEEPUDATA", "ONESHOT", "CLEAR", "RECEIPT", "DISPATCH", "DROP",
            "FLAG1", "FLAG2", "EOF", "ERROR", "SYSFLAGS"]
NOTES = ["FFNOP", "FFAND", "FFOR", "FFCOPY", "TRIGGER", "LOWAT", "FILE_POLL",
         "DELETE", "WRITE", "EXTEND", "ATTRIB", "LINK", "RENAME", "REVOKE",
         "OPEN", "CLOSE", "CLOSE_WRITE", "READ", "EXIT", "FORK", "EXEC",
         "SIGNAL", "TRACK", "TRACKERR", "CHILD", "SECONDS", "MSECONDS",
         "USECONDS", "NSECONDS", "ABSTIME"]
PORT_SOURCES = ["AIO", "TIMER", "USER", "FD", "ALERT", "MQ", "FILE"]
POLLS = ["POLLIN", "POLLPRI", "POLLOUT", "POLLERR", "POLLHUP", "POLLNVAL",
         "POLLRDNORM", "POLLWRNORM", "POLLRDBAND", "POLLWRBAND", "POLLNORM",
         "POLLRDHUP", "FILE_ACCESS", "FILE_MODIFIED", "FILE_ATTRIB",
         "FILE_TRUNC", "FILE_NOFOLLOW", "FILE_DELETE", "FILE_RENAME_TO",
         "FILE_RENAME_FROM", "UNMOUNTED", "MOUNTEDOVER", "FILE_EXCEPTION"]
O_FLAGS = ["O_RDONLY", "O_WRONLY", "O_RDWR", "O_NONBLOCK", "O_APPEND",
           "O_CREAT", "O_TRUNC", "O_EXCL", "O_CLOEXEC", "O_CLOFORK"]
PATHS = ['"/f"', '"/g"', '"/d"', '"/d/x"', '"/d/y"', '"/tmp"', '"/tmp/z"',
         '"f"', '"/d/../f"']

# Every function of the sys and sim tables and the kinds of its arguments.
# A kind names a method of Gen below ("a_" + kind).
FUNCS = {
    "sys.getpid": [], "sys.getppid": [], "sys.gettid": [],
    "sys.fork": ["fn"], "sys.rfork": ["rfflags", "fn"],
    "sys.pdfork": ["fn", "pdflags"], "sys.pdgetpid": ["fd"],
    "sys.pdkill": ["fd", "sig"],
    "sys.thread": ["fn", "any", "any"], "sys.join": ["tid"],
    "sys.exit": ["status"], "sys.waitpid": ["pid", "wopts"],
    "sys.WIFEXITED": ["int"], "sys.WEXITSTATUS": ["int"],
    "sys.WIFSIGNALED": ["int"], "sys.WTERMSIG": ["int"],
    "sys.kill": ["pid", "sig"], "sys.sigprocmask": ["how", "sigset"],
    "sys.sigaction": ["sig", "disp", "saflags"],
    "sys.thr_set_name": ["tid", "str"],
    "sys.WIFSTOPPED": ["int"], "sys.WSTOPSIG": ["int"],
    "sys.WIFCONTINUED": ["int"],
    "sys.getuid": [], "sys.geteuid": [], "sys.getgid": [], "sys.getegid": [],
    "sys.setuid": ["int"], "sys.setgid": ["int"],
    "sys.sleep": ["ns"], "sys.sched_yield": [],
    "sys.clock_gettime": ["clock"], "sys.clock_settime": ["clock", "ns"],
    "sys.pipe": [], "sys.socketpair": [],
    "sys.open": ["path", "oflags", "mode"], "sys.mkdir": ["path", "mode"],
    "sys.unlink": ["path"], "sys.stat": ["path"], "sys.rename": ["path", "path"],
    "sys.link": ["path", "path"], "sys.chmod": ["path", "mode"],
    "sys.truncate": ["path", "len"], "sys.read": ["fd", "len"],
    "sys.write": ["fd", "data"], "sys.shutdown": ["fd", "how"],
    "sys.close": ["fd"], "sys.dup": ["fd"], "sys.dup2": ["fd", "fd"],
    "sys.fcntl": ["fd", "fcmd", "farg"], "sys.errname": ["int"],
    "sys.setsockopt": ["fd", "solevel", "sockopt", "soval"],
    "sys.getsockopt": ["fd", "solevel", "sockopt"],
    "sys.mkfifo": ["path", "mode"], "sys.revoke": ["path"],
    "sys.kqueue": [], "sys.kqueuex": ["kqflags"],
    "sys.kevent": ["fd", "changes", "nevents", "timeout"],
    "sys.port_create": [],
    "sys.port_associate": ["fd", "psource", "pobject", "pevents", "user"],
    "sys.port_dissociate": ["fd", "psource", "pobject"],
    "sys.port_send": ["fd", "pevents", "user"],
    "sys.port_sendn": ["ports", "pevents", "user"],
    "sys.port_alert": ["fd", "alertflags", "pevents", "user"],
    "sys.port_get": ["fd", "timeout"],
    "sys.port_getn": ["fd", "max", "max", "timeout"],
    "sys.timer_create": ["clock", "sigev"],
    "sys.timer_settime": ["timerid", "tflags", "ns", "ns"],
    "sys.timer_delete": ["timerid"],
    "sim.now": [], "sim.random": ["int", "int"], "sim.choose": ["choice",
                                                             "str"],
    "sim.label": ["str"], "sim.inspect": ["fd", "int", "filter"],
    "sim.trace_hash": [], "sim.sysctl": ["tunable", "tunval"],
    "sim.failpoint": ["fpname", "fpspec"],
}
# Calls that block or end the caller; kept rarer.
HEAVY = {"sys.exit", "sys.fork", "sys.rfork", "sys.pdfork", "sys.thread",
         "sys.join", "sys.waitpid", "sys.sleep", "sys.port_get", "sys.port_getn",
         "sys.read", "sys.write", "sys.kevent"}

PRELUDE = r"""-- evsim fuzz scenario (tests/fuzz/gen.py), seed %(seed)d
local pool = {0, 1, 2, 3}
local tids, pids, timers = {}, {}, {}
local function keep(list, ...)
  for i = 1, select("#", ...) do
    local v = select(i, ...)
    if math.type(v) == "integer" then
      list[#list + 1] = v
      if #list > 48 then table.remove(list, 1) end
    end
  end
  return ...
end
local function at(list, k)
  if #list == 0 then return k end
  return list[(k - 1) %% #list + 1]
end
-- Protected call: a bad argument is a caught error, not the end of the run.
local function P(list, f, ...)
  if f == nil then return end
  local r = table.pack(pcall(f, ...))
  if r[1] then keep(list, table.unpack(r, 2, r.n)) end
  return table.unpack(r, 2, r.n)
end
-- Unprotected call: a bad argument ends the run with a script error.
local function U(list, f, ...)
  if f == nil then return end
  return keep(list, f(...))
end
"""


class Gen:
    def __init__(self, seed, kernels=None, failpoints=None):
        self.seed = seed
        self.r = random.Random(seed)
        self.kernels = kernels or KERNELS
        self.fpnames = ['"%s"' % f for f in failpoints or []] or FAILPOINTS
        self.fpcli = bool(failpoints)
        self.budget = self.r.randint(8, 90)  # statements in the scenario
        # Per-scenario taste: how hostile and how protected calls are.
        self.hostility = self.r.choice([0.05, 0.15, 0.3, 0.6])
        self.protect = self.r.choice([0.8, 0.95, 1.0, 1.0])
        self.heavy = self.r.choice([0.1, 0.25, 0.4])
        self.huge = self.r.random() < 0.1

    def pick(self, seq):
        return self.r.choice(seq)

    def chance(self, p):
        return self.r.random() < p

    def hostile(self):
        c = self.r.random()
        if c < 0.3:
            return self.pick(HOSTILE_INT)
        if c < 0.45:
            return self.pick(HOSTILE_NUM)
        if c < 0.7:
            if self.huge and self.chance(0.1):
                return self.pick(HUGE_STR)
            return self.pick(HOSTILE_STR)
        return self.pick(HOSTILE_OTHER)

    def arg(self, kind, depth):
        if self.chance(self.hostility):
            return self.hostile()
        return getattr(self, "a_" + kind)(depth)

    # Plausible values per argument kind.
    def a_any(self, d):
        return self.hostile()

    def a_int(self, d):
        return self.pick(["0", "1", "2", "5", "-1", "256", "0x7f", "0x100",
                          str(self.r.randint(-5, 100))])

    def a_fd(self, d):
        if self.chance(0.85):
            return "at(pool, %d)" % self.r.randint(1, 64)
        return self.pick(["-1", "0", "3", "63", "1023", "1024", "65536",
                          "2147483647"])

    def a_tid(self, d):
        if self.chance(0.8):
            return "at(tids, %d)" % self.r.randint(1, 16)
        return self.pick(["-1", "0", "1", "100001", "2147483647"])

    def a_pid(self, d):
        if self.chance(0.6):
            return "at(pids, %d)" % self.r.randint(1, 16)
        return self.pick(["-1", "0", "1", "2", "-2", "99", "sys.getpid()"])

    def a_status(self, d):
        return self.pick(["0", "1", "2", "255", "256", "-1", "3"])

    def a_wopts(self, d):
        return self.pick(["0", "sys.WNOHANG", "nil", "12345",
                          "sys.WUNTRACED", "sys.WCONTINUED | sys.WNOHANG"])

    def a_saflags(self, d):
        return self.pick(["nil", "0", "sys.SA_NOCLDSTOP", "1"])

    def a_sig(self, d):
        return self.pick(SIGNALS)

    def a_how(self, d):
        return self.pick(["sys.SIG_BLOCK", "sys.SIG_UNBLOCK",
                          "sys.SIG_SETMASK", "0", "4"])

    def a_sigset(self, d):
        n = self.r.randint(0, 3)
        return "{" + ", ".join(self.pick(SIGNALS[:8]) for _ in range(n)) + "}"

    def a_disp(self, d):
        return self.pick(['"default"', '"ignore"', '"catch"', '"bogus"'])

    def a_str(self, d):
        return self.pick(['"t"', '"worker"', '"x\\0y"', '"%n%s"',
                          'string.rep("n", 300)', '"\\xff"'])

    def a_ns(self, d):
        return self.pick(["0", "1", "1000", "sim.MSEC", "sim.SEC",
                          "(10 * sim.SEC)", "-1", "math.maxinteger",
                          "(math.maxinteger - 1)", "(1 << 62)", "946684800000000000"])

    def a_timeout(self, d):
        return self.pick(["nil", "0", "0", "1", "sim.MSEC", "sim.SEC",
                          "-1", "math.maxinteger", "{sec = 1, nsec = 5}",
                          "{sec = math.maxinteger, nsec = math.maxinteger}",
                          "{sec = -1}", "{nsec = 1000000000}"])

    def a_clock(self, d):
        return self.pick(["sys.CLOCK_REALTIME", "sys.CLOCK_MONOTONIC", "1",
                          "-1", "12345"])

    def a_path(self, d):
        return self.pick(PATHS)

    def a_oflags(self, d):
        n = self.r.randint(1, 4)
        return " | ".join("(sys.%s or 0)" % self.pick(O_FLAGS)
                          for _ in range(n))

    def a_mode(self, d):
        return self.pick(["nil", "0644", "0", "0777", "-1", "0x7fffffff"])

    def a_len(self, d):
        return self.pick(["0", "1", "10", "100", "16384", "16385", "65536",
                          "(1 << 20)", "((1 << 20) + 1)", "-1"])

    def a_data(self, d):
        return self.pick(['"x"', '"hello"', 'string.rep("d", 1000)',
                          'string.rep("e", 16384)', 'string.rep("f", 16385)',
                          '""', '"\\0\\0"'])

    def a_fcmd(self, d):
        return self.pick(["sys.F_GETFL", "sys.F_SETFL", "sys.F_GETFD",
                          "sys.F_SETFD", "sys.F_DUPFD", "64", "65", "-1"])

    def a_farg(self, d):
        return self.pick(["nil", "0", "sys.O_NONBLOCK", "sys.FD_CLOEXEC",
                          "sys.FD_CLOFORK", "3", "-1", "1024"])

    def a_solevel(self, d):
        return self.pick(["sys.SOL_SOCKET", "sys.SOL_SOCKET",
                          "(sys.SOL_LOCAL or 0)", "6", "-1"])

    def a_sockopt(self, d):
        return self.pick(["(sys.SO_RCVLOWAT or 0)", "(sys.SO_SNDLOWAT or 0)",
                          "(sys.SO_RCVBUF or 0)", "(sys.SO_SNDBUF or 0)",
                          "(sys.SO_ERROR or 0)", "(sys.SO_TYPE or 0)",
                          "0x9999", "0"])

    def a_soval(self, d):
        return self.pick(["1", "10", "2048", "8192", "16384", "0", "-1",
                          "1864135", "1864136", "2147483647"])

    def a_rfflags(self, d):
        return self.pick(["sys.RFPROC", "(sys.RFPROC | sys.RFFDG)",
                          "(sys.RFPROC | (sys.RFCFDG or 0))", "0",
                          "(sys.RFFDG or 0)", "-1"])

    def a_pdflags(self, d):
        return self.pick(["nil", "0", "(sys.PD_DAEMON or 0)",
                          "(sys.PD_CLOEXEC or 0)",
                          "((sys.PD_DAEMON or 0) | (sys.PD_CLOEXEC or 0))",
                          "4", "-1"])

    def a_kqflags(self, d):
        return self.pick(["0", "(sys.KQUEUE_CLOEXEC or 0)",
                          "(sys.KQUEUE_CPONFORK or 0)",
                          "((sys.KQUEUE_CPONFORK or 0) | "
                          "(sys.KQUEUE_CLOEXEC or 0))", "4", "-1"])

    def a_filter(self, d):
        if self.chance(0.85):
            return "(sys.EVFILT_%s or -1)" % self.pick(EVFILTS)
        return self.pick(["0", "-100", "1", "32767", "-32768"])

    def kevent(self, d):
        fields = []
        if self.chance(0.95):
            if self.chance(0.3):
                fields.append("ident = %d" % self.r.randint(0, 20))
            else:
                fields.append("ident = " + self.arg("fd", d))
        if self.chance(0.95):
            fields.append("filter = " + self.a_filter(d))
        if self.chance(0.9):
            n = self.r.randint(1, 3)
            fields.append("flags = " + " | ".join(
                "(sys.EV_%s or 0)" % self.pick(EV_FLAGS) for _ in range(n)))
        if self.chance(0.5):
            n = self.r.randint(1, 3)
            fields.append("fflags = " + " | ".join(
                "(sys.NOTE_%s or 0)" % self.pick(NOTES) for _ in range(n)))
        if self.chance(0.5):
            fields.append("data = " + self.pick(
                ["0", "1", "10", "1000", "-1", "math.maxinteger",
                 "math.mininteger", "(1 << 31)", "sys.getpid()",
                 "at(pids, 1)"]))
        if self.chance(0.5):
            fields.append("udata = " + self.pick(
                ["1", "2", '"x"', '"y"', "true", "false", "nil",
                 "math.maxinteger", "0", "-1", '"x\\0"']))
        if self.chance(self.hostility / 3):
            fields.append(self.pick(["bogus = 1", "[1] = 2",
                                     "ident = 0.5", "flags = 1 << 40",
                                     "filter = 1e10"]))
        return "{" + ", ".join(fields) + "}"

    def a_changes(self, d):
        c = self.r.random()
        if c < 0.1:
            return "nil"
        n = self.r.randint(1, 4) if c < 0.95 else self.r.randint(20, 80)
        return "{" + ", ".join(self.kevent(d) for _ in range(n)) + "}"

    def a_nevents(self, d):
        return self.pick(["0", "1", "4", "16", "-1", "nil", "2147483647",
                          "100000"])

    def a_psource(self, d):
        return "(sys.PORT_SOURCE_%s or -1)" % self.pick(PORT_SOURCES)

    def a_pobject(self, d):
        if self.chance(0.5):
            return self.a_fd(d)
        return self.a_path(d)

    def a_pevents(self, d):
        n = self.r.randint(1, 3)
        return " | ".join("(sys.%s or 0)" % self.pick(POLLS) for _ in range(n))

    def a_user(self, d):
        return self.pick(["nil", "1", '"u"', "true", "0", "math.maxinteger",
                          '"u\\0v"', "{}"])

    def a_ports(self, d):
        n = self.r.randint(0, 5)
        return "{" + ", ".join(self.a_fd(d) for _ in range(n)) + "}"

    def a_alertflags(self, d):
        return self.pick(["(sys.PORT_ALERT_SET or 1)",
                          "(sys.PORT_ALERT_UPDATE or 2)", "0", "3", "-1"])

    def a_max(self, d):
        return self.pick(["0", "1", "2", "8", "-1", "(sys.PORT_MAX_LIST or 8192)",
                          "((sys.PORT_MAX_LIST or 8192) + 1)",
                          "2147483647", "math.maxinteger"])

    def a_sigev(self, d):
        return self.pick(["{port = %s, user = %s}" % (self.a_fd(d),
                                                      self.a_user(d)),
                          "{port = %s}" % self.a_fd(d), "{}", "{user = 1}",
                          "{port = 0.5}"])

    def a_timerid(self, d):
        if self.chance(0.8):
            return "at(timers, %d)" % self.r.randint(1, 8)
        return self.pick(["-1", "0", "1", "99", "2147483648"])

    def a_tflags(self, d):
        return self.pick(["0", "(sys.TIMER_ABSTIME or 1)", "-1"])

    def a_choice(self, d):
        return self.pick(["1", "2", "3", "10", "0", "1000000", "1000001"])

    def a_tunable(self, d):
        return self.pick(TUNABLES)

    def a_tunval(self, d):
        return self.pick(["nil", "0", "1", "2", "16", "4096", "-1",
                          "(1 << 24)", "((1 << 24) + 1)", "math.maxinteger"])

    def a_fpname(self, d):
        if self.chance(0.1):
            return self.pick(FAILPOINTS)
        return self.pick(self.fpnames)

    def a_fpspec(self, d):
        return self.pick(["nil"] + FP_SPECS)

    def a_fn(self, d):
        return "function(...)\n%s\nend" % self.block(d + 1)

    def call(self, d, name=None):
        if name is None:
            names = sorted(FUNCS)
            while True:
                name = self.pick(names)
                if name not in HEAVY or self.chance(self.heavy):
                    break
        kinds = FUNCS[name]
        if d >= 3 and name in ("sys.fork", "sys.rfork", "sys.pdfork",
                               "sys.thread"):
            name, kinds = "sys.sched_yield", []
        args = [self.arg(k, d) for k in kinds]
        # Sometimes too few or too many arguments.
        if args and self.chance(self.hostility / 4):
            args = args[:self.r.randrange(len(args))]
        elif self.chance(self.hostility / 6):
            args.append(self.hostile())
        if name == "sys.thread" and self.chance(0.05):
            args += [self.pick(["1", "nil", '"a"'])
                     for _ in range(self.r.randint(30, 60))]
        lst = {"sys.fork": "pids", "sys.rfork": "pids", "sys.thread": "tids",
               "sys.timer_create": "timers", "sys.waitpid": "pids"
               }.get(name, "pool")
        how = "P" if self.chance(self.protect) else "U"
        return "%s(%s, %s%s)" % (how, lst, name,
                                 "".join(", " + a for a in args))

    def stmt(self, d):
        self.budget -= 1
        c = self.r.random()
        if c < 0.72:
            return self.call(d)
        if c < 0.8 and d < 3:
            return "for i = 1, %d do\n%s\nend" % (self.r.randint(2, 12),
                                                  self.block(d + 1))
        if c < 0.84 and d < 3:
            return "P(pool, coroutine.wrap(function()\n%s\nend))" % \
                self.block(d + 1)
        if c < 0.87:
            return self.pick([
                "P(pool, sys.write, at(pool, %d), string.rep('w', %d))"
                % (self.r.randint(1, 64), self.r.randint(0, 20000)),
                "print(%s)" % self.hostile(),
                "sim.label(tostring(%s))" % self.hostile(),
                "pcall(print, %s, %s)" % (self.hostile(), self.hostile()),
                "keep(pool, P(pool, sys.pipe))",
                "keep(pool, P(pool, sys.socketpair))",
                "keep(pool, P(pool, sys.kqueue))",
                "keep(pool, P(pool, sys.port_create))",
            ])
        if c < 0.9:
            # Nondeterministic choices and random draws steering the run.
            return "if P(pool, sim.choose, %d) == 1 then\n%s\nend" % (
                self.r.randint(2, 4), self.block(d + 1)) if d < 3 else \
                self.call(d, "sim.choose")
        if c < 0.93:
            return self.pick([
                "pcall(error, %s)" % self.hostile(),
                "pcall(coroutine.yield)",
                "pcall(coroutine.wrap(function() coroutine.yield("
                "sys.getpid()) end))",
                "pcall(string.format, '%%d', %s)" % self.hostile(),
                "pcall(function() local t = {} for i = 1, 200 do t[i] = "
                "sys.getpid() end return t end)",
                "pcall(table.sort, {3, 1, 2}, function(a, b) "
                "sys.sched_yield() return a < b end)",
                "pcall(string.gsub, 'abc', '.', function(c) "
                "return tostring(sys.gettid()) end)",
                "local ok = pcall(next, %s, %s)" % (
                    self.pick(["{1, x = 2}", "{a = 1}", "{1, 2}", "{}"]),
                    self.hostile()),
            ])
        if c < 0.95:
            # The worker-pool idiom: threads that loop on descriptor calls.
            f = self.pick(["sys.pipe", "sys.socketpair", "sys.kqueue",
                           "sys.port_create", "sys.open"])
            args = ', "/f", sys.O_RDWR | sys.O_CREAT' if f == "sys.open" \
                else ""
            return ("keep(tids, P(tids, sys.thread, function() for i = 1, "
                    "%d do P(pool, %s%s) end end))" %
                    (self.r.randint(1, 6), f, args))
        return self.call(d)

    def block(self, d):
        n = self.budget if d == 0 else self.r.randint(1, 4)
        out = []
        for _ in range(n):
            if self.budget <= 0:
                break
            out.append(self.stmt(d))
        if not out:
            out.append("P(pool, sys.sched_yield)")
        if d > 0 and self.chance(0.2):
            out.append(self.pick(["return 0", "return 1", "return 3",
                                  "return %s" % self.hostile(),
                                  "sys.exit(%s)" %
                                  self.a_status(d),
                                  "error(%s)" % self.hostile()]))
        pad = "  " * (d + 2)
        return "\n".join(pad + line.replace("\n", "\n" + pad)
                         for line in out)

    def invariants(self):
        n = self.r.randint(1, 3)
        out = []
        for i in range(n):
            body = []
            for _ in range(self.r.randint(1, 3)):
                name = self.pick([k for k in sorted(FUNCS)
                                  if k.startswith("sim.")])
                if name == "sim.failpoint" and not self.chance(0.2):
                    name = "sim.now"
                args = [self.arg(k, 3) for k in FUNCS[name]]
                body.append("pcall(%s%s)" % (name, "".join(", " + a
                                                           for a in args)))
            if self.chance(0.05):
                body.append("pcall(sys.getpid)")
            ret = self.pick(["true", "true", "true", "true", "nil ~= 1",
                             "sim.now() < %d" % self.r.randint(1, 10**9)])
            out.append("    %s = function()\n      %s\n      return %s\n"
                       "    end," % (self.pick(["a", "b", "c", "zz", "a1"]) +
                                     str(i), "\n      ".join(body), ret))
        return "  invariants = {\n%s\n  },\n" % "\n".join(out)

    def scenario(self):
        fields = ['  name = "fuzz %d",\n' % self.seed]
        if self.chance(0.5):
            fields.append('  kernel = "%s",\n' % self.pick(self.kernels))
        if self.chance(0.3):
            fields.append("  seed = %s,\n" % self.pick(
                ["1", "7", "0", "1", "7", "math.maxinteger", "-1", "0.5"]))
        if self.chance(0.15):
            fields.append("  vtime_limit = %s,\n" % self.pick(
                ["sim.SEC", "1", "sim.MSEC", "100", "math.maxinteger",
                 "0", "-1"]))
        if self.chance(0.1):
            fields.append("  limits = {[%s] = %s},\n" % (
                self.a_tunable(0), self.a_tunval(0)))
        if self.chance(0.1):
            fields.append("  realtime_start = %s,\n" % self.a_ns(0))
        if self.chance(0.1):
            fields.append("  failpoints = {[%s] = %s},\n" % (
                self.a_fpname(0), self.pick(FP_SPECS)))
        if self.chance(0.2):
            fields.append(self.invariants())
        if self.chance(0.02):
            fields.append("  invariant = {},\n")
        if self.chance(0.03):
            fields.append('  description = %s,\n' % self.hostile())
        head = ""
        if self.chance(0.05):
            head = self.pick([
                "local r0 = math.random(10)\n",
                "local s0 = sim.sysctl(\"kern.kq_calloutmax\")\n",
                "local ok0 = pcall(sys.getpid)\n",
                "math.randomseed(%d)\n" % self.r.randint(0, 99),
            ])
        # Everything every function is called at least once per 20 seeds or
        # so: the first statements walk a rotating window of FUNCS.
        names = sorted(FUNCS)
        first = []
        k = self.seed % len(names)
        for j in range(3):
            nm = names[(k + j * 23) % len(names)]
            if nm in ("sys.exit",):
                continue
            first.append(self.call(1, nm))
        self.budget -= len(first)
        pad = "    "
        body = "\n".join(pad + s.replace("\n", "\n" + pad) for s in first)
        body += "\n" + self.block(0)
        tail = ""
        if self.chance(0.1):
            tail = "\n    " + self.pick([
                "sys.exit(%s)" % self.a_status(0), "error('done')",
                "assert(false, %s)" % self.hostile(),
                "error(setmetatable({}, {__tostring = function() "
                "sys.exit(0) end}))",
                "return %s" % self.hostile()])
        text = PRELUDE % {"seed": self.seed} + head + "return {\n" + \
            "".join(fields) + "  main = function()\n" + body + tail + \
            "\n  end,\n}\n"
        return text

    def options(self):
        opts = []
        if self.chance(0.6):
            opts += ["--kernel", self.pick(self.kernels)]
        opts += ["--strategy", self.pick(STRATEGIES)]
        opts += ["--seed", str(self.r.choice([0, 1, 2, 3, self.seed,
                                              self.r.randint(0, 2**64 - 1)]))]
        if self.chance(0.2):
            opts.append("--check")
        if self.fpcli and self.chance(0.15):
            for _ in range(self.r.randint(1, 3)):
                opts += ["--failpoint", "%s=%s" % (
                    self.pick(self.fpnames).strip('"'),
                    self.pick(FP_SPECS).strip('"'))]
        return opts


class Scenario:
    def __init__(self, seed, text, options):
        self.seed = seed
        self.text = text
        self.options = options


def generate(seed, kernels=None, failpoints=None):
    """The scenario of seed; kernels and failpoints: what evsim knows."""
    g = Gen(seed, kernels, failpoints)
    text = g.scenario()
    return Scenario(seed, text, g.options())


if __name__ == "__main__":
    s = generate(int(sys.argv[1]) if len(sys.argv) > 1 else 1)
    sys.stdout.write(s.text)
    sys.stderr.write("options: %s\n" % " ".join(s.options))
