// Activity sparkline: daily calls for the last 30 days from the cached audit log (errors drawn as red ticks).
export function Sparkline({ days, width = 240, height = 40 }: { days: { date: string; calls: number; errors: number }[]; width?: number; height?: number }) {
  const max = Math.max(1, ...days.map((d) => d.calls));
  const step = days.length > 1 ? width / (days.length - 1) : width;
  const y = (v: number) => height - 2 - (v / max) * (height - 4);
  const points = days.map((d, i) => `${(i * step).toFixed(1)},${y(d.calls).toFixed(1)}`).join(' ');
  const total = days.reduce((a, d) => a + d.calls, 0);
  return (
    <svg className="sparkline" viewBox={`0 0 ${width} ${height}`} width={width} height={height} role="img" aria-label={`${total} calls in the last ${days.length} days`} data-testid="activity-sparkline">
      <polyline points={points} fill="none" stroke="currentColor" strokeWidth="1.5" />
      {days.map((d, i) => (d.errors > 0 ? <line key={d.date} x1={i * step} x2={i * step} y1={height} y2={height - 6} className="sparkline-error" /> : null))}
    </svg>
  );
}
