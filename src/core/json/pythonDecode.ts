// The text Python's `json.loads(bytes)` sees: xpersist reads a sidecar as bytes
// (`json.loads(self.mapper[path])`), so the encoding is detected like json.detect_encoding does
// (UTF-8 with or without BOM, UTF-16 and UTF-32 with a BOM or from the zero-byte pattern) and
// decoded with 'surrogatepass' (encoded lone surrogates are accepted, as Python accepts them).

/** The bytes cannot be decoded: Python raises UnicodeDecodeError (xpersist cannot read it). */
export class JsonDecodeBytesError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JsonDecodeBytesError';
  }
}

type Encoding =
  | 'utf-8'
  | 'utf-8-sig'
  | 'utf-16'
  | 'utf-16-le'
  | 'utf-16-be'
  | 'utf-32'
  | 'utf-32-le'
  | 'utf-32-be';

/** json.detect_encoding, line for line. */
export function detectJsonEncoding(b: Uint8Array): Encoding {
  const starts = (...xs: number[]): boolean => xs.every((x, i) => b[i] === x) && b.length >= xs.length;
  if (starts(0x00, 0x00, 0xfe, 0xff) || starts(0xff, 0xfe, 0x00, 0x00)) return 'utf-32';
  if (starts(0xfe, 0xff) || starts(0xff, 0xfe)) return 'utf-16';
  if (starts(0xef, 0xbb, 0xbf)) return 'utf-8-sig';
  if (b.length >= 4) {
    if (!b[0]) return b[1] ? 'utf-16-be' : 'utf-32-be';
    if (!b[1]) return b[2] || b[3] ? 'utf-16-le' : 'utf-32-le';
  } else if (b.length === 2) {
    if (!b[0]) return 'utf-16-be';
    if (!b[1]) return 'utf-16-le';
  }
  return 'utf-8';
}

const fatalUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Code units to a string in slices (String.fromCharCode takes a bounded argument count). */
function fromUnits(units: Uint16Array | number[]): string {
  let s = '';
  for (let i = 0; i < units.length; i += 8192) {
    s += String.fromCharCode(...(units.slice(i, i + 8192) as number[]));
  }
  return s;
}

function decodeUtf16(b: Uint8Array, littleEndian: boolean, name: string): string {
  if (b.length % 2) {
    throw new JsonDecodeBytesError(
      `'${name}' codec can't decode byte 0x${b[b.length - 1].toString(16).padStart(2, '0')} in position ${b.length - 1}: truncated data`,
    );
  }
  const units = new Uint16Array(b.length / 2);
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  for (let i = 0; i < units.length; i++) units[i] = view.getUint16(i * 2, littleEndian);
  return fromUnits(units); // surrogatepass: lone surrogates kept as they are
}

function decodeUtf32(b: Uint8Array, littleEndian: boolean, name: string): string {
  if (b.length % 4) {
    throw new JsonDecodeBytesError(
      `'${name}' codec can't decode bytes in position ${b.length - (b.length % 4)}-${b.length - 1}: truncated data`,
    );
  }
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const units: number[] = [];
  let s = '';
  for (let i = 0; i < b.length; i += 4) {
    const cp = view.getUint32(i, littleEndian);
    if (cp > 0x10ffff) {
      throw new JsonDecodeBytesError(
        `'${name}' codec can't decode bytes in position ${i}-${i + 3}: code point not in range(0x110000)`,
      );
    }
    if (cp > 0xffff) units.push(0xd800 + ((cp - 0x10000) >> 10), 0xdc00 + ((cp - 0x10000) & 0x3ff));
    else units.push(cp);
    if (units.length >= 8192) s += fromUnits(units.splice(0));
  }
  return s + fromUnits(units);
}

/** The second byte's range of a lead byte (surrogatepass lets ED take A0..BF too). */
function secondRange(lead: number): [number, number, number] | null {
  if (lead >= 0xc2 && lead <= 0xdf) return [0x80, 0xbf, 1];
  if (lead === 0xe0) return [0xa0, 0xbf, 2];
  if (lead >= 0xe1 && lead <= 0xef) return [0x80, 0xbf, 2];
  if (lead === 0xf0) return [0x90, 0xbf, 3];
  if (lead >= 0xf1 && lead <= 0xf3) return [0x80, 0xbf, 3];
  if (lead === 0xf4) return [0x80, 0x8f, 3];
  return null;
}

/**
 * Python's strict UTF-8 with 'surrogatepass', for what the fatal TextDecoder refuses (it refuses
 * encoded surrogates, which Python accepts). Throws with Python's wording and position.
 */
function decodeUtf8SurrogatePass(b: Uint8Array, start: number): string {
  const units: number[] = [];
  let s = '';
  for (let i = start; i < b.length; ) {
    const lead = b[i];
    if (lead < 0x80) {
      units.push(lead);
      i++;
    } else {
      const r = secondRange(lead);
      const bad = (): never => {
        throw new JsonDecodeBytesError(
          `'utf-8' codec can't decode byte 0x${lead.toString(16)} in position ${i}: ${r ? 'invalid continuation byte' : 'invalid start byte'}`,
        );
      };
      if (!r) return bad();
      if (b[i + 1] < r[0] || b[i + 1] > r[1]) bad();
      let cp = lead & (0x7f >> (r[2] + 1));
      for (let k = 1; k <= r[2]; k++) {
        const c = b[i + k];
        if (c === undefined || (k > 1 && (c & 0xc0) !== 0x80)) bad();
        cp = (cp << 6) | (c & 0x3f);
      }
      if (cp > 0xffff) units.push(0xd800 + ((cp - 0x10000) >> 10), 0xdc00 + ((cp - 0x10000) & 0x3ff));
      else units.push(cp);
      i += r[2] + 1;
    }
    if (units.length >= 8192) s += fromUnits(units.splice(0));
  }
  return s + fromUnits(units);
}

/** `bytes.decode(json.detect_encoding(b), 'surrogatepass')`; throws JsonDecodeBytesError. */
export function decodeJsonBytes(b: Uint8Array): string {
  const enc = detectJsonEncoding(b);
  switch (enc) {
    case 'utf-8-sig':
      return decodeUtf8SurrogatePass(b, 3);
    case 'utf-8':
      try {
        return fatalUtf8.decode(b);
      } catch {
        return decodeUtf8SurrogatePass(b, 0);
      }
    case 'utf-16':
      return decodeUtf16(b.subarray(2), b[0] === 0xff, 'utf-16');
    case 'utf-16-le':
    case 'utf-16-be':
      return decodeUtf16(b, enc === 'utf-16-le', enc);
    case 'utf-32':
      return decodeUtf32(b.subarray(4), b[0] === 0xff, 'utf-32');
    default:
      return decodeUtf32(b, enc === 'utf-32-le', enc);
  }
}
