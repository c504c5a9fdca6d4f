// Python's repr() for the scalars a type tree shows.

export function pyFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mant, expText] = x.toExponential().split('e');
  const exp = Number(expText);
  const neg = mant.startsWith('-');
  const digits = mant.replace('-', '').replace('.', '');
  let out: string;
  if (exp < -4 || exp >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    out = `${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  } else if (exp < 0) {
    out = `0.${'0'.repeat(-exp - 1)}${digits}`;
  } else {
    const intLen = exp + 1;
    out =
      digits.length <= intLen
        ? `${digits}${'0'.repeat(intLen - digits.length)}.0`
        : `${digits.slice(0, intLen)}.${digits.slice(intLen)}`;
  }
  return neg ? `-${out}` : out;
}

export function pyStrRepr(s: string, max = 120): string {
  const cut = s.length > max ? `${s.slice(0, max)}…` : s;
  const q = cut.includes("'") && !cut.includes('"') ? '"' : "'";
  const body = cut.replace(/[\\\n\r\t]|[\x00-\x1f]/g, (c) =>
    c === '\\'
      ? '\\\\'
      : c === '\n'
        ? '\\n'
        : c === '\r'
          ? '\\r'
          : c === '\t'
            ? '\\t'
            : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
  return q + (q === "'" ? body.replace(/'/g, "\\'") : body) + q;
}

export function pyBytesRepr(b: Uint8Array, total: number, max = 40): string {
  let s = "b'";
  for (const c of b.subarray(0, max)) {
    if (c === 0x27) s += "\\'";
    else if (c === 0x5c) s += '\\\\';
    else if (c >= 0x20 && c < 0x7f) s += String.fromCharCode(c);
    else s += `\\x${c.toString(16).padStart(2, '0')}`;
  }
  return `${s}'${total > max ? '…' : ''}`;
}
