"""xpersist's how-to "Use xpersist with Prefect" (the seed notebook) as a runnable script.

Two Prefect 1.x flows cache a task result in an xpersist CacheStore under the system temp folder:

* "my-flow":     get_data() -> target "bar.zarr"; total(ds) is not cached.
* "sample_flow": foo_task() -> target "{date:%A}-{flow_name}-{task_name}.zarr" (weekday-templated).

The first run of each flow takes ~5 s (time.sleep in the task) and writes the artifact; the second
run reads it from the cache ("Cached") in milliseconds.

    python flows/seed_flow.py
"""

import os

os.environ["PREFECT__FLOWS__CHECKPOINTING"] = "True"

import tempfile
import time
from xpersist import XpersistResult, CacheStore
from prefect import Flow, task
import prefect
import xarray as xr

# Ensure that checkpointing is enabled
assert prefect.context.to_dict()["config"]["flows"]["checkpointing"]

# Set cache location
store = CacheStore(f"{tempfile.gettempdir()}/my-cache")


@task(
    target="bar.zarr",
    result=XpersistResult(
        store, serializer="xarray.zarr", serializer_dump_kwargs={"mode": "w"}
    ),
)
def get_data():
    ds = xr.DataArray(range(10), dims="x", name="bar").to_dataset()
    time.sleep(5)
    return ds


@task
def total(ds):
    return ds.sum()


with Flow("my-flow") as flow:
    ds = get_data()
    total(ds)

if __name__ == "__main__":
    import pprint

    # The first run takes five seconds and caches get_data()'s result ...
    start = time.perf_counter()
    flow.run()
    print(f"my-flow run 1: {time.perf_counter() - start:.2f} s")

    artifact = store.get_artifact("bar.zarr")
    pprint.pprint(artifact.dict())

    # ... running the flow again retrieves the result from the cache.
    start = time.perf_counter()
    flow.run()
    print(f"my-flow run 2: {time.perf_counter() - start:.2f} s")


# Targets can be templated with values found in prefect.context: the day of the week the flow is
# run on, the name of the flow and the name of the task.
@task(
    target="{date:%A}-{flow_name}-{task_name}.zarr",
    result=XpersistResult(
        store, serializer="xarray.zarr", serializer_dump_kwargs={"mode": "w"}
    ),
)
def foo_task():
    ds = xr.DataArray(range(10), dims="x", name="bar").to_dataset()
    time.sleep(5)
    return ds


with Flow("sample_flow") as flow:
    ds = foo_task()

if __name__ == "__main__":
    start = time.perf_counter()
    flow.run()
    print(f"sample_flow run 1: {time.perf_counter() - start:.2f} s")

    start = time.perf_counter()
    flow.run()
    print(f"sample_flow run 2: {time.perf_counter() - start:.2f} s")

    print(store.keys())
