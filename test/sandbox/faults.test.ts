/* eslint-disable @typescript-eslint/no-explicit-any -- dynamic JSON bodies and the untyped oidc-provider API */
// Fault injection behaves as configured (admin API and --faults spec), and the admin API is guarded.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as oauth from 'oauth4webapi';
import { admin, api, boot, insecure } from './helpers.ts';
import { parseFaultSpec } from '../../sandbox/faults.ts';

let ctx: Awaited<ReturnType<typeof boot>>;
let ws: string;
let tok: string;
before(async () => {
  ctx = await boot({ workspaces: 2, events: 40, seed: 5 });
  ws = ctx.sb.workspaces[0]!.id;
  tok = (await admin(ctx.sb, 'POST', '/tokens', { workspace: ws, scopes: ['audit:read', 'contacts:read'] })).body.token;
});
after(async () => { await ctx.sb.close(); });

const setFault = (route: string, cfg: Record<string, unknown>) => admin(ctx.sb, 'POST', '/faults', { route, replace: true, ...cfg });
const clear = () => admin(ctx.sb, 'DELETE', '/faults');

describe('faults', () => {
  test('latency', async () => {
    await setFault('workspace', { latency_ms: 250 });
    const t0 = performance.now();
    assert.equal((await api(ctx.sb, tok, 'GET', '/v1/workspace')).status, 200);
    assert.ok(performance.now() - t0 >= 240);
    const t1 = performance.now();
    await api(ctx.sb, tok, 'GET', '/v1/contacts');
    assert.ok(performance.now() - t1 < 240, 'other routes unaffected');
    await clear();
  });

  test('5xx rate and status', async () => {
    await setFault('audit-events', { error_rate: 1 });
    const r = await api(ctx.sb, tok, 'GET', '/v1/audit-events');
    assert.equal(r.status, 503);
    assert.equal(r.body.error, 'temporarily_unavailable');
    await setFault('audit-events', { error_rate: 1, error_status: 502 });
    assert.equal((await api(ctx.sb, tok, 'GET', '/v1/audit-events/head')).status, 502);
    await setFault('audit-events', { error_rate: 0 });
    assert.equal((await api(ctx.sb, tok, 'GET', '/v1/audit-events')).status, 200);
    await clear();
  });

  test('connection reset', async () => {
    await setFault('contacts', { reset_rate: 1 });
    await assert.rejects(api(ctx.sb, tok, 'GET', '/v1/contacts'));
    await clear();
    assert.equal((await api(ctx.sb, tok, 'GET', '/v1/contacts')).status, 200);
  });

  test('429 burst with Retry-After', async () => {
    await setFault('*', { burst_429: 2, retry_after: 3 });
    for (let i = 0; i < 2; i++) {
      const r = await api(ctx.sb, tok, 'GET', '/v1/workspace');
      assert.equal(r.status, 429);
      assert.equal(r.headers.get('retry-after'), '3');
      assert.deepEqual(r.body, { error: 'rate_limited', error_description: 'too many requests (injected 429 burst)', retry_after: 3 });
    }
    assert.equal((await api(ctx.sb, tok, 'GET', '/v1/workspace')).status, 200);
    await setFault('workspace', { burst_429: 1, retry_after: 120, retry_after_date: 1 });
    const d = await api(ctx.sb, tok, 'GET', '/v1/workspace');
    const when = Date.parse(d.headers.get('retry-after')!);
    assert.ok(when - Date.now() > 100_000 && when - Date.now() <= 121_000, d.headers.get('retry-after')!);
    await clear();
  });

  test('malformed and truncated JSON', async () => {
    const good = await api(ctx.sb, tok, 'GET', '/v1/audit-events?limit=20');
    await setFault('audit-events', { malformed_rate: 1 });
    const m = await api(ctx.sb, tok, 'GET', '/v1/audit-events?limit=20');
    assert.equal(m.status, 200);
    assert.match(m.headers.get('content-type')!, /json/);
    assert.throws(() => JSON.parse(m.text));
    await setFault('audit-events', { truncated_rate: 1 });
    const t = await api(ctx.sb, tok, 'GET', '/v1/audit-events?limit=20');
    assert.equal(t.status, 200);
    assert.throws(() => JSON.parse(t.text));
    assert.equal(Number(t.headers.get('content-length')), Buffer.byteLength(t.text));
    assert.ok(good.text.startsWith(t.text.slice(0, 40)));
    await clear();
  });

  test('slow-drip body', async () => {
    await setFault('workspace', { drip_ms: 30, drip_bytes: 20 });
    const t0 = performance.now();
    const r = await api(ctx.sb, tok, 'GET', '/v1/workspace');
    const took = performance.now() - t0;
    assert.equal(r.status, 200);
    assert.equal(r.body.id, ws);
    const chunks = Math.ceil(Buffer.byteLength(r.text) / 20);
    assert.ok(took >= (chunks - 1) * 30 * 0.9, `took ${took} ms for ${chunks} chunks`);
    await clear();
  });

  test('tampered audit event at a given seq is served with its original hash', async () => {
    await setFault('audit-events', { tamper_workspace: ws, tamper_seq: 5 });
    const r = await api(ctx.sb, tok, 'GET', '/v1/audit-events?limit=10');
    const bad: number[] = [];
    for (const e of r.body.events) {
      const { prev_hash, hash, ...rest } = e;
      const canon = (v: any): string => v === null || typeof v !== 'object' ? JSON.stringify(v) : Array.isArray(v) ? `[${v.map(canon).join(',')}]` : `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canon(v[k])}`).join(',')}}`;
      if (createHash('sha256').update(prev_hash + canon(rest)).digest('hex') !== hash) bad.push(e.seq);
    }
    assert.deepEqual(bad, [5]);
    const other = (await admin(ctx.sb, 'POST', '/tokens', { workspace: ctx.sb.workspaces[1]!.id, scopes: ['audit:read'] })).body.token;
    const r2 = await api(ctx.sb, other, 'GET', '/v1/audit-events?limit=10');
    assert.notEqual(r2.body.events[4].caller_ip, '192.0.2.66', 'other workspaces unaffected');
    await clear();
    const r3 = await api(ctx.sb, tok, 'GET', '/v1/audit-events?limit=10');
    assert.notEqual(r3.body.events[4].caller_ip, r.body.events[4].caller_ip);
  });

  test('audit page anomalies: gap, overlap, reorder', async () => {
    const seqs = async () => (await api(ctx.sb, tok, 'GET', '/v1/audit-events?after_seq=5&limit=6')).body.events.map((e: any) => e.seq);
    await setFault('audit-events', { gap_rate: 1 });
    assert.deepEqual(await seqs(), [6, 7, 8, 10, 11]);
    await setFault('audit-events', { overlap_rate: 1 });
    assert.deepEqual(await seqs(), [5, 6, 7, 8, 9, 10]);
    await setFault('audit-events', { reorder_rate: 1 });
    const r = await api(ctx.sb, tok, 'GET', '/v1/audit-events?after_seq=5&limit=6');
    assert.deepEqual(r.body.events.map((e: any) => e.seq), [6, 7, 9, 8, 10, 11]);
    assert.equal(r.body.next_after_seq, 11);
    await clear();
    assert.deepEqual(await seqs(), [6, 7, 8, 9, 10, 11]);
  });

  test('hostile JSON keys and gzip bomb', async () => {
    await setFault('workspace', { hostile_json_rate: 1 });
    const r = await api(ctx.sb, tok, 'GET', '/v1/workspace');
    assert.match(r.text, /^\{"__proto__":\{"polluted":true\}/);
    assert.equal(JSON.parse(r.text).id, ws);
    assert.equal(({} as any).polluted, undefined);
    await setFault('workspace', { gzip_bomb_rate: 1 });
    const raw = await new Promise<{ wire: number; enc: string | undefined }>((resolve, reject) => {
      import('node:http').then(({ get }) => get(`${ctx.sb.issuer}/v1/workspace`, { headers: { authorization: `Bearer ${tok}` } }, (res) => {
        let wire = 0; res.on('data', (d: Buffer) => { wire += d.length; }); res.on('end', () => resolve({ wire, enc: res.headers['content-encoding'] }));
      }).on('error', reject));
    });
    assert.equal(raw.enc, 'gzip');
    assert.ok(raw.wire < 64 * 1024, `wire ${raw.wire}`);
    const { gunzipSync } = await import('node:zlib');
    const r2 = await fetch(`${ctx.sb.issuer}/v1/workspace`, { headers: { authorization: `Bearer ${tok}` } });
    const inflated = Buffer.from(await r2.arrayBuffer());
    assert.equal(inflated.length, 20 * 1024 * 1024);
    void gunzipSync;
    await clear();
  });

  test('token endpoint faults hit the OAuth client', async () => {
    await setFault('token', { reset_rate: 1 });
    const client = { client_id: 'grantdesk-desktop' };
    await assert.rejects(oauth.refreshTokenGrantRequest(ctx.as, client, oauth.None(), 'x', insecure));
    await setFault('token', { error_rate: 1 });
    const r = await oauth.refreshTokenGrantRequest(ctx.as, client, oauth.None(), 'x', insecure);
    assert.equal(r.status, 503);
    await clear();
  });

  test('CLI spec form', async () => {
    assert.deepEqual(parseFaultSpec('audit-events:5xx=0.3,latency=200,gap=0.1;token:reset=0.1;audit-events:tamper=ws_a@17;*:429=2,retry-after=5'), {
      'audit-events': { error_rate: 0.3, latency_ms: 200, gap_rate: 0.1, tamper: [{ workspace: 'ws_a', seq: 17 }] },
      token: { reset_rate: 0.1 },
      '*': { burst_429: 2, retry_after: 5 },
    });
    assert.throws(() => parseFaultSpec('audit-events:bogus=1'));
    const s = await boot({ workspaces: 1, events: 5, faults: 'workspace:5xx=1,status=500' });
    try {
      const t = (await admin(s.sb, 'POST', '/tokens', { workspace: s.sb.workspaces[0]!.id, scopes: [] })).body.token;
      assert.equal((await api(s.sb, t, 'GET', '/v1/workspace')).status, 500);
      assert.equal((await admin(s.sb, 'GET', '/faults')).body.faults.workspace.error_rate, 1);
    } finally { await s.sb.close(); }
  });

  test('admin API needs its token and is absent without --admin', async () => {
    assert.equal((await fetch(`${ctx.sb.issuer}/__admin/state`)).status, 401);
    assert.equal((await fetch(`${ctx.sb.issuer}/__admin/state`, { headers: { authorization: 'Bearer nope' } })).status, 401);
    const s = await boot({ workspaces: 1, events: 5, admin: false });
    try {
      assert.equal(s.sb.adminToken, undefined);
      assert.equal((await fetch(`${s.sb.issuer}/__admin/state`)).status, 404);
      // without --admin the caller-IP override header is ignored
      assert.equal((await fetch(`${s.sb.issuer}/v1/workspace`, { headers: { 'x-sandbox-caller-ip': '10.0.0.1' } })).status, 401);
    } finally { await s.sb.close(); }
  });
});
