"""A small climate pipeline as Prefect 1.x flow with xpersist targets: what a real project's first
hour looks like, in 8 tasks that run in a few seconds on synthetic data.

* Parameters: start_date (templated into a key) and members (the mapped task's inputs).
* A mapped task: load_member.map(members), one artifact per child ({map_index}).
* Templated targets: {start_date}, {flow_name}/{task_name}-{date:%Y%m%d}, {date:%Y%m%d}.
* Nested keys (raw/era5/..., regrid/era5/t2m.zarr, members/...): xpersist 2021.12.17 creates
  their folders only with storage_options={"auto_mkdir": True} (zarr creates its own data folder;
  file serializers such as netCDF need it to exist, so their keys stay flat here).

    python flows/climate_flow.py            # first run: every task runs and writes its target
    python flows/climate_flow.py            # second run: the targets are loaded ("Cached")
"""

import xpersist  # first: it turns Prefect's checkpointing on before prefect is imported

import tempfile

import numpy as np
import xarray as xr
from prefect import Flow, Parameter, task
from xpersist import CacheStore, XpersistResult

store = CacheStore(f"{tempfile.gettempdir()}/climate-cache", storage_options={"auto_mkdir": True})

zarr = XpersistResult(store, serializer="xarray.zarr", serializer_dump_kwargs={"mode": "w"})
netcdf = XpersistResult(store, serializer="xarray.netcdf")
pickled = XpersistResult(store, serializer="joblib")


def field(seed, nlat=18, nlon=36, ntime=12):
    rng = np.random.default_rng(seed)
    return xr.Dataset(
        {"t2m": (("time", "lat", "lon"), (280 + rng.normal(0, 5, (ntime, nlat, nlon))).astype("float32"))},
        coords={
            "time": np.arange(ntime),
            "lat": np.linspace(-85, 85, nlat),
            "lon": np.linspace(0, 350, nlon),
        },
        attrs={"source": "synthetic"},
    )


@task(target="raw/era5/t2m-{start_date}.zarr", result=zarr)
def download_era5(start_date):
    return field(0, nlat=36, nlon=72).assign_attrs(start_date=start_date)


@task(target="regrid/era5/t2m.zarr", result=zarr)
def regrid(raw):
    return raw.coarsen(lat=2, lon=2).mean().assign_attrs(raw.attrs)


@task(target="climatology.zarr", result=zarr)
def climatology(obs):
    return obs.mean("time")


@task(target="members/{task_name}-{map_index}.zarr", result=zarr)
def load_member(member):
    return field(member).assign_attrs(member=f"r{member}i1p1f1")


@task(target="{flow_name}/{task_name}-{date:%Y%m%d}.zarr", result=zarr)
def ensemble_mean(members):
    return xr.concat(members, dim="member").mean("member")


@task(target="anomalies-{date:%Y%m%d}.nc", result=netcdf)
def anomalies(mean, clim):
    return mean - clim.reindex_like(mean, method="nearest")


@task(target="summary-{date:%Y%m%d}.joblib", result=pickled)
def summary(anoms):
    return {"mean": float(anoms.t2m.mean()), "max": float(anoms.t2m.max())}


@task
def report(stats):
    print(f"anomaly mean {stats['mean']:.3f} K, max {stats['max']:.3f} K")
    return stats


with Flow("climate") as flow:
    start_date = Parameter("start_date", default="2020-01-01")
    members = Parameter("members", default=[1, 2, 3])
    obs = regrid(download_era5(start_date))
    clim = climatology(obs)
    mean = ensemble_mean(load_member.map(members))
    report(summary(anomalies(mean, clim)))

if __name__ == "__main__":
    state = flow.run()
    assert state.is_successful(), state
