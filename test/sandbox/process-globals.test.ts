// Importing and starting the sandbox in a test process must not change that process's globals: its clock and its
// logger are passed in. Only a caller that asks (processClock()) gets Date.now offset, as sandbox/cli.ts does.
import { test } from 'node:test';
import assert from 'node:assert/strict';

test('the sandbox patches no process globals when imported and started with its defaults', async () => {
  const dateNow = Date.now;
  const info = console.info;
  const warn = console.warn;
  const { startSandbox } = await import('../../sandbox/server.ts');
  assert.equal(Date.now, dateNow, 'import left Date.now alone');
  assert.equal(console.info, info, 'import left console.info alone');
  const sb = await startSandbox({ workspaces: 1, events: 5, admin: true, log: () => {} });
  try {
    assert.equal(Date.now, dateNow, 'start left Date.now alone');
    assert.equal(console.info, info, 'start left console.info alone');
    assert.equal(console.warn, warn);
    // the admin clock still moves the sandbox's own time, and says that it does not move the provider's expiries
    const headers = { authorization: `Bearer ${sb.adminToken}`, 'content-type': 'application/json' };
    const before = Date.now();
    const r = await fetch(`${sb.issuer}/__admin/clock`, { method: 'POST', headers, body: JSON.stringify({ advance_seconds: 86400 }) });
    const body = (await r.json()) as { now: string; offset_seconds: number; moves_token_expiries: boolean };
    assert.equal(body.offset_seconds, 86400);
    assert.equal(body.moves_token_expiries, false);
    assert.ok(Date.parse(body.now) >= before + 86400_000, 'sandbox time moved a day');
    assert.ok(Date.now() < before + 3600_000, 'the test process clock did not move');
  } finally {
    await sb.close();
  }
});

test('processClock() is the explicit opt-in that offsets Date.now for the whole process', async () => {
  const { processClock } = await import('../../sandbox/clock.ts');
  const realDateNow = Date.now;
  const clock = processClock();
  assert.notEqual(Date.now, realDateNow);
  const t0 = Date.now();
  clock.advance(60);
  assert.ok(Date.now() >= t0 + 60_000);
  assert.equal(clock.movesProviderExpiries, true);
  assert.equal(processClock(), clock, 'one process-wide clock');
});
