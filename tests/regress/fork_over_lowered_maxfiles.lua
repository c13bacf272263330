-- args: --strategy fifo
-- status: passed
--
-- kern.maxfilesperproc lowered below a table already grown past it, then
-- fork: fdcopy() copies every descriptor of the parent whatever the limit
-- (the limit is checked only when a descriptor is allocated, fdalloc()),
-- and fdgrowtable() never shrinks a table.  The model used to clamp the
-- child's table to the new limit and memset a negative length.
return {
  name = "fork after kern.maxfilesperproc is lowered",
  main = function()
    local fds = {}
    for i = 1, 40 do
      local r, w = sys.pipe()
      fds[#fds + 1] = w
    end
    local top = fds[#fds]
    assert(top >= 64, "the table grew past 64: " .. top)
    sim.sysctl("kern.maxfilesperproc", 16)
    local pid = sys.fork(function()
      -- The child holds the parent's highest descriptor too.
      assert(sys.write(top, "x") == 1)
      -- New descriptors obey the lowered limit.
      local a, b = sys.pipe()
      assert(a == nil and b == "EMFILE", tostring(b))
      return 0
    end)
    local _, status = sys.waitpid(pid)
    assert(status == 0, "child status " .. tostring(status))
  end,
}
