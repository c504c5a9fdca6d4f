"""Times xpersist's own listing on a cache: keys() alone, and keys() + get_artifact() for every
key, in one warm process (median of several runs). Prints JSON (milliseconds)."""
import json
import statistics
import sys
import time
import warnings

warnings.filterwarnings("ignore")
from xpersist import CacheStore  # noqa: E402

store = CacheStore(sys.argv[1], readonly=True)
runs = int(sys.argv[2]) if len(sys.argv) > 2 else 5
store.keys()  # warm
keys_ms, all_ms = [], []
for _ in range(runs):
    t = time.perf_counter()
    ks = store.keys()
    keys_ms.append((time.perf_counter() - t) * 1000)
    t = time.perf_counter()
    for k in store.keys():
        store.get_artifact(k)
    all_ms.append((time.perf_counter() - t) * 1000)
print(json.dumps({"keys": len(ks), "keys_ms": keys_ms, "keys_and_get_artifact_ms": all_ms,
                  "keys_median_ms": statistics.median(keys_ms),
                  "keys_and_get_artifact_median_ms": statistics.median(all_ms)}))
