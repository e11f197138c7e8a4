// Canary: connect, refresh and disconnect 30 sandbox workspaces with the real keychain, collecting every access and refresh
// token the sandbox issued (intercepted at the HTTP port, plus whatever the keychain holds before disconnect). None of them
// may appear in the data dir (cache.db, -wal, -shm, logs, locks, any other file; raw bytes, recursively), in CLI output, or
// in any serve-mode response (every read command over HTTP, and the SSE stream during refreshes).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { contract, COMMAND_NAMES, type Workspace } from '../../../src-common/contract/index.ts';
import { createUndiciHttp } from '../../../src-main/adapters/undici-http.ts';
import { runCli } from '../../../src-main/cli/main.ts';
import type { LimitedFetch } from '../../../src-main/ports/http.ts';
import { startServe } from '../../../src-main/serve/serve-server.ts';
import { NO_KEYRING_REASON, startHarness } from './harness.ts';

const N = 30;

/** every file under dir, raw bytes */
function filesUnder(dir: string): Array<{ path: string; bytes: Buffer }> {
  const out: Array<{ path: string; bytes: Buffer }> = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p);
    if (st.isDirectory()) out.push(...filesUnder(p));
    else if (st.isFile()) out.push({ path: p, bytes: readFileSync(p) });
  }
  return out;
}

/** the tokens (whole, and their first 24 characters: a truncated leak counts too) found in a haystack */
function leaks(haystack: Buffer | string, tokens: Set<string>): string[] {
  const buf = typeof haystack === 'string' ? Buffer.from(haystack, 'utf8') : haystack;
  const found: string[] = [];
  for (const t of tokens) if (buf.includes(t.slice(0, 24))) found.push(`${t.slice(0, 6)}…`);
  return found;
}

