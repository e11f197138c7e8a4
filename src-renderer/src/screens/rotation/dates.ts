// Local, human dates for the calendar and the rotation screens: "in 3 days · Fri 5 Dec, 14:00", the exact local time
// for the hover title, and a short clock time for sentences. Never raw ISO with milliseconds.
const DAY = 86_400_000;

const dayFmt = new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short' });
const dayYearFmt = new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' });
const timeFmt = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const exactFmt = new Intl.DateTimeFormat(undefined, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit', timeZoneName: 'short' });
const monthFmt = new Intl.DateTimeFormat(undefined, { month: 'long', year: 'numeric' });

function startOfDay(ms: number): number {
  const d = new Date(ms);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

/** "in 3 days", "today", "tomorrow", "2 days ago", "in 4 h", "35 min ago" */
export function relative(atMs: number, nowMs: number): string {
  const diff = atMs - nowMs;
  const abs = Math.abs(diff);
  if (abs < 60_000) return 'now';
  if (abs < 3_600_000) {
    const m = Math.round(abs / 60_000);
    return diff > 0 ? `in ${m} min` : `${m} min ago`;
  }
  if (abs < 12 * 3_600_000) {
    const h = Math.round(abs / 3_600_000);
    return diff > 0 ? `in ${h} h` : `${h} h ago`;
  }
  const days = Math.round((startOfDay(atMs) - startOfDay(nowMs)) / DAY);
  if (days === 0) return 'today';
  if (days === 1) return 'tomorrow';
  if (days === -1) return 'yesterday';
  return days > 0 ? `in ${days} days` : `${-days} days ago`;
}

/** "Fri 5 Dec, 14:00" (the year only when it is not this year) */
export function shortDate(atMs: number, nowMs: number): string {
  const sameYear = new Date(atMs).getFullYear() === new Date(nowMs).getFullYear();
  return `${(sameYear ? dayFmt : dayYearFmt).format(atMs)}, ${timeFmt.format(atMs)}`;
}

const secondsFmt = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });

/** a clock time for sentences ("14:02"; with the date when not today; with seconds when `near` falls in the same minute) */
export function clockTime(atMs: number, nowMs: number, near?: number): string {
  const sameMinute = near !== undefined && Math.floor(atMs / 60_000) === Math.floor(near / 60_000);
  const t = (sameMinute ? secondsFmt : timeFmt).format(atMs);
  return startOfDay(atMs) === startOfDay(nowMs) ? t : `${dayFmt.format(atMs)}, ${t}`;
}

export function exact(atMs: number): string {
  return exactFmt.format(atMs);
}

export function monthLabel(atMs: number): string {
  return monthFmt.format(atMs);
}

/** one date as the screens show it: the words, and the exact time for the title */
export function when(iso: string | null | undefined, nowMs: number): { text: string; title: string } | null {
  if (!iso) return null;
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) return null;
  return { text: `${relative(ms, nowMs)} · ${shortDate(ms, nowMs)}`, title: exact(ms) };
}
