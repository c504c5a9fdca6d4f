// Python sources the benches analyse: a 5,000-line Prefect file with 200 tasks in 10 flows, and
// the modules of a real-size project (each like a climate-data pipeline module).
const TASKS = 200;
const FLOWS = 10;
const STORE_ROOT = '/data/bench-cache';

function taskSource(i: number): string {
  const targets = [
    `"task_${i}.zarr"`,
    `"{date:%A}-{flow_name}-{task_name}.zarr"`,
    `"{today}/{task_name}-{flow_run_id}.nc"`,
    `"{flow_name}/{task_slug}-{year:04d}.zarr"`,
    `"{date:YYYY-MM-DD}/{parameters[region]}/{task_name}.zarr"`,
  ];
  const serializer = i % 3 === 0 ? 'xarray.netcdf' : 'xarray.zarr';
  const lines = [
    '@task(',
    `    target=${targets[i % targets.length]},`,
    '    result=XpersistResult(',
    `        store, serializer="${serializer}", serializer_dump_kwargs={"mode": "w"}`,
    '    ),',
    `    tags=["t${i % 4}"],`,
    ')',
    `def step_${i}(ds, region="eu", year=2020, scale=1.5):`,
    `    """Step ${i}: select, rescale and summarise the input dataset."""`,
    '    sel = ds.sel(region=region) if "region" in ds.dims else ds',
    `    out = sel * scale + ${i}`,
    '    out.attrs["history"] = f"step_{region}_{year}"',
    '    for name, var in out.data_vars.items():',
    '        if var.dtype.kind == "f":',
    '            out[name] = var.astype("float32")',
    '    clim = out.groupby("time.month").mean("time") if "time" in out.dims else out',
    '    anomalies = out - clim if "time" in out.dims else out',
    '    anomalies.attrs.update({"step": ' + i + ', "units": "K"})',
    '    result = xr.merge([out, anomalies.rename({k: k + "_anom" for k in anomalies.data_vars})])',
    '    return result',
    '',
    '',
  ];
  return lines.join('\n');
}

function helperSource(i: number): string {
  return [
    `def helper_${i}(values, threshold=${i % 7}, *, normalise=True):`,
    `    """Helper ${i}."""`,
    '    total = 0.0',
    '    for k, v in enumerate(values):',
    '        if v > threshold:',
    '            total += v * k',
    '        elif normalise:',
    '            total -= v / (k + 1)',
    '    return {"total": total, "n": len(values), "label": f"helper-{threshold}"}',
    '',
    '',
  ].join('\n');
}

function flowSource(f: number): string {
  const lines = [
    `with Flow("flow_${f}") as flow_${f}:`,
    '    region = Parameter("region", default="eu")',
    '    year = Parameter("year", default=2020)',
  ];
  lines.push(`    ds = step_${f * 20}(load(), region=region, year=year)`);
  for (let j = 1; j < TASKS / FLOWS; j++) {
    const i = f * 20 + j;
    lines.push(`    ds_${j} = step_${i}(ds, region=region, year=year, scale=${j})`);
    if (j % 5 === 0) lines.push(`    ds = ds_${j}`);
  }
  lines.push('', '');
  return lines.join('\n');
}

/** The 5,000-line Prefect file with 200 tasks of the lenses and python benches. */
export function benchSource(): string {
  const parts = [
    'import os',
    'import tempfile',
    '',
    'import xarray as xr',
    'from xpersist import CacheStore, XpersistResult',
    'import prefect',
    'from prefect import Flow, Parameter, task',
    '',
    `store = CacheStore("${STORE_ROOT}")`,
    'scratch = CacheStore(os.path.join(tempfile.gettempdir(), "scratch"))',
    '',
    '',
    '@task',
    'def load():',
    '    return xr.tutorial.open_dataset("air_temperature")',
    '',
    '',
  ];
  for (let i = 0; i < TASKS; i++) parts.push(taskSource(i));
  for (let f = 0; f < FLOWS; f++) parts.push(flowSource(f));
  let src = parts.join('\n');
  let h = 0;
  while (src.split('\n').length < 5000) src += helperSource(h++);
  return src;
}

/** One module of a 100-file project: a store, tasks of every style, a flow built with case/merge. */
export function projectModule(m: number): string {
  const out = [
    `"""Pipeline module ${m}: fetch, regrid and summarise one product."""`,
    'import os',
    'from pathlib import Path',
    '',
    'import xarray as xr',
    'from prefect import Flow, Parameter, Task, case, task, unmapped',
    'from prefect.tasks.control_flow import merge',
    'from xpersist import CacheStore, XpersistResult',
    '',
    `SETTINGS = {"root": os.environ.get("CACHE_ROOT", "/data/cache"), "product": "p${m}"}`,
    'store = CacheStore(str(Path(SETTINGS["root"]) / SETTINGS["product"]))',
    'zarr = XpersistResult(store, serializer="xarray.zarr", serializer_dump_kwargs={"mode": "w"})',
    'nc = XpersistResult(store, serializer="xarray.netcdf")',
    '',
  ];
  for (let t = 0; t < 12; t++) {
    out.push(
      '',
      `@task(target="{flow_name}/step${t}-{region}-{date:%Y%m%d}.zarr", result=${t % 2 ? 'nc' : 'zarr'}, tags=["m${m}"])`,
      `def step_${t}(ds, region="eu", factor=${t}):`,
      `    """Step ${t} of module ${m}."""`,
      '    sel = ds.sel(region=region) if "region" in ds.dims else ds',
      '    out = sel * factor',
      '    for name, var in out.data_vars.items():',
      '        if var.dtype.kind == "f":',
      '            out[name] = var.astype("float32")',
      '    out.attrs["history"] = f"step{factor}-{region}"',
      '    return out',
    );
  }
  out.push(
    '',
    '',
    'class Regrid(Task):',
    '    def __init__(self, grid="1deg", target="regrid/{grid}-{ds}.zarr", **kwargs):',
    '        self.grid = grid',
    '        super().__init__(target=target, result=zarr, **kwargs)',
    '',
    '    def run(self, ds, grid="1deg"):',
    '        return ds.coarsen(lat=2, lon=2).mean()',
    '',
    '',
    'regrid = Regrid(name="regrid")',
    'regrid_fine = Regrid(grid="0.25deg", name="regrid-fine")',
    '',
    '',
    '@task',
    'def load(region):',
    '    return xr.tutorial.open_dataset("air_temperature")',
    '',
    '',
    '@task',
    'def is_large(ds):',
    '    return ds.nbytes > 1e9',
    '',
    '',
    'def build(name, regions):',
    '    with Flow(name) as flow:',
    '        region = Parameter("region", default="eu")',
    '        ds = load(region)',
    '        big = is_large(ds)',
    '        with case(big, True):',
    '            coarse = regrid(ds)',
    '        with case(big, False):',
    '            fine = regrid_fine(ds)',
    '        ds = merge(coarse, fine)',
  );
  for (let t = 0; t < 12; t++) out.push(`        ds = step_${t}(ds, region=region)`);
  out.push(
    '        step_0.map(regions, unmapped(ds))',
    '    return flow',
    '',
    '',
    `flow_${m} = build("module-${m}", ["eu", "us", "asia"])`,
    '',
    '',
    'def summarise(values, threshold=0.5):',
    '    total = 0.0',
    '    for k, v in enumerate(values):',
    '        if v > threshold:',
    '            total += v * k',
    '    return {"total": total, "n": len(values)}',
    '',
  );
  return out.join('\n');
}
