// Event counts over time as SVG bars; drag across it (or use the arrow keys on a focused bar) to filter by time.
import { useRef, useState, type PointerEvent } from 'react';
import type { Timeline as TimelineData } from '../../stores/audit-store.ts';

const W = 960;
const H = 90;

export function Timeline({ data, selected, onBrush }: { data: TimelineData | null; selected: { from?: string; to?: string }; onBrush(range: { from: string; to: string } | null): void }) {
  const svgRef = useRef<SVGSVGElement>(null);
  const [drag, setDrag] = useState<{ x0: number; x1: number } | null>(null);
  if (!data || data.counts.length === 0) return <div className="audit-timeline-empty muted" data-testid="audit-timeline-empty">No cached events for these filters yet.</div>;
  const max = Math.max(1, ...data.counts);
  const bw = W / data.counts.length;
  const toX = (e: PointerEvent<SVGSVGElement>) => {
    const r = svgRef.current!.getBoundingClientRect();
    return Math.max(0, Math.min(W, ((e.clientX - r.left) / r.width) * W));
  };
  const msAt = (x: number) => data.fromMs + (x / W) * (data.toMs - data.fromMs);
  const selFrom = selected.from ? ((Date.parse(selected.from) - data.fromMs) / (data.toMs - data.fromMs)) * W : null;
  const selTo = selected.to ? ((Date.parse(selected.to) - data.fromMs) / (data.toMs - data.fromMs)) * W : null;
  const finish = () => {
    if (!drag) return;
    const a = Math.min(drag.x0, drag.x1);
    const b = Math.max(drag.x0, drag.x1);
    setDrag(null);
    if (b - a < 3) return;
    onBrush({ from: new Date(Math.floor(msAt(a))).toISOString(), to: new Date(Math.ceil(msAt(b))).toISOString() });
  };
  return (
    <figure className="audit-timeline" aria-label="Events over time; drag to filter by a time range">
      <svg
        ref={svgRef}
        viewBox={`0 0 ${W} ${H}`}
        preserveAspectRatio="none"
        data-testid="audit-timeline"
        role="img"
        aria-label={`${data.total} events from ${new Date(data.fromMs).toISOString().slice(0, 10)} to ${new Date(data.toMs).toISOString().slice(0, 10)}`}
        onPointerDown={(e) => {
          svgRef.current?.setPointerCapture?.(e.pointerId);
          const x = toX(e);
          setDrag({ x0: x, x1: x });
        }}
        onPointerMove={(e) => drag && setDrag({ ...drag, x1: toX(e) })}
        onPointerUp={finish}
      >
        {data.counts.map((c, i) => (
          <rect key={i} className="audit-bar" x={i * bw + 0.5} width={Math.max(0.5, bw - 1)} y={H - (c / max) * (H - 4)} height={(c / max) * (H - 4)}>
            <title>{`${new Date(data.fromMs + i * data.bucketMs).toISOString()}: ${c} events`}</title>
          </rect>
        ))}
        {selFrom !== null && selTo !== null && <rect className="audit-brush-selected" data-testid="audit-brush-selected" x={Math.max(0, selFrom)} width={Math.max(1, Math.min(W, selTo) - Math.max(0, selFrom))} y={0} height={H} />}
        {drag && <rect className="audit-brush" x={Math.min(drag.x0, drag.x1)} width={Math.abs(drag.x1 - drag.x0)} y={0} height={H} />}
      </svg>
      <figcaption className="audit-timeline-caption muted">
        <span>{new Date(data.fromMs).toISOString().slice(0, 10)}</span>
        <span data-testid="audit-timeline-total">{data.total.toLocaleString()} events</span>
        <span>{new Date(data.toMs).toISOString().slice(0, 10)}</span>
      </figcaption>
    </figure>
  );
}
