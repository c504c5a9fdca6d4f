"""Big inputs for test/bench/preview.bench.ts, written once into bench-data/ with the real libraries.

  .venv/bin/python scripts/bench/make_preview_bench_data.py [bench-data]

- preview_1gib.zarr: float32 (1024, 512, 512) = 1 GiB, chunks (32, 256, 256), xarray + zarr 2
  (consolidated, default Blosc lz4 + shuffle), with a CF time coordinate;
- preview_1gib_b.zarr: the same, 0.25 K warmer, with another `history` (the "Tuesday" output the
  compare bench diffs against preview_1gib.zarr);
- preview_1gib.nc: the same variable as netCDF4 (zlib level 1 + shuffle, chunks (32, 256, 256));
- preview_500mb.csv: pandas to_csv (index written) of a 7-column frame, ~500 MB;
- preview_100mb.parquet: pandas + pyarrow (snappy) of a similar frame, ~100 MB.

Each output is skipped when it is already there (a marker file proves it was finished).
"""

import os
import sys
import time

import numpy as np
import pandas as pd
import xarray as xr

OUT = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "bench-data")
os.makedirs(OUT, exist_ok=True)
NT, NY, NX = 1024, 512, 512
CHUNKS = (32, 256, 256)


def done(name):
    return os.path.exists(os.path.join(OUT, name + ".done"))


def mark(name):
    with open(os.path.join(OUT, name + ".done"), "w") as f:
        f.write(time.strftime("%Y-%m-%dT%H:%M:%S"))


def field_block(t0, t1):
    # A smooth seasonal field plus noise: compresses like real model output, not like random bytes.
    rng = np.random.default_rng(t0)
    y = np.linspace(-np.pi / 2, np.pi / 2, NY, dtype=np.float32)[:, None]
    x = np.linspace(0, 2 * np.pi, NX, dtype=np.float32)[None, :]
    base = 288.0 - 30.0 * np.sin(y) ** 2 + 3.0 * np.cos(2 * x)
    out = np.empty((t1 - t0, NY, NX), dtype=np.float32)
    for i, t in enumerate(range(t0, t1)):
        season = 8.0 * np.sin(2 * np.pi * t / 365.0) * np.sin(y)
        out[i] = base + season + rng.normal(0, 0.5, (NY, NX)).astype(np.float32)
    return out


def template():
    time_ = pd.date_range("2000-01-01", periods=NT, freq="D")
    lat = np.linspace(-89.75, 89.75, NY)
    lon = np.linspace(0, 359.3, NX)
    return time_, lat, lon


def make_zarr(name="preview_1gib.zarr", shift=0.0, history="Monday run"):
    if done(name):
        print("skip", name)
        return
    import dask.array as da

    time_, lat, lon = template()
    blocks = [da.from_delayed(_delayed_block(t, min(t + CHUNKS[0], NT)), (min(t + CHUNKS[0], NT) - t, NY, NX), np.float32)
              for t in range(0, NT, CHUNKS[0])]
    arr = da.concatenate(blocks, axis=0).rechunk(CHUNKS) + np.float32(shift)
    ds = xr.Dataset({"temp": (("time", "lat", "lon"), arr, {"units": "K", "long_name": "air temperature"})},
                    coords={"time": time_, "lat": lat, "lon": lon}, attrs={"history": history})
    t = time.time()
    ds.to_zarr(os.path.join(OUT, name), mode="w", encoding={"temp": {"chunks": CHUNKS}})
    print(f"wrote {name} in {time.time() - t:.1f} s")
    mark(name)


def _delayed_block(t0, t1):
    import dask

    return dask.delayed(field_block)(t0, t1)


def make_nc():
    name = "preview_1gib.nc"
    if done(name):
        print("skip", name)
        return
    import netCDF4

    time_, lat, lon = template()
    path = os.path.join(OUT, name)
    t = time.time()
    with netCDF4.Dataset(path, "w", format="NETCDF4") as nc:
        nc.createDimension("time", NT)
        nc.createDimension("lat", NY)
        nc.createDimension("lon", NX)
        vt = nc.createVariable("time", "i8", ("time",))
        vt.units = "days since 2000-01-01"
        vt.calendar = "proleptic_gregorian"
        vt[:] = np.arange(NT)
        nc.createVariable("lat", "f8", ("lat",))[:] = lat
        nc.createVariable("lon", "f8", ("lon",))[:] = lon
        v = nc.createVariable("temp", "f4", ("time", "lat", "lon"), zlib=True, complevel=1, shuffle=True,
                              chunksizes=CHUNKS, fill_value=np.float32(np.nan))
        v.units = "K"
        v.long_name = "air temperature"
        for t0 in range(0, NT, CHUNKS[0]):
            v[t0:t0 + CHUNKS[0]] = field_block(t0, min(t0 + CHUNKS[0], NT))
    print(f"wrote {name} in {time.time() - t:.1f} s")
    mark(name)


def frame(n, seed):
    rng = np.random.default_rng(seed)
    names = np.array(["Boulder, CO", "Mesa Lab", "O'Hare \"ORD\"", "Niwot Ridge", "Foothills", "Marshall"])
    return pd.DataFrame({
        "station_id": rng.integers(1000, 2000, n),
        "station_name": names[rng.integers(0, len(names), n)],
        "observed_at": pd.Timestamp("2021-01-01") + pd.to_timedelta(np.arange(n) * 60, unit="s"),
        "temperature_c": np.round(rng.normal(10, 8, n), 2),
        "precip_mm": np.where(rng.random(n) < 0.1, np.nan, np.round(rng.gamma(0.5, 2, n), 3)),
        "qc_flag": rng.random(n) < 0.9,
        "category": np.array(["rain", "snow", "clear", "fog"])[rng.integers(0, 4, n)],
    })


def make_csv():
    name = "preview_500mb.csv"
    if done(name):
        print("skip", name)
        return
    path = os.path.join(OUT, name)
    t = time.time()
    n_total, block = 0, 1_000_000
    with open(path, "w", newline="") as f:
        i = 0
        while True:
            df = frame(block, i)
            df.index = pd.RangeIndex(n_total, n_total + block)
            df.to_csv(f, header=(i == 0))
            n_total += block
            i += 1
            if f.tell() >= 500 * 1024 * 1024:
                break
    print(f"wrote {name} ({n_total} rows, {os.path.getsize(path) / 2**20:.0f} MiB) in {time.time() - t:.1f} s")
    mark(name)


def make_parquet():
    name = "preview_100mb.parquet"
    if done(name):
        print("skip", name)
        return
    path = os.path.join(OUT, name)
    t = time.time()
    df = frame(8_400_000, 42)
    df.to_parquet(path, engine="pyarrow")
    print(f"wrote {name} ({len(df)} rows, {os.path.getsize(path) / 2**20:.0f} MiB) in {time.time() - t:.1f} s")
    mark(name)


if __name__ == "__main__":
    which = set(sys.argv[2:]) or {"zarr", "nc", "csv", "parquet"}
    if "zarr" in which:
        make_zarr()
        make_zarr("preview_1gib_b.zarr", 0.25, "Tuesday run")
    if "nc" in which:
        make_nc()
    if "csv" in which:
        make_csv()
    if "parquet" in which:
        make_parquet()
