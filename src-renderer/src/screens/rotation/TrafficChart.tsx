// The rotation wizard's grace-period chart: calls per hour (or day) since the rotation, old key against new key.
import type { GraceTraffic } from '../../../../src-common/contract/index.ts';
import { shortDate } from './dates.ts';

export function TrafficChart({ traffic }: { traffic: GraceTraffic }) {
  const b = traffic.buckets;
  const max = Math.max(1, ...b.map((x) => x.oldKeyCalls + x.newKeyCalls));
  const W = 520;
  const H = 120;
  const bw = b.length ? (W - 30) / b.length : 0;
  return (
    <figure style={{ margin: 0 }}>
      <svg className="rot-chart" viewBox={`0 0 ${W} ${H + 18}`} role="img" aria-label={`Calls per ${traffic.bucketHours === 1 ? 'hour' : 'day'} since the rotation: ${traffic.oldKeyCalls} with the old key, ${traffic.newKeyCalls} with the new key`} data-testid="grace-chart">
        <line className="axis" x1={26} y1={H} x2={W} y2={H} />
        <text x={0} y={10}>{max}</text>
        <text x={0} y={H}>0</text>
        {b.map((x, i) => {
          const hOld = (x.oldKeyCalls / max) * (H - 6);
          const hNew = (x.newKeyCalls / max) * (H - 6);
          return (
            <g key={x.start}>
              <rect className="old" x={28 + i * bw} y={H - hOld} width={Math.max(1, bw / 2 - 1)} height={hOld} data-testid="grace-bar-old" data-calls={x.oldKeyCalls}>
                <title>{`${shortDate(Date.parse(x.start), Date.now())}: ${x.oldKeyCalls} old-key calls`}</title>
              </rect>
              <rect className="new" x={28 + i * bw + bw / 2} y={H - hNew} width={Math.max(1, bw / 2 - 1)} height={hNew}>
                <title>{`${shortDate(Date.parse(x.start), Date.now())}: ${x.newKeyCalls} new-key calls`}</title>
              </rect>
            </g>
          );
        })}
        {b[0] && <text x={28} y={H + 14}>{shortDate(Date.parse(b[0].start), Date.now())}</text>}
      </svg>
      <figcaption className="rot-legend">
        <span>
          <span className="rot-swatch old" />
          old key ({traffic.oldKeyCalls})
        </span>
        <span>
          <span className="rot-swatch new" />
          new key ({traffic.newKeyCalls})
        </span>
        <span>per {traffic.bucketHours === 1 ? 'hour' : 'day'}</span>
      </figcaption>
    </figure>
  );
}
