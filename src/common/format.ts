// How sizes, ages, times and counts read wherever the extension shows them (tree, tooltips,
// status bar, flow labels, hovers, previews): below every layer, so it imports nothing.

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];

/** 1024-based like VS Code's own file sizes: "812 B", "2.3 MB". */
export function formatBytes(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  let v = n;
  let u = 0;
  while (v >= 1024 && u < UNITS.length - 1) {
    v /= 1024;
    u++;
  }
  if (u === 0) return `${v} B`;
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${UNITS[u]}`;
}

/** "just now", "5 min ago", "3 h ago", "2 days ago", "4 months ago"; null dates read "unknown age". */
export function formatAge(date: Date | null, now: Date = new Date()): string {
  if (!date) return 'unknown age';
  const s = Math.round((now.getTime() - date.getTime()) / 1000);
  if (s < 0) return 'in the future';
  if (s < 45) return 'just now';
  const min = Math.round(s / 60);
  if (min < 60) return `${min} min ago`;
  const h = Math.round(s / 3600);
  if (h < 24) return `${h} h ago`;
  const d = Math.round(s / 86400);
  if (d < 31) return d === 1 ? '1 day ago' : `${d} days ago`;
  const mo = Math.round(d / 30.44);
  if (mo < 12) return mo === 1 ? '1 month ago' : `${mo} months ago`;
  const y = Math.round(d / 365.25);
  return y === 1 ? '1 year ago' : `${y} years ago`;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** "2026-11-25 13:23:23" in the machine's local time zone. */
export function formatLocal(date: Date): string {
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

/** "2026-11-25 12:23:23 UTC". */
export function formatUtc(date: Date): string {
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? word : many}`;
}
