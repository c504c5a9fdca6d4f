"""Writes a 10,000-artifact cache with the real xpersist for `npm run bench` (core scan).

9,000 joblib results and 1,000 pandas.csv tables, each with the additional_metadata an
XpersistResult records, the way a busy Prefect project's cache looks.
Usage: python make_core_cache.py OUT_DIR [N]
"""
import sys
import warnings

warnings.filterwarnings("ignore")
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from xpersist import CacheStore  # noqa: E402
from xpersist.registry import registry  # noqa: E402
from xpersist.serializers import Serializer  # noqa: E402


# The release registers no CSV serializer (docs/xpersist-format.md, "Serializers per release"):
# register HEAD's pandas.csv, as a user of the release does.
@registry.serializers.register("pandas.csv")
def pandas_csv() -> Serializer:
    return Serializer(name="pandas.csv", load=pd.read_csv, dump=lambda df, path, **kw: df.to_csv(path, **kw))


out = sys.argv[1]
n = int(sys.argv[2]) if len(sys.argv) > 2 else 10_000
store = CacheStore(out, on_duplicate_key="overwrite")
df = pd.DataFrame({"x": np.arange(16), "v": np.arange(16, dtype="float32")})
for i in range(n):
    flow = f"flow_{i % 20}"
    task = f"task_{i % 50}"
    meta = {
        "flow_id": flow, "flow_name": flow, "flow_run_id": f"run-{i}", "flow_run_name": "",
        "flow_run_version": "", "map_index": None, "task_full_name": task, "task_id": f"{task}-1",
        "task_name": task, "task_run_id": f"tr-{i}", "task_run_name": "", "task_run_version": "",
        "task_slug": f"{task}-1", "task_tags": [], "today": "2026-11-27", "tomorrow": "2026-11-28",
        "yesterday": "2026-11-26",
    }
    if i % 10 == 0:
        store.put(f"{flow}-{task}-{i}.csv", df, serializer="pandas.csv",
                  dump_kwargs={"index": False}, additional_metadata=meta)
    else:
        store.put(f"{flow}-{task}-{i}.joblib", {"i": i, "values": list(range(8))},
                  serializer="joblib", additional_metadata=meta)
print(f"wrote {n} artifacts to {out}")