test(`canary: ${N} workspaces connected, refreshed and disconnected leave no token in the data dir, CLI output or serve responses`, { skip: NO_KEYRING_REASON, timeout: 180_000 }, async () => {
  const issued = new Set<string>();
  const real = createUndiciHttp();
  const spyFetch: LimitedFetch = async (url, init, limits) => {
    const res = await real.fetch(url, init, limits);
    if (/\/token$/.test(new URL(url).pathname) && res.status === 200) {
      const body = JSON.parse(await res.clone().text()) as { access_token?: string; refresh_token?: string };
      if (body.access_token) issued.add(body.access_token);
      if (body.refresh_token) issued.add(body.refresh_token);
    }
    return res;
  };
  const h = await startHarness({ sandbox: { workspaces: N, events: 40 }, ports: { http: { request: real.request, fetch: spyFetch } } });
  const outputs: Array<{ where: string; text: string }> = [];
  const cli = async (args: string[]) => {
    let stdout = '';
    let stderr = '';
    const code = await runCli(args, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), env: { GRANTDESK_HOME: h.dataDir }, secretStore: h.store });
    outputs.push({ where: `cli ${args.join(' ')}`, text: stdout + stderr });
    return { code, stdout, stderr };
  };
  const serve = await startServe({ dispatcher: h.app.dispatcher, bus: h.app.bus, staticDir: null, port: 0 });
  const rpc = async (name: string, input: unknown) => {
    const res = await fetch(`http://127.0.0.1:${serve.port}/rpc/${name}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${serve.token}`, 'x-grantdesk': '1', 'content-type': 'application/json' },
      body: JSON.stringify(input),
    });
    const text = await res.text();
    outputs.push({ where: `serve ${name} ${JSON.stringify(input)}`, text });
    return JSON.parse(text) as { ok: boolean; value?: unknown; error?: { code: string } };
  };
  const ids = h.sandbox.workspaces.map((w) => w.id);
  /** every read command of the contract, with the inputs it can take */
  const readAll = async () => {
    for (const name of COMMAND_NAMES.filter((n) => !contract[n].mutates)) {
      const r = await rpc(name, {});
      if (!r.ok && r.error?.code === 'invalid_input') await rpc(name, { workspace: ids[0] });
    }
  };
  try {
    // connect all 30 (bulk, auto-consent browser)
    const bulk = await h.call('workspaces.bulkConnect', { workspaces: ids, role: 'operator' });
    assert.equal(bulk.connected, N, JSON.stringify(bulk));
    assert.equal(issued.size, 2 * N, 'one access + one refresh token per connect was intercepted');

    // refresh all of them, with the SSE stream open in serve mode
    const sse = new AbortController();
    const sseRes = await fetch(`http://127.0.0.1:${serve.port}/events`, { headers: { authorization: `Bearer ${serve.token}` }, signal: sse.signal });
    let sseText = '';
    const reading = (async () => {
      const dec = new TextDecoder();
      try {
        for await (const chunk of sseRes.body as unknown as AsyncIterable<Uint8Array>) sseText += dec.decode(chunk, { stream: true });
      } catch {
        // aborted
      }
    })();
    for (const [i, ws] of ids.entries()) {
      const r = i % 2 === 0 ? await rpc('workspaces.refresh', { workspace: ws, force: true }) : { ok: (await h.call('workspaces.refresh', { workspace: ws, force: true })).generation === 2 };
      assert.ok(r.ok, `refresh ${ws}`);
    }
    // management calls as each workspace (WorkspaceApi) and every read command over serve mode
    await readAll();
    assert.equal(issued.size, 4 * N);
    sse.abort();
    await reading;
    assert.match(sseText, /event: state\.changed/, 'the SSE stream saw the refreshes');
    outputs.push({ where: 'serve SSE /events', text: sseText });

    // CLI read commands over the same data dir and keychain; one CLI refresh (its new tokens land in the keychain)
    assert.equal((await cli(['workspaces', '--json'])).code, 0);
    assert.equal((await cli(['workspaces'])).code, 0);
    assert.equal((await cli(['platform', 'list', '--json'])).code, 0);
    assert.equal((await cli(['workspace', 'status', ids[3]!, '--json'])).code, 0);
    assert.equal((await cli(['refresh', ids[4]!, '--force', '--json'])).code, 0);
    assert.equal((await cli(['health', '--json'])).code, 0);

    // the keychain holds the newest tokens (including the CLI's refresh): collect them before they are deleted
    for (const a of await h.store.list()) {
      if (!a.startsWith('grant:')) continue;
      const g = JSON.parse((await h.store.get(a))!) as { accessToken: string; refreshToken: string };
      issued.add(g.accessToken);
      issued.add(g.refreshToken);
    }
    assert.ok(issued.size >= 4 * N + 2, `tokens collected: ${issued.size}`);

    // disconnect: five revocations fail (platform down) and stay pending, then are retried and confirmed
    const admin = (method: string, path: string, body?: unknown) =>
      fetch(`${h.sandbox.issuer}/__admin${path}`, { method, headers: { authorization: `Bearer ${h.sandbox.adminToken}`, 'content-type': 'application/json' }, body: body ? JSON.stringify(body) : undefined });
    await admin('POST', '/faults', { route: 'revocation', error_rate: 1, error_status: 503 });
    for (const ws of ids.slice(0, 5)) assert.equal((await h.call('workspaces.disconnect', { workspace: ws })).revocation, 'pending');
    await admin('DELETE', '/faults');
    for (const [i, ws] of ids.slice(5).entries()) {
      if (i % 2 === 0) assert.equal((await cli(['disconnect', ws])).code, 0);
      else assert.equal((await rpc('workspaces.disconnect', { workspace: ws })).ok, true);
    }
    assert.deepEqual(await h.call('workspaces.retryRevocations', {}), { confirmed: 5, pending: 0 });
    await readAll();
    assert.equal((await cli(['workspaces', '--json'])).code, 0);
    const final = await h.call('workspaces.list', {});
    assert.equal(final.filter((w) => w.status === 'disconnected' && w.revocation === 'confirmed').length, N);

    // nothing anywhere (the scanner itself finds a planted token)
    const planted = [...issued][7]!;
    assert.equal(leaks(Buffer.concat([Buffer.from('\x00prefix'), Buffer.from(planted.slice(0, 30)), Buffer.from('\x00')]), issued).length, 1);
    for (const o of outputs) assert.deepEqual(leaks(o.text, issued), [], `token in ${o.where}`);
    const scan = () => {
      const files = filesUnder(h.dataDir);
      for (const f of files) assert.deepEqual(leaks(f.bytes, issued), [], `token in ${f.path}`);
      return files.map((f) => f.path.slice(h.dataDir.length + 1));
    };
    const open = scan();
    assert.ok(open.includes('cache.db') && open.some((p) => p.startsWith('logs/')), `scanned ${open.join(', ')}`);
    await h.app.close();
    scan(); // after the WAL checkpoint on close, too
    assert.equal((await h.store.list()).filter((a) => a.startsWith('grant:') || a.startsWith('revoke:')).length, 0, 'no grant left in the keychain');
  } finally {
    await serve.close();
    await h.close();
  }
});
