// Applies a DecodePlan to raw values read from a file: the same arithmetic numpy does in xarray's
// lazy decoding, giving JS values (NaN for missing numbers, ISO text for times, null for missing
// strings/times).

import type { RawArray, RawData } from '../dataset/rawDataset';
import type { Value } from '../model';
import type { DecodePlan } from './decodePlan';
import { decodeTimedelta, formatDatetime64, parseNumpyUnit } from './decodeTimes';
import { isoDuration } from './isoFormat';

const utf8 = new TextDecoder('utf-8');

function reinterpret(data: RawData, to: 'int' | 'uint'): RawData {
  if (Array.isArray(data)) return data;
  const buf = data.buffer;
  const off = data.byteOffset;
  const n = data.length;
  const bytes = data.BYTES_PER_ELEMENT;
  if (to === 'uint') {
    if (bytes === 1) return new Uint8Array(buf, off, n);
    if (bytes === 2) return new Uint16Array(buf, off, n);
    if (bytes === 4) return new Uint32Array(buf, off, n);
    return new BigUint64Array(buf, off, n);
  }
  if (bytes === 1) return new Int8Array(buf, off, n);
  if (bytes === 2) return new Int16Array(buf, off, n);
  if (bytes === 4) return new Int32Array(buf, off, n);
  return new BigInt64Array(buf, off, n);
}

/** Fixed-width byte strings (numpy `S`): trailing NULs are not part of the value. */
function bytesToStrings(bytes: Uint8Array, width: number): string[] {
  const n = width === 0 ? 0 : Math.floor(bytes.length / width);
  const out: string[] = new Array(n);
  for (let i = 0; i < n; i++) {
    let end = (i + 1) * width;
    while (end > i * width && bytes[end - 1] === 0) end--;
    out[i] = utf8.decode(bytes.subarray(i * width, end));
  }
  return out;
}

/**
 * One slice's values, by storage kind. Each kind's loop lives in its own helper and runs over the
 * whole slice, so the per-value work stays a tight loop with no per-value dispatch.
 */
export function decodeValues(plan: DecodePlan, raw: RawArray): Value[] {
  let data: RawData = raw.data;
  const storage = plan.raw.storage;

  if (plan.rawTimeUnit !== null) return decodeNumpyTimes(plan, data as BigInt64Array);
  if (storage.kind === 'char') {
    const width = plan.stackChars ? (raw.shape[raw.shape.length - 1] ?? 1) : 1;
    return maskStrings(bytesToStrings(data as Uint8Array, width), plan);
  }
  if (storage.kind === 'bytes') return maskStrings(bytesToStrings(data as Uint8Array, storage.length), plan);
  if (storage.kind === 'unicode' || storage.kind === 'vlen')
    return maskStrings(data as Array<string | null>, plan);
  if (storage.kind === 'other') throw new Error(`values of type ${storage.name} cannot be previewed`);
  if (storage.kind === 'bool') return decodeBools(plan, data as Uint8Array);

  if (plan.reinterpret) data = reinterpret(data, plan.reinterpret);
  const arr = data as NumericData;
  if (nothingToDecode(plan) && !(arr instanceof BigInt64Array || arr instanceof BigUint64Array)) {
    return copyNumbers(arr as ArrayLike<number>);
  }
  return decodeNumbers(plan, arr);
}

type NumericData = Exclude<RawData, Array<string | null>>;

/** Stored numpy datetime64/timedelta64 (raw zarr): formatted as stored, NaT as null. */
function decodeNumpyTimes(plan: DecodePlan, arr: BigInt64Array): Value[] {
  const unit = plan.rawTimeUnit as string;
  const out: Value[] = new Array(arr.length);
  const isDelta = plan.raw.storage.kind === 'timedelta64';
  const scale = parseNumpyUnit(unit) ?? 1n;
  for (let i = 0; i < arr.length; i++) {
    const v = arr[i];
    if (isDelta) out[i] = v === -9_223_372_036_854_775_808n ? null : isoDuration(v * scale);
    else out[i] = formatDatetime64(v, unit);
  }
  return out;
}

function decodeBools(plan: DecodePlan, b: Uint8Array): Value[] {
  const out: Value[] = new Array(b.length);
  const maskFalse = plan.fills.some((f) => f === false || f === 0);
  const maskTrue = plan.fills.some((f) => f === true || f === 1);
  for (let i = 0; i < b.length; i++) {
    const v = b[i] !== 0;
    out[i] = (v && maskTrue) || (!v && maskFalse) ? null : v;
  }
  return out;
}

/**
 * A float or int variable with nothing to decode (the common big slice). A NaN fill (xarray's
 * default for floats) masks NaN to NaN: nothing to do either.
 */
function nothingToDecode(plan: DecodePlan): boolean {
  const plainNumber = !plan.time && !plan.timedelta && !plan.bool;
  const onlyNaNFills = plan.fills.every((f) => typeof f === 'number' && Number.isNaN(f));
  return (
    (plan.fills.length === 0 || (plainNumber && onlyNaNFills)) &&
    plan.scale === null &&
    plan.offset === null &&
    !plan.time &&
    !plan.timedelta &&
    !plan.bool
  );
}

/** A plain loop: Array.from on a typed array is about 3x slower (cold, in a fresh process, too). */
function copyNumbers(nums: ArrayLike<number>): Value[] {
  const n = nums.length;
  const out: Value[] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = nums[i];
  return out;
}

/** Masking, scale/offset (rounded per step like numpy's float32), then times, timedeltas, bools. */
function decodeNumbers(plan: DecodePlan, arr: NumericData): Value[] {
  const n = arr.length;
  const fillNums = plan.fills.filter((f) => typeof f === 'number' || typeof f === 'bigint').map(Number);
  const fillSet = new Set(fillNums);
  const f32 = plan.numericType === 'float32';
  const scale = plan.scale;
  const offset = plan.offset;
  const scale32 = scale === null ? null : Math.fround(scale);
  const offset32 = offset === null ? null : Math.fround(offset);
  const out: Value[] = new Array(n);
  const isBig = arr instanceof BigInt64Array || arr instanceof BigUint64Array;
  for (let i = 0; i < n; i++) {
    const rawV = arr[i] as number | bigint;
    let x = typeof rawV === 'bigint' ? Number(rawV) : rawV;
    if (fillSet.size > 0 && fillSet.has(x)) {
      out[i] = plan.time || plan.timedelta ? null : plan.bool ? true : Number.NaN;
      continue;
    }
    if (plan.time && isBig && scale === null && offset === null) {
      out[i] = plan.time.decode(rawV);
      continue;
    }
    if (f32) {
      x = Math.fround(x);
      if (scale32 !== null) x = Math.fround(x * scale32);
      if (offset32 !== null) x = Math.fround(x + offset32);
    } else {
      if (scale !== null) x *= scale;
      if (offset !== null) x += offset;
    }
    if (plan.time) out[i] = plan.time.decode(x);
    else if (plan.timedelta)
      out[i] = decodeTimedelta(isBig && scale === null ? (rawV as bigint) : x, plan.timedelta);
    else if (plan.bool) out[i] = x !== 0;
    else out[i] = x;
  }
  return out;
}

function maskStrings(values: Array<string | null>, plan: DecodePlan): Value[] {
  if (plan.fills.length === 0) return values;
  const fills = new Set(plan.fills.filter((f) => typeof f === 'string'));
  return values.map((v) => (v !== null && fills.has(v) ? null : v));
}
