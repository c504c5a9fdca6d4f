"""xarray doing what test/bench/preview.bench.ts times the preview doing, one JSON line per call.

  .venv/bin/python scripts/bench/preview_xarray_rounds.py paint <path>
      a fresh process per round (the bench spawns it): imports, open, the first 2-D slice
      (time=0) as numpy, and the 2/98 % range xarray's plot(robust=True) computes for its colours;
  .venv/bin/python scripts/bench/preview_xarray_rounds.py series <path> <steps> <lat,lon>...
      open once, then per point the series over the first <steps> time steps (.values);
  .venv/bin/python scripts/bench/preview_xarray_rounds.py stats <path>...
      per dataset: open with its on-disk chunks (dask) and one dask.compute of min, max, mean and
      isnull().sum() of every data variable (one pass over the data); peak RSS above the imports.
"""

import json
import resource
import sys
import time

t0 = time.perf_counter()
import numpy as np  # noqa: E402
import xarray as xr  # noqa: E402

t_imports = time.perf_counter() - t0
ms = lambda s: round(s * 1000, 2)  # noqa: E731


def cpu_ms():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return round((r.ru_utime + r.ru_stime) * 1000, 1)


def rss_mb():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize() / 2**20


def open_ds(path, **kw):
    engine = "zarr" if path.rstrip("/").endswith(".zarr") else "netcdf4"
    return xr.open_dataset(path, engine=engine, **kw)


def paint(path):
    t1 = time.perf_counter()
    ds = open_ds(path)
    t2 = time.perf_counter()
    values = ds["temp"].isel(time=0).values
    t3 = time.perf_counter()
    # As xarray.plot.utils._determine_cmap_params does for robust=True (a Python float q: numpy 2
    # then interpolates in the data's float32).
    finite = np.ravel(values[np.isfinite(values)])
    lo, hi = np.percentile(finite, 2.0), np.percentile(finite, 100 - 2.0)
    t4 = time.perf_counter()
    return {"imports_ms": ms(t_imports), "open_ms": ms(t2 - t1), "slice_ms": ms(t3 - t2),
            "robust_range_ms": ms(t4 - t3), "script_start_to_range_ms": ms(t4 - t0),
            "process_cpu_ms": cpu_ms(), "shape": list(values.shape), "lo": float(lo), "hi": float(hi)}


def series(path, steps, points):
    ds = open_ds(path)
    v = ds["temp"]
    out = []
    for p in points:
        la, lo = (int(x) for x in p.split(","))
        t = time.perf_counter()
        vals = v.isel(time=slice(0, steps), lat=la, lon=lo).values
        out.append({"point": [la, lo], "ms": ms(time.perf_counter() - t), "n": int(vals.size),
                    "first": float(vals[0])})
    return {"series": out}


def stats(paths):
    import dask

    base = rss_mb()
    cpu0 = cpu_ms()
    out = {}
    for path in paths:
        t = time.perf_counter()
        ds = open_ds(path, chunks={})
        todo = {name: (v.min(), v.max(), v.mean(), v.isnull().sum()) for name, v in ds.data_vars.items()}
        (done,) = dask.compute(todo)
        out[path] = {"ms": ms(time.perf_counter() - t),
                     "stats": {k: {"min": float(a), "max": float(b), "mean": float(c), "nan": int(d)}
                               for k, (a, b, c, d) in done.items()}}
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"datasets": out, "total_ms": round(sum(d["ms"] for d in out.values()), 2),
            "cpu_ms": round(cpu_ms() - cpu0, 1),
            "peak_rss_above_imports_mb": round(peak - base, 1)}


if __name__ == "__main__":
    mode = sys.argv[1]
    if mode == "paint":
        r = paint(sys.argv[2])
    elif mode == "series":
        r = series(sys.argv[2], int(sys.argv[3]), sys.argv[4:])
    else:
        r = stats(sys.argv[2:])
    print(json.dumps(r))
