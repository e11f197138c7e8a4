// Event counts over time for the filters in force, with a y-axis (counts) and an x-axis (local dates). Drag across it to
// zoom: the dragged range becomes the time filter (the route's from/to), so the chart, the count and the rows agree.
// The total printed under it is the timeline's own sum, which equals the exact count.
import { useEffect, useRef, useState, type PointerEvent } from 'react';
import type { Timeline as TimelineData } from '../../stores/audit-store.ts';

const H = 112;
const M = { left: 52, right: 12, top: 8, bottom: 22 };
const DAY = 86_400_000;

function niceStep(max: number, ticks: number): number {
  const raw = Math.max(1, max) / ticks;
  const p = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 2.5, 5, 10]) if (raw <= m * p) return Math.max(1, Math.ceil(m * p));
  return Math.ceil(10 * p);
}

const fmtDay = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' });
const fmtDayYear = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', year: 'numeric' });
const fmtHour = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const fmtFull = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' });

/** x-axis ticks at whole local days (or hours for short spans), at most `n` of them */
function timeTicks(fromMs: number, toMs: number, n: number): { ms: number; label: string }[] {
  const span = toMs - fromMs;
  if (span <= 0) return [];
  const hourly = span <= 2 * DAY;
  const unit = hourly ? 3_600_000 : DAY;
  const steps = [1, 2, 3, 6, 12, 24].map((h) => h * 3_600_000).concat([1, 2, 7, 14, 30, 61, 91, 182, 365].map((d) => d * DAY));
  const step = steps.find((s) => s >= unit && span / s <= n) ?? 365 * DAY;
  const start = new Date(fromMs);
  if (!hourly) start.setHours(0, 0, 0, 0);
  else start.setMinutes(0, 0, 0);
  const out: { ms: number; label: string }[] = [];
  for (let t = start.getTime(); t <= toMs; t += step) {
    if (t < fromMs) continue;
    const d = new Date(t);
    out.push({ ms: t, label: hourly ? (d.getHours() === 0 ? fmtDay.format(t) : fmtHour.format(t)) : span > 300 * DAY || d.getMonth() === 0 ? fmtDayYear.format(t) : fmtDay.format(t) });
  }
  return out;
}

