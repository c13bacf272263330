-- args: --strategy random --seed 8
-- status: panic
-- message: kqueue_close: page fault
--
-- freebsd@7773002: kqueue() installs its descriptor (falloc()) and sleeps
-- in malloc(M_WAITOK) before it sets kq_fdp.  Another thread closes that
-- descriptor meanwhile, so kqueue()'s own fdrop() drops the last
-- reference and kqueue_close() runs on a kqueue without kq_fdp: the 2003
-- kernel faults in FILEDESC_LOCK(NULL).  The model used to dereference
-- the NULL itself (fuzz seed 52078, UBSan).
return {
  name = "kqueue() racing a close of its new descriptor",
  kernel = "freebsd@7773002",
  main = function()
    local closer = sys.thread(function()
      for _ = 1, 8 do
        sys.close(0)
        sys.sched_yield()
      end
    end)
    local kq = sys.kqueue()
    sys.join(closer)
  end,
}
