// Decoded times on plot axes: ISO text in a CF calendar <-> day numbers, and ticks at round dates.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { daysToIso, displayDtype, isoToDays, timeTicks } from '../../../src/preview/cf/calendarTime';

describe('calendar time axis', () => {
  test('a noleap year is 365 days on the axis, 360_day has February 30', () => {
    const a = isoToDays('2001-01-16T00:00:00', 'noleap');
    const b = isoToDays('2002-01-16T00:00:00', 'noleap');
    assert.ok(a !== null && b !== null);
    assert.equal(b - a, 365);
    const l1 = isoToDays('2004-01-01T00:00:00', 'all_leap');
    const l2 = isoToDays('2005-01-01T00:00:00', 'all_leap');
    assert.equal((l2 ?? 0) - (l1 ?? 0), 366);
    const f30 = isoToDays('2001-02-30T00:00:00', '360_day');
    assert.equal(daysToIso(f30 ?? 0, '360_day'), '2001-02-30T00:00:00');
    assert.equal(isoToDays('2001-02-30T00:00:00', 'noleap'), isoToDays('2001-03-02T00:00:00', 'noleap'));
  });

  test('times of day and fractions round-trip; text that is not a time gives null', () => {
    const d = isoToDays('2001-07-16T12:30:00', 'noleap');
    assert.equal(daysToIso(d ?? 0, 'noleap'), '2001-07-16T12:30:00');
    const ns = isoToDays('1999-12-31T23:59:59.500000', 'proleptic_gregorian');
    assert.equal(daysToIso(ns ?? 0, 'proleptic_gregorian'), '1999-12-31T23:59:59.500000');
    assert.equal(isoToDays('Boulder', 'standard'), null);
    assert.equal(isoToDays(null, 'standard'), null);
    assert.equal(isoToDays('2001-13-01', 'standard'), null);
  });

  test('ticks fall on round calendar dates and stay within the range', () => {
    const lo = isoToDays('2001-01-16T00:00:00', 'noleap') ?? 0;
    const hi = isoToDays('2001-12-16T00:00:00', 'noleap') ?? 0;
    const t = timeTicks(lo, hi, 'noleap', 7);
    assert.ok(t.length >= 3 && t.length <= 7, JSON.stringify(t));
    for (const x of t) {
      assert.ok(x.value >= lo && x.value <= hi);
      assert.match(x.label, /^2001-\d\d$/);
      assert.ok(daysToIso(x.value, 'noleap').endsWith('-01T00:00:00'), 'first of a month');
    }
    const years = timeTicks(
      isoToDays('1850-01-01', 'noleap') ?? 0,
      isoToDays('2100-12-31', 'noleap') ?? 0,
      'noleap',
      8,
    );
    assert.ok(years.length >= 3 && years.length <= 8, JSON.stringify(years));
    for (const x of years) assert.match(x.label, /^\d{4}$/);
    const day = isoToDays('2020-03-01', 'standard') ?? 0;
    const hours = timeTicks(day, day + 0.5, 'standard', 6);
    assert.ok(hours.length >= 2, JSON.stringify(hours));
    assert.match(hours[0].label, /^\d\d-\d\d \d\d:\d\d$/);
  });

  test('the dtype names the calendar of cftime dates', () => {
    assert.equal(displayDtype({ dtype: 'object', calendar: 'noleap' }), 'cftime (noleap)');
    assert.equal(
      displayDtype({ dtype: 'datetime64[ns]', calendar: 'proleptic_gregorian' }),
      'datetime64[ns]',
    );
    assert.equal(displayDtype({ dtype: 'float32' }), 'float32');
  });
});
