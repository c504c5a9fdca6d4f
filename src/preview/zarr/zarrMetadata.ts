// Zarr v2 / v3 array metadata as the preview needs it: storage type, dims, chunks, attributes and
// encoding; plus the rewrite that lets zarrita 0.7.5 read dtypes it rejects (numpy datetime64,
// zarr 3's fixed_length_utf32 and fixed-width bytes): their bytes are read as int64 / numpy U / S.

import { pythonScalarType } from '../cf/dtypes';
import type { Storage } from '../dataset/rawDataset';

export type Json = Record<string, unknown>;

export function v2Storage(dtype: unknown, filters: unknown): Storage {
  if (typeof dtype !== 'string') return { kind: 'other', name: JSON.stringify(dtype) };
  if (dtype === '|O') {
    const ids = Array.isArray(filters) ? filters.map((f) => (f as Json)?.id) : [];
    return ids.includes('vlen-utf8') ? { kind: 'vlen' } : { kind: 'other', name: 'object' };
  }
  const m = /^([<>|=])([a-zA-Z])(\d*)(?:\[(\w+)\])?$/.exec(dtype);
  if (!m) return { kind: 'other', name: dtype };
  const [, order, code, sizeText, unit] = m;
  const size = Number(sizeText);
  const bigEndian = order === '>';
  switch (code) {
    case 'b':
      return { kind: 'bool' };
    case 'i':
    case 'u':
      if ([1, 2, 4, 8].includes(size))
        return { kind: code === 'i' ? 'int' : 'uint', bytes: size as 1 | 2 | 4 | 8, bigEndian };
      break;
    case 'f':
      if ([2, 4, 8].includes(size)) return { kind: 'float', bytes: size as 2 | 4 | 8, bigEndian };
      break;
    case 'U':
      return { kind: 'unicode', length: size };
    case 'S':
      return size === 1 ? { kind: 'char' } : { kind: 'bytes', length: size };
    case 'M':
      return { kind: 'datetime64', unit: unit ?? 'ns' };
    case 'm':
      return { kind: 'timedelta64', unit: unit ?? 'ns' };
  }
  return { kind: 'other', name: dtype };
}

export function v3Storage(dataType: unknown, codecs: unknown): Storage {
  if (typeof dataType === 'string') {
    const m = /^(u?int|float)(\d+)$/.exec(dataType);
    const big = v3BigEndian(codecs);
    if (m) {
      const bytes = Number(m[2]) / 8;
      if (m[1] === 'float') return { kind: 'float', bytes: bytes as 2 | 4 | 8, bigEndian: big };
      return { kind: m[1] === 'int' ? 'int' : 'uint', bytes: bytes as 1 | 2 | 4 | 8, bigEndian: big };
    }
    if (dataType === 'bool') return { kind: 'bool' };
    if (dataType === 'string') return { kind: 'vlen' };
    return { kind: 'other', name: dataType };
  }
  const dt = dataType as { name?: string; configuration?: Json } | null;
  const conf = dt?.configuration ?? {};
  switch (dt?.name) {
    case 'fixed_length_utf32':
      return { kind: 'unicode', length: Number(conf.length_bytes) / 4 };
    case 'null_terminated_bytes':
    case 'fixed_length_ascii':
    case 'fixed_length_bytes': {
      const n = Number(conf.length_bytes ?? conf.length_bits ?? 1);
      return n === 1 ? { kind: 'char' } : { kind: 'bytes', length: n };
    }
    case 'numpy.datetime64':
    case 'numpy.timedelta64': {
      const sf = Number(conf.scale_factor ?? 1);
      const unit = `${sf === 1 ? '' : sf}${conf.unit ?? 'ns'}`;
      return { kind: dt.name === 'numpy.datetime64' ? 'datetime64' : 'timedelta64', unit };
    }
  }
  return { kind: 'other', name: JSON.stringify(dataType) };
}

function v3BigEndian(codecs: unknown): boolean {
  if (!Array.isArray(codecs)) return false;
  for (const c of codecs as Json[]) {
    if (c?.name === 'bytes') return (c.configuration as Json | undefined)?.endian === 'big';
    if (c?.name === 'sharding_indexed') return v3BigEndian((c.configuration as Json | undefined)?.codecs);
  }
  return false;
}

/** numpy types of attribute values, for CF dtype rules (JSON numbers are Python int/float). */
export function jsonAttrTypes(attrs: Json): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(attrs)) {
    const t = pythonScalarType(Array.isArray(v) ? v[0] : v);
    if (t) out[k] = t;
  }
  return out;
}

/** zarr v2 JSON fill values: "NaN", "Infinity", base64 for bytes. */
export function v2FillValue(fill: unknown, storage: Storage): unknown {
  if (fill === null || fill === undefined) return null;
  if (storage.kind === 'float') {
    if (fill === 'NaN') return Number.NaN;
    if (fill === 'Infinity') return Number.POSITIVE_INFINITY;
    if (fill === '-Infinity') return Number.NEGATIVE_INFINITY;
  }
  if ((storage.kind === 'bytes' || storage.kind === 'char') && typeof fill === 'string') {
    return Buffer.from(fill, 'base64').toString('utf8').replace(/\0+$/, '');
  }
  if (storage.kind === 'bool') return Boolean(fill);
  return fill;
}

/** Rewrites one array's metadata so zarrita can open it (see file comment). */
export function patchArrayMetadata(meta: Json): Json {
  if (meta.zarr_format === 2 && typeof meta.dtype === 'string') {
    const m = /^([<>|=])[Mm]8(\[\w+\])?$/.exec(meta.dtype);
    if (m) return { ...meta, dtype: `${m[1] === '>' ? '>' : '<'}i8`, fill_value: 0 };
    const h = /^([<>|=])f2$/.exec(meta.dtype);
    if (h) return { ...meta, dtype: `${h[1] === '>' ? '>' : '<'}u2`, fill_value: 0 };
    return meta;
  }
  if (meta.zarr_format === 3 && meta.data_type === 'float16')
    return { ...meta, data_type: 'uint16', fill_value: 0 };
  if (meta.zarr_format === 3 && meta.data_type && typeof meta.data_type === 'object') {
    const s = v3Storage(meta.data_type, meta.codecs);
    if (s.kind === 'datetime64' || s.kind === 'timedelta64')
      return { ...meta, data_type: 'int64', fill_value: 0 };
    if (s.kind === 'unicode') return { ...meta, data_type: `v2:U${s.length}`, fill_value: '' };
    if (s.kind === 'bytes') return { ...meta, data_type: `v2:S${s.length}`, fill_value: '' };
    if (s.kind === 'char') return { ...meta, data_type: 'v2:S1', fill_value: '' };
  }
  return meta;
}
