-- Header read by tests/regress_test.py: each 'args:' line is one run.
-- args: --strategy random --seed 1
-- args: --strategy random --seed 2
-- args: --strategy random --seed 3
-- args: --strategy random --seed 4
-- status: passed
--
-- fork() in one thread while another thread of the process is inside
-- pipe(), socketpair(), kqueue() or open(): fdcopy() met a file between
-- falloc_noinstall() and finit() (NULL f_ops, a SIGSEGV).  The child
-- gets no copy of such a slot (badfileops is not passable).
return {
  name = "fork while another thread creates descriptors",
  main = function()
    local t = sys.thread(function()
      for i = 1, 3 do
        sys.pipe()
        sys.socketpair()
        sys.kqueue()
        sys.open("/tmp/regress" .. i, sys.O_CREAT | sys.O_RDWR)
      end
    end)
    for i = 1, 5 do
      sys.fork(function() end)
    end
    sys.join(t)
  end,
}
