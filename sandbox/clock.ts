// Test clock: offsets Date.now() for the whole sandbox process, so oidc-provider expiries follow.
const realNow = Date.now.bind(Date);
let offsetMs = 0;
let patched = false;

export function installClock(): void {
  if (patched) return;
  patched = true;
  Date.now = () => realNow() + offsetMs;
}
export function advanceClock(seconds: number): number {
  offsetMs += Math.round(seconds * 1000);
  return offsetMs;
}
export function clockOffsetMs(): number { return offsetMs; }
export function now(): number { return Date.now(); }
export function nowIso(): string { return new Date(Date.now()).toISOString(); }
export function realTimeMs(): number { return realNow(); }
