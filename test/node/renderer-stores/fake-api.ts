// A fake GrantdeskApi for the renderer store tests: a typed object implementing only the methods a test hands it, and a
// trap for every other method that records the call and fails (a call where none must happen). Events are emitted by
// the test through `emit`.
import assert from 'node:assert/strict';
import type { GrantdeskApi } from '../../../src-common/contract/api.ts';
import { errorData, type AppErrorData, type CallResult, type ErrorCode, type EventName, type EventPayload } from '../../../src-common/contract/index.ts';

export interface FakeApi {
  api: GrantdeskApi;
  /** every method call, in order: [method, input] */
  calls: Array<[string, unknown]>;
  /** calls to methods the test did not implement */
  unexpected: string[];
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void;
  /** fails unless exactly these methods were called (in this order) */
  assertCalls(methods: string[]): void;
  /** listeners still subscribed */
  listeners(): number;
}

const EVENT_METHODS: Record<string, EventName> = { onStateChanged: 'state.changed', onTaskProgress: 'task.progress', onStepUpStatus: 'stepUp.status' };

export function fakeApi(impl: Partial<GrantdeskApi>): FakeApi {
  const calls: Array<[string, unknown]> = [];
  const unexpected: string[] = [];
  const subs = new Map<EventName, Set<(p: unknown) => void>>();
  const target = impl as Record<string | symbol, unknown>;
  const api = new Proxy(target, {
    get(_t, prop) {
      if (typeof prop === 'symbol' || prop === 'then') return undefined;
      const event = EVENT_METHODS[prop];
      if (event && !(prop in target)) {
        return (listener: (p: unknown) => void) => {
          const set = subs.get(event) ?? new Set();
          set.add(listener);
          subs.set(event, set);
          return () => set.delete(listener);
        };
      }
      const fn = target[prop];
      if (typeof fn !== 'function') {
        return (input: unknown) => {
          calls.push([prop, input]);
          unexpected.push(prop);
          throw new Error(`unexpected api call: ${prop}(${JSON.stringify(input)})`);
        };
      }
      return (input: unknown) => {
        calls.push([prop, input]);
        return (fn as (i: unknown) => unknown)(input);
      };
    },
  }) as unknown as GrantdeskApi;
  return {
    api,
    calls,
    unexpected,
    emit(event, payload) {
      for (const l of subs.get(event) ?? []) l(payload);
    },
    assertCalls(methods) {
      assert.deepEqual(unexpected, [], 'no call to a method that must not be called');
      assert.deepEqual(
        calls.map(([m]) => m),
        methods,
      );
    },
    listeners: () => [...subs.values()].reduce((n, s) => n + s.size, 0),
  };
}

export const ok = <T>(value: T): Promise<CallResult<T>> => Promise.resolve({ ok: true, value });
export const fail = <T = never>(code: ErrorCode, message: string): Promise<CallResult<T>> => Promise.resolve({ ok: false, error: errorData(code, message) });

/** an error as the UI shows it: a sentence saying what happened, and a remedy */
export function assertErrorSentence(e: AppErrorData | null, code: ErrorCode, message: string): void {
  assert.ok(e, 'an error is kept');
  assert.equal(e.code, code);
  assert.equal(e.message, message);
  assert.match(e.remedy, /\S.*[.!]$/, 'the remedy is a sentence');
}

/** a promise the test resolves later (to interleave two calls) */
export function deferred<T>(): { promise: Promise<T>; resolve(v: T): void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}
