// netCDF-4/HDF5 through the built-in HDF5 reader (h5wasm must not even be loaded), and NETCDF3
// classic / 64-bit offset through the header-plus-slab reader.

import assert from 'node:assert/strict';
import { after, describe as suite, test } from 'node:test';
import * as api from '../../../src/preview/index';
import { h5wasmLoaded } from '../../../src/preview/netcdf4/h5wasmSource';
import { netcdf4Tests } from './netcdfFixtures';
import { cachePath, checkDataset, expectedJson, previewDir } from './previewFixtures';

after(() => api.closeAll());

suite('netCDF-4 with the built-in HDF5 reader', () => {
  netcdf4Tests('auto');

  test('h5wasm was never loaded for these files', () => {
    assert.equal(h5wasmLoaded(), false);
  });
});

suite('NETCDF3', () => {
  const exp = () => expectedJson().netcdf;

  test('NETCDF3_CLASSIC: record dimension, NC_BYTE (signed), chars, packed shorts, bool', async () => {
    await checkDataset(api, previewDir('netcdf/nc3_classic.nc'), 'xarray.netcdf', exp()['nc3_classic.nc'], {
      dumpKwargs: { format: 'NETCDF3_CLASSIC' },
    });
  });

  test('NETCDF3_64BIT_OFFSET', async () => {
    await checkDataset(api, previewDir('netcdf/nc3_64bit.nc'), 'xarray.netcdf', exp()['nc3_64bit.nc']);
  });

  test('xpersist cache station_obs_nc3.nc (dump_kwargs format NETCDF3_CLASSIC)', async () => {
    await checkDataset(
      api,
      cachePath('station_obs_nc3.nc'),
      'xarray.netcdf',
      expectedJson().xpersist_caches['station_obs_nc3.nc'],
    );
  });

  test('a NETCDF3 read fetches only the selected slab', async () => {
    const p = previewDir('netcdf/nc3_classic.nc');
    await api.describe(p, 'xarray.netcdf');
    const before = await api.ioStats(p, 'xarray.netcdf');
    const r = await api.readValues(p, 'xarray.netcdf', 'tas', { time: 2, lat: 1 });
    assert.deepEqual(r.shape, [5]);
    const got = await api.ioStats(p, 'xarray.netcdf');
    assert.ok(before && got);
    assert.equal(got.reads - before.reads, 1);
    assert.equal(got.bytes - before.bytes, 5 * 4);
  });

  test('asking a NETCDF3 file for a group is refused with a reason', async () => {
    const m = await api.describe(previewDir('netcdf/nc3_classic.nc'), 'xarray.netcdf', {
      dumpKwargs: { group: 'g' },
    });
    assert.equal(m.kind, 'unsupported');
    if (m.kind === 'unsupported') assert.match(m.reason, /no groups/);
  });
});

suite('NETCDF3 header parser agrees with netcdfjs', () => {
  test('dimensions, variables (type, offset, record), attributes of every NETCDF3 fixture', async () => {
    const { NetCDFReader } = await import('netcdfjs');
    const { parseNc3Header } = await import('../../../src/preview/netcdf3/nc3Header');
    const { readFileSync } = await import('node:fs');
    for (const file of [
      previewDir('netcdf/nc3_classic.nc'),
      previewDir('netcdf/nc3_64bit.nc'),
      cachePath('station_obs_nc3.nc'),
    ]) {
      const buf = readFileSync(file);
      const theirs = new NetCDFReader(buf);
      const ours = parseNc3Header(new Uint8Array(buf), buf.length);
      assert.deepEqual(
        ours.dims.map((d) => [d.name, d.size]),
        theirs.dimensions.map((d) => [d.name, d.size || theirs.recordDimension.length]),
      );
      assert.deepEqual(
        ours.variables.map((v) => [v.name, v.type, v.begin, v.record]),
        theirs.variables.map((v) => [v.name, v.type, v.offset, v.record]),
      );
      const attrs = (list: Array<{ name: string; value: unknown }>) =>
        list.map((a) => [a.name, JSON.stringify(a.value)]);
      assert.deepEqual(attrs(ours.attributes), attrs(theirs.globalAttributes));
      for (const [i, v] of ours.variables.entries()) {
        // netcdfjs reads NC_BYTE attributes unsigned; ours are signed like netCDF4-python's.
        const t = theirs.variables[i].attributes.filter((a: { type: string }) => a.type !== 'byte');
        assert.deepEqual(attrs(v.attributes.filter((a) => a.type !== 'byte')), attrs(t), `${file} ${v.name}`);
      }
      assert.equal(ours.recordSize, theirs.recordDimension.recordStep ?? 0);
    }
  });
});
