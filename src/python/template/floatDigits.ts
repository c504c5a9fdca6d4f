// CPython's float → text (PyOS_double_to_string / format_float_short), bit for bit. Digits
// come from the exact binary value (a double is m·2^e, i.e. m·5^-e / 10^-e), rounded half to
// even like David Gay's dtoa; JS's toFixed rounds ties away from zero, so it cannot be used.

interface Digits {
  /** Significant digits without trailing zeros ('0' for zero). */
  digits: string;
  /** Position of the decimal point: value = 0.digits × 10^decpt. */
  decpt: number;
}

const view = new DataView(new ArrayBuffer(8));

/** The exact decimal expansion of a finite, non-negative double. */
function exactDigits(x: number): Digits {
  if (x === 0) return { digits: '0', decpt: 1 };
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let e2: number;
  if (biased === 0) {
    e2 = -1074;
  } else {
    mant |= 1n << 52n;
    e2 = biased - 1075;
  }
  let digits: string;
  let decpt: number;
  if (e2 >= 0) {
    digits = (mant << BigInt(e2)).toString();
    decpt = digits.length;
  } else {
    digits = (mant * 5n ** BigInt(-e2)).toString();
    decpt = digits.length + e2;
  }
  return { digits: digits.replace(/0+$/, ''), decpt };
}

/** Keep `keep` leading digits, rounding half to even on the exact remainder. */
function roundDigits(d: Digits, keep: number): Digits {
  const { digits, decpt } = d;
  if (keep >= digits.length) return d;
  if (keep < 0) return { digits: '0', decpt: 1 };
  const first = digits.charCodeAt(keep) - 48;
  let up: boolean;
  if (first > 5) up = true;
  else if (first < 5) up = false;
  else if (keep + 1 < digits.length)
    up = true; // trailing zeros were stripped: rest is non-zero
  else up = keep > 0 && (digits.charCodeAt(keep - 1) - 48) % 2 === 1;
  let kept = digits.slice(0, keep);
  let newDecpt = decpt;
  if (up) {
    const arr = kept.split('');
    let i = arr.length - 1;
    while (i >= 0 && arr[i] === '9') {
      arr[i] = '0';
      i--;
    }
    if (i < 0) {
      arr.unshift('1');
      newDecpt += 1;
    } else {
      arr[i] = String.fromCharCode(arr[i].charCodeAt(0) + 1);
    }
    kept = arr.join('');
  }
  kept = kept.replace(/0+$/, '');
  if (kept === '') return { digits: '0', decpt: 1 };
  return { digits: kept, decpt: newDecpt };
}

/** Shortest digits that read back as x: what repr() shows. */
function shortestDigits(x: number): Digits {
  if (x === 0) return { digits: '0', decpt: 1 };
  const [mant, exp] = x.toExponential().split('e');
  return { digits: mant.replace('.', '').replace(/0+$/, '') || '0', decpt: Number(exp) + 1 };
}

export interface FloatFormatFlags {
  alwaysSign?: boolean;
  addDot0?: boolean;
  alt?: boolean;
  noNegZero?: boolean;
}

/**
 * PyOS_double_to_string(x, code, precision, flags). code: e E f F g G r; precision as given
 * by the caller (for 'r' unused).
 */
export function doubleToString(
  x: number,
  code: string,
  precision: number,
  flags: FloatFormatFlags = {},
): string {
  const upper = code === 'E' || code === 'F' || code === 'G';
  let fmt = code.toLowerCase();
  const eChar = upper ? 'E' : 'e';
  let sign = x < 0 || Object.is(x, -0);
  if (Number.isNaN(x)) return (flags.alwaysSign ? '+' : '') + (upper ? 'NAN' : 'nan');
  if (!Number.isFinite(x)) return (sign ? '-' : flags.alwaysSign ? '+' : '') + (upper ? 'INF' : 'inf');
  const ax = Math.abs(x);
  let d: Digits;
  if (fmt === 'e') {
    precision += 1;
    d = roundDigits(exactDigits(ax), precision);
  } else if (fmt === 'f') {
    const exact = exactDigits(ax);
    d = roundDigits(exact, exact.decpt + precision);
  } else if (fmt === 'g') {
    if (precision === 0) precision = 1;
    d = roundDigits(exactDigits(ax), precision);
  } else {
    d = shortestDigits(ax);
    fmt = 'r';
  }
  const digits = d.digits;
  let decpt = d.decpt;
  const digitsLen = digits.length;
  if (flags.noNegZero && sign && digitsLen === 1 && digits === '0') sign = false;

  let useExp = false;
  let vdigitsEnd = digitsLen;
  if (fmt === 'e') {
    useExp = true;
    vdigitsEnd = precision;
  } else if (fmt === 'f') {
    vdigitsEnd = decpt + precision;
  } else if (fmt === 'g') {
    if (decpt <= -4 || decpt > (flags.addDot0 ? precision - 1 : precision)) useExp = true;
    if (flags.alt) vdigitsEnd = precision;
  } else if (decpt <= -4 || decpt > 16) {
    useExp = true;
  }
  let exp = 0;
  if (useExp) {
    exp = decpt - 1;
    decpt = 1;
  }
  const vdigitsStart = decpt <= 0 ? decpt - 1 : 0;
  if (!useExp && flags.addDot0) vdigitsEnd = Math.max(vdigitsEnd, decpt + 1);
  else vdigitsEnd = Math.max(vdigitsEnd, decpt);

  let out = sign ? '-' : flags.alwaysSign ? '+' : '';
  if (decpt <= 0) out += `${'0'.repeat(decpt - vdigitsStart)}.${'0'.repeat(-decpt)}`;
  else out += '0'.repeat(-vdigitsStart);
  if (decpt > 0 && decpt <= digitsLen) out += `${digits.slice(0, decpt)}.${digits.slice(decpt)}`;
  else out += digits;
  if (digitsLen < decpt) out += `${'0'.repeat(decpt - digitsLen)}.${'0'.repeat(vdigitsEnd - decpt)}`;
  else out += '0'.repeat(vdigitsEnd - digitsLen);
  if (out.endsWith('.') && !flags.alt) out = out.slice(0, -1);
  if (useExp) {
    const e = Math.abs(exp);
    out += `${eChar}${exp < 0 ? '-' : '+'}${e < 10 ? `0${e}` : e}`;
  }
  return out;
}

/** repr(float). */
export const floatRepr = (x: number): string => doubleToString(x, 'r', 0, { addDot0: true });
