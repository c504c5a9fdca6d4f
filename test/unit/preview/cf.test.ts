// The pieces under the readers: CF time decoding and calendars, numpy dtype rules of CF decoding,
// and the block-wise Blosc decoder checked against c-blosc (numcodecs' wasm build).

import assert from 'node:assert/strict';
import { describe as suite, test } from 'node:test';
import { civilDate, dayNumber, normalizeCalendar } from '../../../src/preview/cf/calendars';
import { decodeTimedelta, parseRefDate, TimeDecoder } from '../../../src/preview/cf/decodeTimes';
import { chooseFloatDtype, maybePromote } from '../../../src/preview/cf/dtypes';
import { isoDuration } from '../../../src/preview/cf/isoFormat';
import {
  blockLength,
  blockStarts,
  decodeBloscBlock,
  parseBloscHeader,
} from '../../../src/preview/codecs/blosc';

suite('CF times', () => {
  test('360_day and model calendars have their own dates', () => {
    const d360 = TimeDecoder.create('days since 2001-01-01', '360_day');
    assert.ok(d360);
    assert.equal(d360.decode(59), '2001-02-30T00:00:00');
    assert.equal(d360.dtypeFor([0, 59]), 'object');
    const noleap = TimeDecoder.create('days since 2000-02-28', 'noleap');
    assert.equal(noleap?.decode(1), '2000-03-01T00:00:00');
    const allLeap = TimeDecoder.create('days since 2001-02-28', '366_day');
    assert.equal(allLeap?.decode(1), '2001-02-29T00:00:00');
  });

  test('standard calendar: Julian before 1582-10-15, Gregorian after (cftime), proleptic stays Gregorian', () => {
    const std = TimeDecoder.create('days since 1582-10-01', 'standard');
    assert.equal(std?.decode(3), '1582-10-04T00:00:00');
    assert.equal(std?.decode(4), '1582-10-15T00:00:00');
    assert.equal(std?.dtypeFor([0, 4]), 'object');
    const pro = TimeDecoder.create('days since 1582-10-01', 'proleptic_gregorian');
    assert.equal(pro?.decode(4), '1582-10-05T00:00:00');
    // "days since 0001-01-01" in a standard calendar: cftime's mixed calendar (checked with cftime:
    // 1999-12-30), then datetime64 when the dates fit.
    const old = TimeDecoder.create('days since 0001-01-01 00:00:00', 'gregorian');
    assert.equal(old?.decode(730119), '1999-12-30T00:00:00');
    assert.equal(old?.decode(0), '0001-01-01T00:00:00');
    assert.equal(old?.dtypeFor([730119, 730120]), 'datetime64[ns]');
    assert.equal(old?.dtypeFor([0, 730120]), 'object');
  });

  test('units, reference dates, time zones and fractions as pandas/cftime read them', () => {
    assert.deepEqual(parseRefDate('2000-1-1'), { year: 2000, month: 1, day: 1, nsOfDay: 0 });
    assert.equal(
      TimeDecoder.create('hours since 2000-01-01T06:00:00Z', null)?.decode(1.5),
      '2000-01-01T07:30:00',
    );
    assert.equal(
      TimeDecoder.create('minutes since 2000-01-01 00:00:00 +02:00', 'standard')?.decode(0),
      '1999-12-31T22:00:00',
    );
    assert.equal(
      TimeDecoder.create('seconds since 1970-01-01', 'standard')?.decode(0.25),
      '1970-01-01T00:00:00.250000',
    );
    assert.equal(
      TimeDecoder.create('milliseconds since 1970-01-01', 'standard')?.decode(1n),
      '1970-01-01T00:00:00.001000',
    );
    assert.equal(
      TimeDecoder.create('nanoseconds since 1970-01-01', 'standard')?.decode(5n),
      '1970-01-01T00:00:00.000000005',
    );
    assert.equal(TimeDecoder.create('days since 2000-01-01', 'standard')?.decode(Number.NaN), null);
    assert.equal(
      TimeDecoder.create('months since 2000-01-01', 'standard'),
      null,
      'xarray cannot decode months',
    );
    assert.equal(TimeDecoder.create('days since 2000-01-01', 'none'), null);
    assert.equal(normalizeCalendar('GREGORIAN'), 'standard');
  });

  test('timedeltas like pandas.to_timedelta, as ISO 8601 durations', () => {
    assert.equal(decodeTimedelta(1.5, 'h'), 'PT1H30M');
    assert.equal(decodeTimedelta((86400 + 1.5) / 3600, 'h'), 'P1DT1.500000001S');
    assert.equal(decodeTimedelta(-0.3, 'h'), '-PT18M');
    assert.equal(decodeTimedelta(Number.NaN, 'D'), null);
    assert.equal(isoDuration(0n), 'PT0S');
    assert.equal(isoDuration(86_400_000_000_000n), 'P1D');
  });

  test('calendar day numbers round-trip for every calendar', () => {
    for (const cal of [
      'standard',
      'proleptic_gregorian',
      'julian',
      'noleap',
      'all_leap',
      '360_day',
    ] as const) {
      for (const [y, m, d] of [
        [1, 1, 1],
        [1582, 10, 4],
        [1600, 2, 28],
        [2000, 2, 29],
        [2001, 12, 31],
        [-44, 3, 15],
      ] as const) {
        if ((cal === 'noleap' && m === 2 && d === 29) || (cal === '360_day' && d > 30)) continue;
        assert.deepEqual(
          civilDate(cal, dayNumber(cal, y, m, d)),
          { year: y, month: m, day: d },
          `${cal} ${y}-${m}-${d}`,
        );
      }
    }
  });
});

