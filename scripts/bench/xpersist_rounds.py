"""Serves timed rounds of xpersist's own listing to `npm run bench` (core), so that xpersist and
the TypeScript core run interleaved in one run. One line on stdin per round:
  all   a new CacheStore(root) + keys() + get_artifact(k) for every key
  keys  a new CacheStore(root) + keys()
prints one JSON line per round: {"ms": ..., "cpu_ms": ..., "keys": n} (cpu_ms: the process's
CPU time, which other processes' load does not inflate). Imports happen once, before the first
round (not timed: a Python user pays them once per process).
Usage: python xpersist_rounds.py ROOT
"""
import json
import sys
import time
import warnings

warnings.filterwarnings("ignore")
from xpersist import CacheStore  # noqa: E402

root = sys.argv[1]
CacheStore(root, readonly=True).keys()  # warm imports and the OS file cache
print(json.dumps({"ready": True}), flush=True)
for line in sys.stdin:
    what = line.strip()
    t = time.perf_counter()
    c = time.process_time()
    store = CacheStore(root, readonly=True)
    ks = store.keys()
    if what == "all":
        for k in ks:
            store.get_artifact(k)
    ms = (time.perf_counter() - t) * 1000
    cpu_ms = (time.process_time() - c) * 1000
    print(json.dumps({"ms": ms, "cpu_ms": cpu_ms, "keys": len(ks)}), flush=True)
