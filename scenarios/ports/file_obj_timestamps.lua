-- SPDX-License-Identifier: BSD-2-Clause
-- PORT_SOURCE_FILE with a file_obj: port_associate_fop() compares its
-- timestamps with the file's (port_check_timestamp()); a change between
-- sys.stat() and port_associate() fires at once, for the events asked
-- for only; all-zero stamps compare nothing
return {
  name = 'PORT_SOURCE_FILE file_obj timestamps compared at associate time',
  kernel = "illumos",
  main = function()
  local p = sys.port_create()
  local fd = sys.open("/f", sys.O_CREAT | sys.O_RDWR)
  sys.close(fd)
  local st = assert(sys.stat("/f"))
  assert(st.size == 0 and st.nlink == 1 and st.ino > 0)
  assert(st.mtime == 0 and st.ctime == 0)
  sys.sleep(sim.MSEC)
  -- the file changes after stat(): the watch fires when associated
  fd = sys.open("/f", sys.O_RDWR)
  sys.write(fd, "abc")
  sys.close(fd)
  local st2 = assert(sys.stat("/f"))
  assert(st2.size == 3 and st2.mtime == sim.MSEC and st2.mtime ~= st.mtime)
  local obj = { name = "/f", atime = 1, mtime = st.mtime, ctime = st.ctime }
  -- mtime 0 and ctime 0 with atime 1: stamps are set, mtime differs now
  assert(sys.port_associate(p, sys.PORT_SOURCE_FILE, obj, sys.FILE_MODIFIED, "m"))
  local ev = sys.port_get(p, 0)
  assert(ev and ev.object == "/f" and ev.events == sys.FILE_MODIFIED and ev.user == "m")
  -- stamps equal to the file's: nothing fires until the file changes
  obj = { name = "/f", atime = st2.atime, mtime = st2.mtime, ctime = st2.ctime }
  assert(sys.port_associate(p, sys.PORT_SOURCE_FILE, obj,
    sys.FILE_MODIFIED | sys.FILE_ATTRIB, "eq"))
  assert(sys.port_get(p, 0) == nil)
  assert(sys.chmod("/f", 384))
  ev = sys.port_get(p, 0)
  assert(ev and ev.events == sys.FILE_ATTRIB and ev.user == "eq")
  -- only what is asked for: a changed ctime with FILE_MODIFIED alone is
  -- no event
  obj = { name = "/f", atime = st2.atime, mtime = st2.mtime, ctime = st2.ctime }
  assert(sys.port_associate(p, sys.PORT_SOURCE_FILE, obj, sys.FILE_MODIFIED, "only"))
  assert(sys.port_get(p, 0) == nil)
  -- all-zero stamps (or a path string) compare nothing
  assert(sys.port_associate(p, sys.PORT_SOURCE_FILE, { name = "/f" }, sys.FILE_ATTRIB, "z"))
  assert(sys.port_get(p, 0) == nil)
  local r, e = sys.stat("/nope")
  assert(r == nil and e == "ENOENT")
  end,
}
