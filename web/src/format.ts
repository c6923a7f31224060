// Formatting of times, days and sizes for display (local time zone).

const pad = (n: number) => String(n).padStart(2, '0');

function sameDay(a: Date, b: Date): boolean {
  return a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();
}

/** A list timestamp: today -> HH:mm, this year -> M/D, else Y/M/D. */
export function formatListTime(ts: number, now: number = Date.now()): string {
  if (!ts) return '';
  const d = new Date(ts);
  const n = new Date(now);
  if (sameDay(d, n)) return `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  if (d.getFullYear() === n.getFullYear()) return `${d.getMonth() + 1}/${d.getDate()}`;
  return `${d.getFullYear()}/${d.getMonth() + 1}/${d.getDate()}`;
}

/** HH:mm of a message. */
export function formatClock(ts: number): string {
  const d = new Date(ts);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** Full local date and time, Y/M/D HH:mm. */
export function formatDateTime(ts: number): string {
  const d = new Date(ts);
  return `${d.getFullYear()}/${d.getMonth() + 1}/${d.getDate()} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** The key of the local day a time falls on (for day separators). */
export function dayKey(ts: number): string {
  const d = new Date(ts);
  return `${d.getFullYear()}-${d.getMonth() + 1}-${d.getDate()}`;
}

export type DayWords = { today: string; yesterday: string };

/** A day separator label: Today, Yesterday, M/D (this year) or Y/M/D. */
export function dayLabel(ts: number, words: DayWords, now: number = Date.now()): string {
  const d = new Date(ts);
  const n = new Date(now);
  if (sameDay(d, n)) return words.today;
  const y = new Date(n.getFullYear(), n.getMonth(), n.getDate() - 1);
  if (sameDay(d, y)) return words.yesterday;
  if (d.getFullYear() === n.getFullYear()) return `${d.getMonth() + 1}/${d.getDate()}`;
  return `${d.getFullYear()}/${d.getMonth() + 1}/${d.getDate()}`;
}

/** Start of the local day of a `YYYY-MM-DD` input value, in ms (NaN when empty or invalid). */
export function parseDateInput(v: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  if (!m) return NaN;
  return new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3])).getTime();
}

/** A duration in seconds as a short text in the given units, e.g. "1h 30m". */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d) return h ? `${d}d ${h}h` : `${d}d`;
  if (h) return m ? `${h}h ${m}m` : `${h}h`;
  if (m) return `${m}m`;
  return `${s}s`;
}

/** The first visible character of a name, upper-cased, for a letter avatar. */
export function initial(name: string): string {
  const ch = Array.from(name.trim())[0] ?? '?';
  return ch.toUpperCase();
}

/** A stable hue (0-359) for a user or group id, for avatar colours. */
export function hueOf(id: number): number {
  return (id * 47) % 360;
}

/** Title with the unread count, as in "(3) Parley". */
export function titleWithBadge(count: number, base = 'Parley'): string {
  return count > 0 ? `(${count > 99 ? '99+' : count}) ${base}` : base;
}

/**
 * Whether an avatar reference can be shown as an image under the page's CSP: a data: image
 * or a URL on the page's own origin (whatever its spelling: `/\\evil.example/x.png` is not).
 */
export function usableImageSrc(src: string | undefined, pageHref: string): boolean {
  if (!src) return false;
  if (src.startsWith('data:image/')) return true;
  try {
    const base = new URL(pageHref);
    const u = new URL(src, base);
    return u.origin === base.origin && (u.protocol === 'http:' || u.protocol === 'https:');
  } catch {
    return false;
  }
}

/** The length of a string in UTF-8 bytes (the server's limits are bytes). */
export function utf8Length(s: string): number {
  return new TextEncoder().encode(s).length;
}

/** The longest prefix of `s` of at most `maxBytes` UTF-8 bytes, never splitting a character. */
export function truncateUtf8(s: string, maxBytes: number): string {
  if (utf8Length(s) <= maxBytes) return s;
  let n = 0;
  let out = '';
  for (const ch of s) {
    const b = utf8Length(ch);
    if (n + b > maxBytes) break;
    n += b;
    out += ch;
  }
  return out;
}
