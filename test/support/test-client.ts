// The one typed way tests call the app's contract. It goes through the real dispatcher (input validation, review-mode
// guard, output validation) with a transport's capabilities. The default is IPC's: the least privileged caller, what
// the Electron renderer has (files only inside the exports folder, typed confirmations). A test that exercises what only
// the user's own shell may do (a path outside the exports folder, `yes: true`, redeeming a review file) says so at the
// call site with `client.as(CLI_CONTEXT)`.
import type { AppErrorData, CallResult, CommandName, Input, Output } from '../../src-common/contract/index.ts';
import type { Dispatcher } from '../../src-main/rpc/dispatcher.ts';
import { IPC_CONTEXT, type CallContext } from '../../src-main/rpc/handlers.ts';

/** Anything with the real dispatcher: an AppRuntime, a NodeRuntime, or a getter over one that a test reopens. */
export interface HasDispatcher {
  readonly dispatcher: Dispatcher;
}

/** A call that came back ok:false, carrying the error as data; its message is "code: message". */
export class AppCallError extends Error {
  readonly code: AppErrorData['code'];
  constructor(
    readonly command: string,
    readonly error: AppErrorData,
  ) {
    super(`${error.code}: ${error.message}`);
    this.name = 'AppCallError';
    this.code = error.code;
  }
}

/**
 * The contract's CallResult, with the absent side spelled as optional `undefined` so a test may read
 * `(await c.callResult(...)).error?.code` without narrowing first. Assignable to CallResult<T>.
 */
export type TestCallResult<T> = ({ ok: true; value: T; error?: undefined } | { ok: false; error: AppErrorData; value?: undefined }) & CallResult<T>;

export interface TestClient {
  readonly ctx: CallContext;
  /** The command's value; throws AppCallError on ok:false. */
  call<K extends CommandName>(name: K, input: Input<K>): Promise<Output<K>>;
  /** The whole CallResult, for tests that assert on the error. */
  callResult<K extends CommandName>(name: K, input: Input<K>): Promise<TestCallResult<Output<K>>>;
  /**
   * A payload the types would refuse (a hostile caller's: unknown command, extra keys, wrong types). Only for tests
   * whose point is that the dispatcher refuses it.
   */
  callUnchecked(name: string, payload: unknown): Promise<TestCallResult<unknown>>;
  /** The same app with another caller's capabilities, e.g. `.as(CLI_CONTEXT)`. */
  as(ctx: CallContext): TestClient;
}

/**
 * `runtime` is the app (anything with its dispatcher), or a function returning the current one for a test that reopens
 * its app (`testClient(() => h.app)`).
 */
export function testClient(runtime: HasDispatcher | (() => HasDispatcher), ctx: CallContext = IPC_CONTEXT): TestClient {
  const dispatcher = () => (typeof runtime === 'function' ? runtime() : runtime).dispatcher;
  const callResult = async <K extends CommandName>(name: K, input: Input<K>): Promise<TestCallResult<Output<K>>> =>
    (await dispatcher().call(name, input, ctx)) as TestCallResult<Output<K>>;
  return {
    ctx,
    callResult,
    async call(name, input) {
      const r = await callResult(name, input);
      if (!r.ok) throw new AppCallError(name, r.error);
      return r.value;
    },
    callUnchecked: async (name, payload) => (await dispatcher().call(name, payload, ctx)) as TestCallResult<unknown>,
    as: (other) => testClient(runtime, other),
  };
}
