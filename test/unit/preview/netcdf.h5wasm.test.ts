// The same netCDF-4 expectations through h5wasm (loaded lazily from the sibling h5wasm.js bundle),
// the reader the built-in one falls back to.

import assert from 'node:assert/strict';
import { after, describe as suite, test } from 'node:test';
import * as api from '../../../src/preview/index';
import { h5wasmLoaded } from '../../../src/preview/netcdf4/h5wasmSource';
import { netcdf4Tests } from './netcdfFixtures';

after(() => api.closeAll());

suite('netCDF-4 with h5wasm', () => {
  test('h5wasm is not loaded before the first netCDF-4 open', () => {
    assert.equal(h5wasmLoaded(), false);
  });
  netcdf4Tests('h5wasm');
  test('and is loaded after it', () => {
    assert.equal(h5wasmLoaded(), true);
  });
});
