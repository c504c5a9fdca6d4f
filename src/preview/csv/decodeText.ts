// Bytes to text in the CSV's encoding. Only ASCII-compatible encodings are supported: the row
// scanner looks for quote and newline bytes, which never occur inside their multi-byte characters.

import { UnsupportedError } from '../errors';

export type TextDecoderFn = (bytes: Uint8Array) => string;

/** Python codec names to WHATWG labels (Node's TextDecoder). */
const ALIASES: Record<string, string> = {
  utf8: 'utf-8',
  'utf-8': 'utf-8',
  'utf-8-sig': 'utf-8',
  utf_8: 'utf-8',
  ascii: 'utf-8',
  'us-ascii': 'utf-8',
  cp1252: 'windows-1252',
  'windows-1252': 'windows-1252',
  cp1251: 'windows-1251',
  cp1250: 'windows-1250',
  'iso-8859-2': 'iso-8859-2',
  'iso-8859-15': 'iso-8859-15',
  latin9: 'iso-8859-15',
  'koi8-r': 'koi8-r',
  gbk: 'gbk',
  gb2312: 'gbk',
  gb18030: 'gb18030',
  shift_jis: 'shift_jis',
  'euc-jp': 'euc-jp',
  'euc-kr': 'euc-kr',
  big5: 'big5',
};

const LATIN1 = new Set(['latin-1', 'latin1', 'latin_1', 'iso-8859-1', 'iso8859-1', 'l1', 'iso_8859_1']);

/** Python's latin-1 maps every byte to the same code point (WHATWG's "latin1" is cp1252). */
function latin1(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 8192) out += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return out;
}

export function textDecoder(encoding: string): TextDecoderFn {
  const name = encoding.trim().toLowerCase().replace(/_/g, '-');
  if (LATIN1.has(name) || LATIN1.has(encoding.trim().toLowerCase())) return latin1;
  if (/^utf-?(16|32)/.test(name))
    throw new UnsupportedError(
      `CSV encoding '${encoding}' is not supported for preview (not ASCII-compatible)`,
    );
  const label = ALIASES[name] ?? name;
  let d: TextDecoder;
  try {
    d = new TextDecoder(label, { fatal: false });
  } catch {
    throw new UnsupportedError(`unknown CSV encoding '${encoding}'`);
  }
  const stripBom = name === 'utf-8-sig' || label === 'utf-8';
  return (b) => {
    const s = d.decode(b);
    return stripBom && s.charCodeAt(0) === 0xfeff ? s.slice(1) : s;
  };
}
