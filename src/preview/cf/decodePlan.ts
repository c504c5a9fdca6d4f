// How one stored variable becomes what xarray.open_dataset shows (conventions.decode_cf_variable):
// characters stacked into strings, _Unsigned, _FillValue/missing_value masking, scale_factor and
// add_offset, timedeltas, times, bools. The plan is computed once per variable; decodeValues
// applies it to each slice read.

import type { RawVariable, Storage } from '../dataset/rawDataset';
import { storageDtype } from '../dataset/rawDataset';
import { parseSinceUnits, parseTimeUnit, TIMEDELTA_UNITS, TimeDecoder, type TimeUnit } from './decodeTimes';
import { chooseFloatDtype, isIntDtype, maybePromote, pythonScalarType } from './dtypes';

export interface DecodePlan {
  raw: RawVariable;
  dims: string[];
  shape: number[];
  chunks: number[] | null;
  /** numpy name of the decoded type. */
  dtype: string;
  attrs: Record<string, unknown>;
  encoding: Record<string, unknown>;
  /** NC_CHAR arrays: the last stored dimension is joined into strings. */
  stackChars: boolean;
  /** _Unsigned: reinterpret stored integers as this type. */
  reinterpret: 'int' | 'uint' | null;
  /** Encoded values that mean "missing" (NaN fills are left out, as xarray does). */
  fills: Array<number | bigint | string | boolean>;
  /** Type after masking/scaling: float32 math is rounded like numpy's. */
  numericType: 'float32' | 'float64' | 'int' | null;
  scale: number | null;
  offset: number | null;
  time: TimeDecoder | null;
  timedelta: TimeUnit | null;
  bool: boolean;
  /** Stored numpy datetime64/timedelta64 (raw zarr): formatted, not CF-decoded. */
  rawTimeUnit: string | null;
}

const isNum = (v: unknown): v is number | bigint => typeof v === 'number' || typeof v === 'bigint';

function scalarOf(v: unknown): unknown {
  if (Array.isArray(v) || ArrayBuffer.isView(v)) return (v as ArrayLike<unknown>)[0];
  return v;
}

function flatValues(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  if (ArrayBuffer.isView(v)) return Array.from(v as unknown as ArrayLike<unknown>);
  return [v];
}

function isNaNLike(v: unknown): boolean {
  return v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v));
}

function pop(from: Record<string, unknown>, to: Record<string, unknown>, key: string): unknown {
  if (!(key in from)) return undefined;
  const v = from[key];
  delete from[key];
  if (v !== null && v !== undefined) to[key] = v;
  return v;
}

function numericDtype(s: Storage): string {
  // EndianCoder: xarray shows native byte order.
  return storageDtype(
    s.kind === 'int' || s.kind === 'uint' || s.kind === 'float' ? { ...s, bigEndian: false } : s,
  );
}

export interface PlanContext {
  /** decode_cf_variables' `stackable(dim)`: no variable of that name, only S1 arrays use it last. */
  stackable(dim: string): boolean;
}

type AttrTypeOf = (k: string) => string | null;

/**
 * `extraAttrs`: attributes the variable decodes with when it lacks them (a time's bounds).
 * The coders run in decode_cf_variable's order, each one reading what the earlier ones left
 * in `attrs`/`encoding`, so the order of the calls below is part of the behaviour.
 */
