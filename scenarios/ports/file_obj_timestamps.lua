-- SPDX-License-Identifier: BSD-2-Clause
-- PORT_SOURCE_FILE with a file_obj: port_associate_fop() compares its
-- timestamps with the file's (port_check_timestamp()); a change between
-- sys.stat() and port_associate() fires at once, for the events asked
-- for only, and only for a stamp that is given (non-zero): all-zero
-- stamps compare nothing.  Each table is a watch of its own (the kernel
-- keys watches by the file_obj's address), and the event returns it.
return {
  name = 'PORT_SOURCE_FILE file_obj timestamps compared at associate time',
  kernel = "illumos",
  main = function()
  local p = sys.port_create()
  sys.sleep(sim.MSEC)
  local fd = sys.open("/f", sys.O_CREAT | sys.O_RDWR)
  sys.close(fd)
  local st = assert(sys.stat("/f"))
  assert(st.size == 0 and st.nlink == 1 and st.ino > 0)
  assert(st.mtime == sim.MSEC and st.ctime == sim.MSEC)
  sys.sleep(sim.MSEC)
  -- the file changes after stat(): the watch fires when associated
  fd = sys.open("/f", sys.O_RDWR)
  sys.write(fd, "abc")
  sys.close(fd)
  local st2 = assert(sys.stat("/f"))
  assert(st2.size == 3 and st2.mtime == 2 * sim.MSEC)
  local obj = { name = "/f", atime = st.atime, mtime = st.mtime, ctime = st.ctime }
  assert(sys.port_associate(p, sys.PORT_SOURCE_FILE, obj, sys.FILE_MODIFIED, "m"))
  local ev = sys.port_get(p, 0)
  assert(ev and ev.object == obj and ev.events == sys.FILE_MODIFIED and ev.user == "m")
  -- a stamp left out (zero) is not compared, even with others given
  local nomtime = { name = "/f", ctime = st2.ctime }
  assert(sys.port_associate(p, sys.PORT_SOURCE_FILE, nomtime, sys.FILE_MODIFIED, "0"))
  assert(sys.port_get(p, 0) == nil)
  -- stamps equal to the file's: nothing fires until the file changes
  local eq = { name = "/f", atime = st2.atime, mtime = st2.mtime, ctime = st2.ctime }
  assert(sys.port_associate(p, sys.PORT_SOURCE_FILE, eq,
    sys.FILE_MODIFIED | sys.FILE_ATTRIB, "eq"))
  assert(sys.port_get(p, 0) == nil)
  assert(sys.chmod("/f", 384))
  ev = sys.port_get(p, 0)
  assert(ev and ev.object == eq and ev.events == sys.FILE_ATTRIB and ev.user == "eq")
  -- only what is asked for: a changed ctime with FILE_MODIFIED alone is
  -- no event
  local only = { name = "/f", atime = st2.atime, mtime = st2.mtime, ctime = st2.ctime }
  assert(sys.port_associate(p, sys.PORT_SOURCE_FILE, only, sys.FILE_MODIFIED, "only"))
  assert(sys.port_get(p, 0) == nil)
  -- all-zero stamps (or a path string) compare nothing
  assert(sys.port_associate(p, sys.PORT_SOURCE_FILE, { name = "/f" }, sys.FILE_ATTRIB, "z"))
  assert(sys.port_get(p, 0) == nil)
  local r, e = sys.stat("/nope")
  assert(r == nil and e == "ENOENT")
  end,
}