export function Timeline({ data, zoomed, onBrush, onZoomOut }: { data: TimelineData | null; zoomed: boolean; onBrush(range: { from: string; to: string }): void; onZoomOut(): void }) {
  const boxRef = useRef<HTMLDivElement>(null);
  const svgRef = useRef<SVGSVGElement>(null);
  const [width, setWidth] = useState(900);
  const [drag, setDrag] = useState<{ x0: number; x1: number } | null>(null);
  useEffect(() => {
    const el = boxRef.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setWidth(Math.max(300, Math.floor(el.clientWidth))));
    ro.observe(el);
    setWidth(Math.max(300, Math.floor(el.clientWidth)));
    return () => ro.disconnect();
  }, []);
  const plotW = width - M.left - M.right;
  const plotH = H - M.top - M.bottom;
  const has = !!data && data.counts.length > 0 && data.toMs > data.fromMs;
  const max = has ? Math.max(1, ...data.counts) : 1;
  const step = niceStep(max, 3);
  const top = Math.ceil(max / step) * step;
  const y = (v: number) => M.top + plotH - (v / top) * plotH;
  const bw = has ? plotW / data.counts.length : 0;
  const msAt = (x: number) => (has ? data.fromMs + ((x - M.left) / plotW) * (data.toMs - data.fromMs) : 0);
  const xOf = (ms: number) => (has ? M.left + ((ms - data.fromMs) / (data.toMs - data.fromMs)) * plotW : 0);
  const toX = (e: PointerEvent<SVGSVGElement>) => {
    const r = svgRef.current!.getBoundingClientRect();
    return Math.max(M.left, Math.min(M.left + plotW, e.clientX - r.left));
  };
  const finish = () => {
    if (!drag) return;
    const a = Math.min(drag.x0, drag.x1);
    const b = Math.max(drag.x0, drag.x1);
    setDrag(null);
    if (b - a < 4) return;
    onBrush({ from: new Date(Math.floor(msAt(a))).toISOString(), to: new Date(Math.ceil(msAt(b))).toISOString() });
  };
  const yTicks: number[] = [];
  for (let v = 0; v <= top; v += step) yTicks.push(v);
  return (
    <figure className="audit-timeline panel" ref={boxRef} aria-label="Events over time; drag across the chart to zoom into a time range">
      <div className="audit-timeline-head">
        <span className="audit-timeline-title">Events over time</span>
        <span className="muted" data-testid="audit-timeline-range">
          {has ? `${fmtFull.format(data.fromMs)} – ${fmtFull.format(data.toMs)}` : ''}
        </span>
        <span className="audit-timeline-actions">
          <span className="muted">Drag to zoom</span>
          <button type="button" className="button button-small" onClick={onZoomOut} disabled={!zoomed} title={zoomed ? 'Show the whole cached time range' : 'Not zoomed: the chart shows every cached event for the other filters'} data-testid="audit-zoom-out">
            Zoom out
          </button>
        </span>
      </div>
      {has ? (
        <svg
          ref={svgRef}
          width={width}
          height={H}
          data-testid="audit-timeline"
          role="img"
          aria-label={`${data.total} events from ${fmtFull.format(data.fromMs)} to ${fmtFull.format(data.toMs)}`}
          onPointerDown={(e) => {
            svgRef.current?.setPointerCapture?.(e.pointerId);
            const x = toX(e);
            setDrag({ x0: x, x1: x });
          }}
          onPointerMove={(e) => drag && setDrag({ ...drag, x1: toX(e) })}
          onPointerUp={finish}
        >
          {yTicks.map((v) => (
            <g key={v} className="audit-axis">
              <line x1={M.left} x2={M.left + plotW} y1={y(v)} y2={y(v)} className="audit-grid" />
              <text x={M.left - 6} y={y(v) + 4} textAnchor="end" data-testid="audit-y-tick">
                {v.toLocaleString()}
              </text>
            </g>
          ))}
          {data.counts.map((c, i) =>
            c > 0 ? (
              <rect key={i} className="audit-bar" x={M.left + i * bw + (bw > 3 ? 0.5 : 0)} width={Math.max(0.8, bw - (bw > 3 ? 1 : 0))} y={y(c)} height={M.top + plotH - y(c)}>
                <title>{`${fmtFull.format(data.fromMs + i * data.bucketMs)} – ${fmtFull.format(Math.min(data.toMs, data.fromMs + (i + 1) * data.bucketMs))}: ${c.toLocaleString()} events`}</title>
              </rect>
            ) : null,
          )}
          <line x1={M.left} x2={M.left + plotW} y1={M.top + plotH} y2={M.top + plotH} className="audit-axis-line" />
          {timeTicks(data.fromMs, data.toMs, Math.max(2, Math.floor(plotW / 90))).map((t) => (
            <g key={t.ms} className="audit-axis">
              <line x1={xOf(t.ms)} x2={xOf(t.ms)} y1={M.top + plotH} y2={M.top + plotH + 4} className="audit-axis-line" />
              <text x={xOf(t.ms)} y={H - 6} textAnchor="middle" data-testid="audit-x-tick">
                {t.label}
              </text>
            </g>
          ))}
          {drag && <rect className="audit-brush" x={Math.min(drag.x0, drag.x1)} width={Math.abs(drag.x1 - drag.x0)} y={M.top} height={plotH} />}
        </svg>
      ) : (
        <div className="audit-timeline-empty muted" style={{ height: H }} data-testid="audit-timeline-empty">
          No events in this range.
        </div>
      )}
      <figcaption className="audit-timeline-caption muted">
        <span data-testid="audit-timeline-total">{`${(data?.total ?? 0).toLocaleString()} events`}</span>
      </figcaption>
    </figure>
  );
}