export function planVariable(
  raw: RawVariable,
  ctx: PlanContext,
  extraAttrs: Record<string, unknown> = {},
): DecodePlan {
  const attrs: Record<string, unknown> = { ...extraAttrs, ...raw.attrs };
  const types = raw.attrTypes;
  const typeOf: AttrTypeOf = (k) => types[k] ?? pythonScalarType(scalarOf(attrs[k]));
  const plan = initialPlan(raw, attrs);
  const original = storageDtype(raw.storage);
  const s = raw.storage;
  if (s.kind === 'datetime64' || s.kind === 'timedelta64') {
    // decode_cf_variable returns datetime-like variables untouched.
    plan.dtype = `${s.kind}[ns]`;
    plan.rawTimeUnit = s.unit;
    return plan;
  }
  if (s.kind === 'other') {
    plan.encoding.dtype = original;
    return plan;
  }
  applyStringCoders(plan, ctx);
  applyMaskCoder(plan, s, typeOf);
  applyScaleOffsetCoder(plan, typeOf);
  plan.numericType = numericTypeOf(plan.dtype);
  applyTimeCoders(plan, s);
  applyBooleanCoder(plan);
  if (!('dtype' in plan.encoding)) plan.encoding.dtype = original;
  return plan;
}

/** The variable as stored, before any coder: copies, so decoding never edits the raw variable. */
function initialPlan(raw: RawVariable, attrs: Record<string, unknown>): DecodePlan {
  return {
    raw,
    dims: [...raw.dims],
    shape: [...raw.shape],
    chunks: raw.chunks ? [...raw.chunks] : null,
    dtype: numericDtype(raw.storage),
    attrs,
    encoding: { ...raw.encoding },
    stackChars: false,
    reinterpret: null,
    fills: [],
    numericType: null,
    scale: null,
    offset: null,
    time: null,
    timedelta: null,
    bool: false,
    rawTimeUnit: null,
  };
}

/** strings.CharacterArrayCoder + EncodedStringCoder */
function applyStringCoders(plan: DecodePlan, ctx: PlanContext): void {
  const { attrs, encoding } = plan;
  if (
    plan.raw.storage.kind === 'char' &&
    plan.dims.length > 0 &&
    ctx.stackable(plan.dims[plan.dims.length - 1])
  ) {
    encoding.char_dim_name = plan.dims.pop();
    const n = plan.shape.pop() ?? 1;
    plan.chunks?.pop();
    plan.stackChars = true;
    plan.dtype = `|S${n}`;
  }
  if ('_Encoding' in attrs) {
    pop(attrs, encoding, '_Encoding');
    if (plan.dtype.startsWith('|S')) plan.dtype = 'object';
  }
}

/** variables.CFMaskCoder (with its _Unsigned handling) */
function applyMaskCoder(plan: DecodePlan, s: Storage, typeOf: AttrTypeOf): void {
  const { attrs, encoding } = plan;
  const rawFills: Record<string, unknown> = {};
  for (const k of ['missing_value', '_FillValue']) {
    if (k in attrs) {
      const v = attrs[k];
      delete attrs[k];
      if (v !== null && v !== undefined) rawFills[k] = v;
    }
  }
  let fills: unknown[] = [];
  for (const k of Object.keys(rawFills)) {
    const kfill = flatValues(rawFills[k]).filter((v) => !isNaNLike(v));
    if (kfill.length === 0 && isIntDtype(plan.dtype)) delete rawFills[k];
    else fills = fills.concat(kfill);
  }
  if ('_Unsigned' in attrs || Object.keys(rawFills).length > 0) {
    for (const [k, v] of Object.entries(rawFills)) encoding[k] = v;
    if ('_Unsigned' in attrs) fills = applyUnsigned(plan, s, fills);
    if (fills.length > 0) {
      if (isTimeLike(attrs.units) && isIntDtype(plan.dtype)) {
        plan.dtype = 'int64';
      } else if (!('scale_factor' in attrs) && !('add_offset' in attrs)) {
        plan.dtype = maybePromote(plan.dtype);
      } else {
        plan.dtype = chooseFloatDtype(plan.dtype, typeOf('scale_factor'), typeOf('add_offset'));
      }
    }
  }
  plan.fills = fills.filter(
    (f) => isNum(f) || typeof f === 'string' || typeof f === 'boolean',
  ) as DecodePlan['fills'];
}

