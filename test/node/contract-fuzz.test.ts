// Every contract channel, ≥1,000 generated payloads each, through the real dispatcher: a typed error or a valid
// result, never a crash or an untyped failure. Mutating commands run in read-only mode so fuzzing changes nothing
// outside; their validation still runs first, so schemas are fuzzed too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { appErrorSchema, contract, COMMAND_NAMES } from '../../src-common/contract/index.ts';
import { createDispatcher } from '../../src-main/rpc/dispatcher.ts';
import { createHandlers } from '../../src-main/handlers/index.ts';
import { createTempRuntime } from '../support/temp-runtime.ts';
import { SERVE_CONTEXT } from '../../src-main/rpc/handlers.ts';

const RUNS = Number(process.env.GRANTDESK_FUZZ_RUNS ?? 1000);

test(`fuzz: every channel answers ${RUNS} generated payloads with a typed result`, async () => {
  const t = createTempRuntime();
  try {
    const silent = { info() {}, warn() {}, error() {} };
    const handlers = createHandlers(t.runtime.services);
    const readOnly = createDispatcher(handlers, { isReadOnly: () => true, logger: silent });
    const payload = fc.oneof(
      fc.anything({ withNullPrototype: true, withBigInt: false, withMap: true, withSet: true, withDate: true, withTypedArray: true, withSparseArray: true }),
      fc.dictionary(fc.constantFrom('workspaceId', 'theme', 'limit', 'after', 'query', '__proto__', 'constructor', 'id', 'scopes', 'out'), fc.anything(), { maxKeys: 4 }),
      fc.constant({}),
    );
    for (const name of COMMAND_NAMES) {
      // read commands run for real against the temp runtime (no network: no workspaces are connected)
      const dispatcher = contract[name].mutates ? readOnly : t.runtime.dispatcher;
      await fc.assert(
        fc.asyncProperty(payload, async (p) => {
          const r = await dispatcher.call(name, p, SERVE_CONTEXT);
          if (r.ok) {
            assert.ok(contract[name].output.safeParse(r.value).success, `${name} returned an invalid value`);
          } else {
            assert.ok(appErrorSchema.safeParse(r.error).success, `${name} returned an untyped error`);
            assert.notEqual(r.error.code, 'internal', `${name} crashed on ${JSON.stringify(p)?.slice(0, 200)}`);
          }
        }),
        { numRuns: RUNS },
      );
    }
  } finally {
    await t.close();
  }
});
