// The sandbox's test clock. Importing the sandbox changes nothing in the process: the caller passes a clock to
// startSandbox (default: real time plus an offset that moves only the sandbox's own code).
// oidc-provider reads Date.now() itself (token, grant and code expiries), so a clock whose offset must also move those
// expiries has to offset Date.now() for the whole process: `processClock()` does that, and only the sandbox's own
// process (sandbox/cli.ts) or a test that asks for it uses it.
export interface SandboxClock {
  now(): number;
  advance(seconds: number): number;
  offsetMs(): number;
  /** true when the offset also moves oidc-provider's own expiries (Date.now is offset for this process) */
  readonly movesProviderExpiries: boolean;
}

const realNow = Date.now.bind(Date);

/** real time plus an offset that only the sandbox's own code sees */
export function offsetClock(): SandboxClock {
  let offset = 0;
  return {
    now: () => realNow() + offset,
    advance: (seconds) => (offset += Math.round(seconds * 1000)),
    offsetMs: () => offset,
    movesProviderExpiries: false,
  };
}

let processWide: SandboxClock | null = null;
/** offsets Date.now() for this whole process (once; later calls return the same clock) */
export function processClock(): SandboxClock {
  if (processWide) return processWide;
  let offset = 0;
  Date.now = () => realNow() + offset;
  processWide = {
    now: () => realNow() + offset,
    advance: (seconds) => (offset += Math.round(seconds * 1000)),
    offsetMs: () => offset,
    movesProviderExpiries: true,
  };
  return processWide;
}

// The sandbox modules read time through now()/nowIso(); startSandbox points them at the clock it was given.
let active: SandboxClock = offsetClock();
export function useClock(clock: SandboxClock): void {
  active = clock;
}
export function now(): number {
  return active.now();
}
export function nowIso(): string {
  return new Date(active.now()).toISOString();
}
