-- args: --strategy fifo
-- status: passed
--
-- illumos: a file_obj whose 'name' the table does not hold (an __index
-- function makes a new string each time it is asked) and whose time
-- stamps run the collector.  port_associate() read the name, popped it
-- and used it after the collector had freed it (fuzz seed 28820, a
-- heap use-after-free in the syscall's record of its arguments).
return {
  name = "port_associate of a file_obj with a computed name",
  kernel = "illumos",
  main = function()
    local p = sys.port_create()
    local fd = sys.open(string.format("/%s%d", "f", 7), sys.O_CREAT | sys.O_RDWR)
    local asked = 0
    local obj = setmetatable({}, { __index = function(_, k)
      asked = asked + 1
      if k == "name" then
        return string.format("/%s%d", "f", 7)
      end
      collectgarbage("collect")
      return nil
    end })
    assert(sys.port_associate(p, sys.PORT_SOURCE_FILE, obj, sys.FILE_MODIFIED, "u"))
    assert(asked == 4, "name and three time stamps read: " .. asked)
    assert(sys.write(fd, "x") == 1)
    local ev = sys.port_get(p, 0)
    assert(ev and ev.object == obj and ev.events == sys.FILE_MODIFIED
      and ev.user == "u", "the write fired the watch on /f7")
    assert(sys.close(p))
  end,
}
