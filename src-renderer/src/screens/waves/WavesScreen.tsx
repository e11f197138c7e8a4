// Waves: rotation waves — one integration's API key rotated across many workspaces, batch by batch, each batch only
// after the audit log shows the previous one cut over. A wave is started from a terminal (`grantdesk wave rotate`: it
// needs a delivery command or target, since its secrets are never shown); here each wave shows its progress per
// workspace by name, why it is paused (the evidence) or what it waits for, and Resume / Cancel.
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef } from 'react';
import type { Wave, WaveItem } from '../../../../src-common/contract/index.ts';
import { ErrorBanner } from '../../components/ErrorBanner.tsx';
import { WriteButton } from '../../components/WriteButton.tsx';
import { selectWaves, selectWavesBusy, selectWavesError, selectWavesLoaded } from '../../stores/waves-store.ts';
import { useSelect, useStores } from '../../stores/use-store.ts';
import './waves.css';

const WAVE_WORDS: Record<Wave['state'], string> = {
  running: 'Running',
  waiting: 'Waiting for the audit log',
  paused: 'Paused',
  completed: 'Completed',
  cancelled: 'Cancelled',
};
const ITEM_WORDS: Record<WaveItem['state'], string> = {
  pending: 'Not rotated yet',
  rotating: 'Rotating',
  rotated: 'Rotated, delivering',
  delivered: 'Rotated, waiting for cut-over',
  cut_over: 'Cut over',
  failed: 'Failed',
  undelivered: 'Rotated, secret not delivered',
  gate_failed: 'Cut-over failed',
};
const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString()} ${n === 1 ? one : many}`;
const quietWords = (m: number) => (m % 1440 === 0 ? plural(m / 1440, 'day') : m % 60 === 0 ? plural(m / 60, 'hour') : plural(m, 'minute'));

function ItemRow({ i }: { i: WaveItem }) {
  const bad = i.state === 'failed' || i.state === 'undelivered' || i.state === 'gate_failed';
  return (
    <div className="wave-row" data-testid="wave-item" data-workspace={i.workspaceId} data-state={i.state} data-batch={i.batch}>
      <div>
        <strong>{i.workspaceName}</strong> <span className="muted mono">{i.workspaceId}</span>
        <div className="muted">
          Batch {i.batch} · {i.keyName} <span className="mono">{i.oldKeyLabel}</span>
          {i.newKeyLabel ? (
            <>
              {' '}
              → <span className="mono">{i.newKeyLabel}</span>
            </>
          ) : null}
        </div>
      </div>
      <div>
        <span className={bad ? 'text-danger' : undefined} data-testid="wave-item-state">
          {ITEM_WORDS[i.state]}
        </span>
        {i.evidence && <div className="wave-evidence">{i.evidence}</div>}
      </div>
    </div>
  );
}

function Items({ items }: { items: WaveItem[] }) {
  const ref = useRef<HTMLDivElement>(null);
  const v = useVirtualizer({ count: items.length, getScrollElement: () => ref.current, estimateSize: () => 64, overscan: 8 });
  return (
    <div ref={ref} className="wave-scroll" data-testid="wave-items" data-count={items.length}>
      <div style={{ height: v.getTotalSize(), position: 'relative' }}>
        {v.getVirtualItems().map((vi) => (
          <div key={items[vi.index]!.id} data-index={vi.index} ref={v.measureElement} className="wave-vrow" style={{ transform: `translateY(${vi.start}px)` }}>
            <ItemRow i={items[vi.index]!} />
          </div>
        ))}
      </div>
    </div>
  );
}

function WavePanel({ w }: { w: Wave }) {
  const { waves: store } = useStores();
  const busy = useSelect(store, selectWavesBusy);
  const open = w.state !== 'completed' && w.state !== 'cancelled';
  const busyWhy = busy ? 'A check of a wave is running; wait for it to finish.' : undefined;
  return (
    <section className="panel" aria-label={`Wave for keys named ${w.match}`} data-testid="wave" data-wave={w.id} data-state={w.state} data-updated={w.updatedAt}>
      <h2>
        Keys named “{w.match}” · {plural(w.counts.total, 'workspace')}
      </h2>
      <p className="muted">
        Started {new Date(w.createdAt).toLocaleString()} · {plural(w.batches, 'batch', 'batches')} of {w.batchSize} · grace {plural(w.graceDays, 'day')} · old key quiet for {quietWords(w.quietMinutes)} · new secrets go to <span data-testid="wave-delivery">{w.deliveryCommand ? `the delivery command ${w.deliveryTarget}` : w.deliveryTarget}</span>
      </p>
      <p data-testid="wave-progress">
        <strong>{WAVE_WORDS[w.state]}</strong> · batch {w.currentBatch} of {w.batches} · {w.counts.cutOver.toLocaleString()} cut over, {w.counts.rotated.toLocaleString()} rotated and waiting, {w.counts.pending.toLocaleString()} not rotated yet,{' '}
        {w.counts.failed.toLocaleString()} need attention
      </p>
      <p className="muted" data-testid="wave-legend">
        A workspace is cut over when its audit log shows the integration calling with the new key and the old key quiet for {quietWords(w.quietMinutes)}; the next batch starts only then.
      </p>
      {w.reason && (
        <p className={w.state === 'paused' ? 'wave-reason text-danger' : 'wave-reason'} data-testid="wave-reason">
          {w.reason}
        </p>
      )}
      {open && (
        <div className="wave-actions">
          <WriteButton command="wave.resume" onClick={() => void store.getState().resume(w.id)} disabled={busy !== null} title={busyWhy} data-testid="wave-resume">
            {busy === w.id ? 'Checking the audit log…' : w.state === 'paused' ? 'Resume' : 'Check the audit log and continue'}
          </WriteButton>
          <WriteButton command="wave.cancel" className="link-button" onClick={() => void store.getState().cancel(w.id)} disabled={busy !== null} title={busyWhy} data-testid="wave-cancel">
            Cancel the wave
          </WriteButton>
        </div>
      )}
      <Items items={w.items} />
    </section>
  );
}

export function WavesScreen() {
  const { waves: store } = useStores();
  const loaded = useSelect(store, selectWavesLoaded);
  const waves = useSelect(store, selectWaves);
  const error = useSelect(store, selectWavesError);
  useEffect(() => {
    void store.getState().load();
    return store.getState().connect();
  }, [store]);
  return (
    <section className="screen" aria-labelledby="screen-title" data-testid="waves-screen">
      <header className="screen-header">
        <h1 id="screen-title" tabIndex={-1}>
          Rotation waves
        </h1>
        <p className="screen-subtitle">
          {loaded ? `${plural(waves.length, 'wave')} · ${plural(waves.filter((w) => w.state === 'paused').length, 'paused wave')}` : 'Reading the waves…'}
        </p>
      </header>
      {error && <ErrorBanner error={error} onDismiss={() => store.getState().dismissError()} testId="waves-error" />}
      {loaded && waves.length === 0 && (
        <p data-testid="waves-none">
          No rotation waves yet. From a terminal: <code>grantdesk wave rotate --match NAME --batch 10 --grace 7d --deliver-to TARGET</code> rotates the key named NAME in every workspace, ten at a time.
        </p>
      )}
      {waves.map((w) => (
        <WavePanel key={w.id} w={w} />
      ))}
    </section>
  );
}
