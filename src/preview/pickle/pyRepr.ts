// Python's repr() for the scalars a type tree shows.

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