suite('CF dtype rules (xarray 2024.11)', () => {
  test('_choose_float_dtype and maybe_promote', () => {
    assert.equal(chooseFloatDtype('int16', 'float64', 'float64'), 'float64');
    assert.equal(chooseFloatDtype('int16', 'float32', 'float32'), 'float32');
    assert.equal(chooseFloatDtype('int32', 'float32', 'float32'), 'float64');
    assert.equal(chooseFloatDtype('int16', 'float32', null), 'float32');
    assert.equal(chooseFloatDtype('int16', null, 'float32'), 'float64');
    assert.equal(chooseFloatDtype('float32', null, null), 'float32');
    assert.equal(chooseFloatDtype('int16', null, null), 'float32');
    assert.equal(chooseFloatDtype('int32', null, null), 'float64');
    assert.equal(maybePromote('int8'), 'float32');
    assert.equal(maybePromote('uint32'), 'float64');
    assert.equal(maybePromote('float32'), 'float32');
    assert.equal(maybePromote('bool'), 'object');
    assert.equal(maybePromote('<U5'), 'object');
  });
});

suite('Blosc block by block', () => {
  test('each block decodes to the same bytes as c-blosc decodes the whole chunk', async () => {
    const { default: Blosc } = await import('numcodecs/blosc');
    const n = 70_001; // not a multiple of the block size: leftover block
    const f = new Float32Array(n);
    for (let i = 0; i < n; i++) f[i] = Math.sin(i / 50) * 100 + (i % 7);
    const raw = new Uint8Array(f.buffer);
    const configs = [
      { cname: 'lz4', clevel: 5, shuffle: 1 },
      { cname: 'lz4', clevel: 5, shuffle: 0 },
      { cname: 'lz4hc', clevel: 9, shuffle: 1, blocksize: 16384 },
      { cname: 'zlib', clevel: 3, shuffle: 1 },
      { cname: 'lz4', clevel: 0, shuffle: 0 },
    ];
    for (const cfg of configs) {
      const codec = Blosc.fromConfig({ id: 'blosc', ...cfg });
      const packed = await codec.encode(raw);
      const h = parseBloscHeader(packed);
      assert.equal(h.supported, true, JSON.stringify(cfg));
      assert.equal(h.nbytes, raw.length);
      const starts = h.memcpyed ? [] : blockStarts(h, packed);
      const out = new Uint8Array(h.nbytes);
      for (let j = 0; j < h.nblocks; j++) {
        const block = decodeBloscBlock(h, j, packed, h.memcpyed ? 16 + j * h.blocksize : starts[j]);
        assert.equal(block.length, blockLength(h, j));
        out.set(block, j * h.blocksize);
      }
      assert.deepEqual(out, raw, `blocks of ${JSON.stringify(cfg)}`);
    }
  });
});