/** _Unsigned: flips the integer signedness, and the fill values with it; returns the fills. */
function applyUnsigned(plan: DecodePlan, s: Storage, fills: unknown[]): unknown[] {
  const unsigned = String(pop(plan.attrs, plan.encoding, '_Unsigned'));
  if (!((s.kind === 'int' && unsigned === 'true') || (s.kind === 'uint' && unsigned === 'false'))) {
    return fills;
  }
  plan.reinterpret = s.kind === 'int' ? 'uint' : 'int';
  plan.dtype = `${plan.reinterpret}${s.bytes * 8}`;
  const bits = BigInt(s.bytes * 8);
  return fills.map((f) => {
    if (!isNum(f)) return f;
    const b = BigInt(Math.trunc(Number(f)));
    return Number(
      plan.reinterpret === 'uint' ? BigInt.asUintN(Number(bits), b) : BigInt.asIntN(Number(bits), b),
    );
  });
}

/** variables.CFScaleOffsetCoder */
function applyScaleOffsetCoder(plan: DecodePlan, typeOf: AttrTypeOf): void {
  const { attrs, encoding } = plan;
  if (!('scale_factor' in attrs) && !('add_offset' in attrs)) return;
  // The attribute types are read before pop() moves the values into encoding.
  const scaleType = typeOf('scale_factor');
  const offsetType = typeOf('add_offset');
  const sf = scalarOf(pop(attrs, encoding, 'scale_factor'));
  const ao = scalarOf(pop(attrs, encoding, 'add_offset'));
  plan.scale = isNum(sf) ? Number(sf) : null;
  plan.offset = isNum(ao) ? Number(ao) : null;
  if (!('_FillValue' in encoding) && !('missing_value' in encoding)) {
    plan.dtype = chooseFloatDtype(
      plan.dtype,
      'scale_factor' in encoding ? scaleType : null,
      'add_offset' in encoding ? offsetType : null,
    );
  }
}

function numericTypeOf(dtype: string): DecodePlan['numericType'] {
  if (dtype === 'float32') return 'float32';
  if (dtype === 'float64') return 'float64';
  return isIntDtype(dtype) ? 'int' : null;
}

/** times.CFTimedeltaCoder, then times.CFDatetimeCoder */
function applyTimeCoders(plan: DecodePlan, s: Storage): void {
  const { attrs, encoding } = plan;
  const units = attrs.units;
  const numeric = s.kind === 'int' || s.kind === 'uint' || s.kind === 'float';
  if (numeric && typeof units === 'string' && TIMEDELTA_UNITS.includes(units)) {
    plan.timedelta = parseTimeUnit(units);
    pop(attrs, encoding, 'units');
    plan.dtype = 'timedelta64[ns]';
  } else if (numeric && typeof units === 'string' && units.includes('since')) {
    const dec = TimeDecoder.create(units, attrs.calendar);
    if (dec) {
      plan.time = dec;
      pop(attrs, encoding, 'units');
      pop(attrs, encoding, 'calendar');
      plan.dtype = 'datetime64[ns]'; // refined from the first/last values by resolveTimeDtype
    }
  }

  // Newer xarray also writes the in-memory type of CF times as a `dtype` attribute.
  if (
    (plan.time || plan.timedelta) &&
    typeof attrs.dtype === 'string' &&
    /^(datetime|timedelta)64/.test(attrs.dtype)
  ) {
    pop(attrs, encoding, 'dtype');
  }
}

/** variables.BooleanCoder */
function applyBooleanCoder(plan: DecodePlan): void {
  if (plan.attrs.dtype !== 'bool') return;
  delete plan.attrs.dtype;
  plan.encoding.dtype = 'bool';
  plan.bool = true;
  plan.dtype = 'bool';
}

/** xarray.coding.variables._is_time_like */
function isTimeLike(units: unknown): boolean {
  if (typeof units !== 'string') return false;
  if (units.includes('since')) return parseSinceUnits(units) !== null;
  return TIMEDELTA_UNITS.includes(units);
}
