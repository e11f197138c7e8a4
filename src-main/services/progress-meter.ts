// Honest progress for long work (task.progress): a rate smoothed over a sliding window of samples and an ETA that is
// remaining / rate, and no rate or ETA at all until the window holds enough measured progress (no "2 s left" from the
// first page). Pure: the caller passes the clock's now. Used by the audit sync; any task emitting task.progress may use it.
export interface ProgressMeter {
  /** record that `done` units are finished at `nowMs` */
  sample(done: number, nowMs: number): void;
  /** units per second over the window, or null while it is not measurable yet */
  rate(): number | null;
  /** seconds left for `total`, or null without a measurable rate */
  etaSeconds(total: number | null): number | null;
}

export function createProgressMeter(opts: { windowMs?: number; minSpanMs?: number } = {}): ProgressMeter {
  const windowMs = opts.windowMs ?? 10_000;
  const minSpanMs = opts.minSpanMs ?? 1_000;
  const samples: Array<{ t: number; done: number }> = [];
  return {
    sample(done, nowMs) {
      const last = samples[samples.length - 1];
      if (last && last.t === nowMs) last.done = done;
      else samples.push({ t: nowMs, done });
      // keep one sample at or before the window start as the baseline
      while (samples.length > 2 && samples[1]!.t <= nowMs - windowMs) samples.shift();
    },
    rate() {
      const a = samples[0];
      const b = samples[samples.length - 1];
      if (!a || !b || b.t - a.t < minSpanMs || b.done <= a.done) return null;
      return ((b.done - a.done) * 1000) / (b.t - a.t);
    },
    etaSeconds(total) {
      const r = this.rate();
      const b = samples[samples.length - 1];
      if (r === null || total === null || !b) return null;
      return Math.max(0, total - b.done) / r;
    },
  };
}
