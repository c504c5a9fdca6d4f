"""The Python baseline of test/bench/preview.bench.ts: the same first 2-D slice through xpersist +
xarray, timed after the imports (as a user's notebook would pay it).

  .venv/bin/python scripts/bench/preview_python_slice.py <bench-data> <key> <variable>

Registers the bench file as an artifact of a cache store in <bench-data> (a sidecar written with
xpersist's own Artifact model), then times store.get(key) + .isel(time=0).values. Prints JSON.
"""

import json
import os
import sys
import time

t0 = time.perf_counter()
import xpersist  # noqa: E402
from xpersist.cache import Artifact  # noqa: E402

t_imports = time.perf_counter() - t0

root, key, variable = sys.argv[1], sys.argv[2], sys.argv[3]
serializer = "xarray.zarr" if key.endswith(".zarr") else "xarray.netcdf"
meta = os.path.join(root, "xpersist_metadata_store")
os.makedirs(meta, exist_ok=True)
with open(os.path.join(meta, key + ".artifact.json"), "w") as f:
    f.write(Artifact(key=key, serializer=serializer).json(indent=2))
store = xpersist.CacheStore(root)

t1 = time.perf_counter()
ds = store.get(key)
t2 = time.perf_counter()
values = ds[variable].isel(time=0).values
t3 = time.perf_counter()
# A second slice, once everything is warm.
ds[variable].isel(time=1).values
t4 = time.perf_counter()
print(json.dumps({
    "imports_ms": round(t_imports * 1000, 1),
    "get_ms": round((t2 - t1) * 1000, 1),
    "first_slice_ms": round((t3 - t2) * 1000, 1),
    "get_plus_first_slice_ms": round((t3 - t1) * 1000, 1),
    "second_slice_ms": round((t4 - t3) * 1000, 1),
    "shape": list(values.shape),
    "value_0_0": float(values.ravel()[0]),
}))
