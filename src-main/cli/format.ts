// Human output for the CLI. --json prints the contract's output verbatim instead.
function scalar(v: unknown): string {
  if (v === null || v === undefined) return '-';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

const isName = (c: string) => c === 'name' || /Name$/.test(c);
const isId = (c: string) => c === 'id' || /Id$/.test(c);
/** Names first, ids last (a person scans names; ids are for copying), everything else in the contract's order. */
export function columnOrder(cols: readonly string[]): string[] {
  const rank = (c: string) => (isName(c) ? 0 : isId(c) ? 2 : 1);
  return cols.map((c, i) => ({ c, i })).sort((a, b) => rank(a.c) - rank(b.c) || a.i - b.i).map((x) => x.c);
}

function table(rows: Record<string, unknown>[]): string {
  if (rows.length === 0) return '(none)';
  const cols = columnOrder(Object.keys(rows[0]!).filter((c) => rows.every((r) => typeof r[c] !== 'object' || r[c] === null || Array.isArray(r[c]))));
  const cells = rows.map((r) => cols.map((c) => (Array.isArray(r[c]) ? (r[c] as unknown[]).join(',') : scalar(r[c]))));
  const widths = cols.map((c, i) => Math.min(48, Math.max(c.length, ...cells.map((row) => row[i]!.length))));
  const line = (vals: string[]) => vals.map((v, i) => (v.length > widths[i]! ? v.slice(0, widths[i]! - 1) + '…' : v.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(cols), ...cells.map(line)].join('\n');
}

export function formatHuman(value: unknown): string {
  if (Array.isArray(value)) return value.every((v) => v && typeof v === 'object') ? table(value as Record<string, unknown>[]) : value.map(scalar).join('\n');
  if (value && typeof value === 'object') {
    const lines: string[] = [];
    for (const [k, v] of Object.entries(value)) {
      if (Array.isArray(v) && v.length > 0 && v.every((x) => x && typeof x === 'object')) lines.push(`${k}:`, table(v as Record<string, unknown>[]));
      else if (v && typeof v === 'object' && !Array.isArray(v)) lines.push(`${k}:`, ...formatHuman(v).split('\n').map((l) => `  ${l}`));
      else lines.push(`${k}: ${Array.isArray(v) ? v.join(', ') || '(none)' : scalar(v)}`);
    }
    return lines.join('\n');
  }
  return scalar(value);
}
