-- args:
-- status: passed
--
-- next() on an empty table: the deterministic next sorts no keys
-- (qsort(NULL, 0, ...) is undefined; the sanitizer build stopped).
return {
  name = "next on an empty table",
  main = function() assert(next({}) == nil) for _ in pairs({}) do error("x") end end,
}
