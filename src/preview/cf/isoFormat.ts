// ISO 8601 text for decoded times and durations. A fraction is written only when it is not zero:
// 6 digits, or 9 when nanoseconds are set (what pandas' Timestamp.isoformat() does).

import type { CivilDate } from './calendars';

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

export function isoDateTime(date: CivilDate, nsOfDay: number): string {
  const y = date.year < 0 ? `-${pad(-date.year, 4)}` : pad(date.year, 4);
  const secs = Math.floor(nsOfDay / 1e9);
  const frac = nsOfDay - secs * 1e9;
  const h = Math.floor(secs / 3600);
  const mi = Math.floor((secs % 3600) / 60);
  const s = secs % 60;
  let out = `${y}-${pad(date.month)}-${pad(date.day)}T${pad(h)}:${pad(mi)}:${pad(s)}`;
  if (frac) out += frac % 1000 ? `.${pad(frac, 9)}` : `.${pad(frac / 1000, 6)}`;
  return out;
}

/** An ISO 8601 duration (`P1DT2H30M`, `PT0.5S`, `-PT1H`) from nanoseconds. */
export function isoDuration(totalNs: bigint): string {
  const sign = totalNs < 0n ? '-' : '';
  let ns = totalNs < 0n ? -totalNs : totalNs;
  const day = 86_400_000_000_000n;
  const days = ns / day;
  ns -= days * day;
  const h = ns / 3_600_000_000_000n;
  ns -= h * 3_600_000_000_000n;
  const m = ns / 60_000_000_000n;
  ns -= m * 60_000_000_000n;
  const s = ns / 1_000_000_000n;
  const frac = ns - s * 1_000_000_000n;
  let out = `${sign}P${days ? `${days}D` : ''}`;
  if (h || m || s || frac || !days) {
    out += `T${h ? `${h}H` : ''}${m ? `${m}M` : ''}`;
    if (s || frac || !(h || m)) {
      out += `${s}${frac ? `.${frac.toString().padStart(9, '0').replace(/0+$/, '')}` : ''}S`;
    }
  }
  return out;
}
