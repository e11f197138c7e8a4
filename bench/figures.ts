// What a bench module may return from run(): its figures, so `npm run bench` ends with one table of every figure and its
// baseline measured in the same run. A module that returns nothing just prints its own lines.
export interface Figure {
  /** what was measured, in words: "grantdesk export audit, 1M events (whole process)" */
  name: string;
  value: number;
  unit: 'ms' | 's' | 'MB' | '×' | '/s' | 'rows/s' | 'count';
  /** the goal in words, e.g. "≤ 1.0× sqlite3" or "≤ 150 ms" */
  target?: string;
  /** the same kind of figure for the baseline it is compared with, measured in the same run */
  baseline?: { name: string; value: number };
  /** value / baseline when the target is a ratio */
  ratio?: number;
  /** whether the target is met (absent: no target) */
  met?: boolean;
  /** the exact command (or code path) measured */
  command: string;
  /** what explains the figure when the target is not met, or a caveat */
  note?: string;
}

export function isFigureList(x: unknown): x is Figure[] {
  return Array.isArray(x) && x.every((f) => f && typeof f === 'object' && typeof (f as Figure).name === 'string' && typeof (f as Figure).value === 'number');
}

/** 1234.5 ms → "1.23 s", 87.2 ms → "87 ms" */
export function fmt(v: number, unit: Figure['unit']): string {
  if (unit === 'ms') return v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${v.toFixed(v < 10 ? 1 : 0)} ms`;
  if (unit === '×') return `${v.toFixed(2)}×`;
  if (unit === 'MB') return `${v.toFixed(0)} MB`;
  if (unit === 's') return `${v.toFixed(2)} s`;
  return `${Math.round(v).toLocaleString('en')}${unit === 'count' ? '' : ` ${unit}`}`;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}
