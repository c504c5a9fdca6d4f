// numpy dtype rules xarray's CF coders use to pick the decoded type.

export const isIntDtype = (d: string): boolean => /^u?int(8|16|32|64)$/.test(d);
export const isFloatDtype = (d: string): boolean => /^float(16|32|64)$/.test(d);
export const itemSize = (d: string): number => Number(/(\d+)$/.exec(d)?.[1] ?? 64) / 8;

/** xarray.core.dtypes.maybe_promote: the type that can hold a missing value. */
export function maybePromote(dtype: string): string {
  if (isFloatDtype(dtype)) return dtype;
  if (dtype.startsWith('datetime64') || dtype.startsWith('timedelta64')) return dtype;
  if (isIntDtype(dtype)) return itemSize(dtype) <= 2 ? 'float32' : 'float64';
  return 'object';
}

/** numpy type of a Python scalar attribute when the format does not say (JSON attrs in zarr). */
export function pythonScalarType(v: unknown): string | null {
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'bigint') return 'int64';
  if (typeof v === 'number') return Number.isInteger(v) && !Object.is(v, -0) ? 'int64' : 'float64';
  return null;
}

/**
 * xarray.coding.variables._choose_float_dtype: the float type CF decoding produces, from the
 * stored dtype and the numpy types of scale_factor / add_offset (null when absent).
 */
export function chooseFloatDtype(dtype: string, scaleType: string | null, offsetType: string | null): string {
  if (scaleType !== null || offsetType !== null) {
    if (
      scaleType !== null &&
      offsetType !== null &&
      scaleType === offsetType &&
      (scaleType === 'float32' || scaleType === 'float64')
    ) {
      if (isIntDtype(dtype) && itemSize(dtype) === 4) return 'float64';
      return scaleType;
    }
    if (offsetType !== null) return 'float64';
    return scaleType ?? 'float64';
  }
  if (isFloatDtype(dtype) && itemSize(dtype) <= 4) return 'float32';
  if (isIntDtype(dtype) && itemSize(dtype) <= 2) return 'float32';
  return 'float64';
}
