// The audit store applies every filter the same way: a value main refuses (a CIDR it cannot read) is NOT applied, the
// filters in force stay as they were and the refusal is kept as a sentence for its field; clearing the field removes the
// filter. The route helpers round-trip with the CLI's flag names, own sync calls hidden by default.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AuditFilter, AuditSummary } from '../../../src-common/contract/index.ts';
import { createAuditStore, selectAuditFieldError, selectAuditFilters } from '../../../src-renderer/src/stores/audit-store.ts';
import { auditHref, filtersFromQuery, sameFilters } from '../../../src-renderer/src/screens/audit/audit-route.ts';
import { filterWords } from '../../../src-renderer/src/screens/audit/filter-words.ts';
import { deferred, fail, fakeApi, ok } from './fake-api.ts';
import { createExportsStore, selectVerifying } from '../../../src-renderer/src/stores/exports-store.ts';

const summary = (count: number): AuditSummary => ({ count, ownCalls: 0, byCredential: [], credentialsTotal: 0, byCallerIp: [], ipsTotal: 0, cache: { syncedWorkspaces: 1, lastSyncAt: null }, namedCredentials: 0 });
const ipOk = (ip: string | undefined) => ip === undefined || /^\d+\.\d+\.\d+\.\d+(\/([0-9]|[12][0-9]|3[0-2]))?$/.test(ip);

describe('audit store', () => {
  it('a rejected caller IP is not applied and says why; clearing the field removes the filter', async () => {
    const seen: AuditFilter[] = [];
    const reject = () => fail('invalid_input', 'Caller IP: "10.0.0.0/99" is neither an IP address nor a CIDR block (for example 203.0.113.7 or 10.0.0.0/8); nothing was filtered by it.');
    const f = fakeApi({
      auditSummary: (i) => (seen.push(i), ipOk(i.ip) ? ok(summary(i.ip ? 5 : 50)) : reject()),
      auditQuery: (i) => (ipOk(i.ip) ? ok({ rows: [], nextCursor: null }) : reject()),
      auditTimeline: (i) => (ipOk(i.ip) ? ok({ fromMs: 0, toMs: 1, bucketMs: 1, counts: [], total: 0 }) : reject()),
    });
    const store = createAuditStore(f.api);
    assert.equal(await store.getState().setFilter('endpoint', '/v1/contacts/export'), true);
    assert.equal(await store.getState().setFilter('ip', '10.0.0.0/99'), false);
    const s = store.getState();
    assert.deepEqual(selectAuditFilters(s), { ownTraffic: 'exclude', endpoint: '/v1/contacts/export' }, 'the refused IP is not in force');
    assert.equal(s.summary!.count, 50, 'the count is still the one for the filters in force');
    assert.equal(selectAuditFieldError(s)!.field, 'ip');
    assert.match(selectAuditFieldError(s)!.message, /neither an IP address nor a CIDR block/);
    assert.equal(s.error, null, 'a field refusal is not a page-level error');
    assert.equal(await store.getState().setFilter('ip', ''), true);
    assert.equal(selectAuditFilters(store.getState()).ip, undefined);
    assert.equal(selectAuditFieldError(store.getState()), null);
    assert.equal(await store.getState().setFilter('ip', '10.0.0.0/8'), true);
    assert.equal(selectAuditFilters(store.getState()).ip, '10.0.0.0/8');
    assert.equal(store.getState().summary!.count, 5);
    assert.ok(seen.every((i) => i.ownTraffic === 'exclude'), "Grantdesk's own calls hidden by default");
  });

  it('route: CLI flag names, own calls hidden unless included, round trip', () => {
    const href = auditHref({ endpoint: '/v1/contacts/export', from: '2026-02-01', to: '2026-03-01', workspaces: ['ws_a', 'ws_b'], credentialType: 'api_key', statusClass: ['4xx', '5xx'], pii: true, ownTraffic: 'exclude' });
    assert.equal(href, '#/audit?endpoint=/v1/contacts/export&from=2026-02-01&to=2026-03-01&workspaces=ws_a,ws_b&credential-type=api_key&status-class=4xx,5xx&pii=true');
    const back = filtersFromQuery(href.slice(href.indexOf('?') + 1));
    assert.equal(back.ownTraffic, 'exclude');
    assert.ok(sameFilters(back, { endpoint: '/v1/contacts/export', from: '2026-02-01', to: '2026-03-01', workspaces: ['ws_b', 'ws_a'], credentialType: 'api_key', statusClass: ['5xx', '4xx'], pii: true }));
    assert.equal(filtersFromQuery('own-traffic=include&q=a%2Bb').q, 'a+b');
    assert.equal(auditHref({ ownTraffic: 'include', ip: '10.0.0.0/8' }), '#/audit?ip=10.0.0.0/8&own-traffic=include');
  });

  it('filters in words, names first', () => {
    const names = { workspace: (id: string) => ({ ws_a: 'Acme Dental', ws_b: 'Globex', ws_c: 'Initech' })[id] ?? null, credential: (id: string) => (id === 'key_1' ? 'nightly ETL' : null) };
    const words = filterWords({ endpoint: '/v1/contacts/export', from: '2026-02-01', to: '2026-03-01', workspaces: ['ws_a', 'ws_b', 'ws_c'] }, names);
    // the locale decides the date order (en-GB: 1 Feb – 1 Mar 2026; en-US: Feb 1 – Mar 1, 2026)
    assert.match(words, /^Endpoint \/v1\/contacts\/export · (1 Feb – 1 Mar 2026|Feb 1 – Mar 1, 2026) · 3 workspaces$/);
    assert.equal(filterWords({ credential: 'key_1', workspaces: ['ws_a'] }, names), 'Workspace Acme Dental · Credential nightly ETL');
    assert.equal(filterWords({}, names), 'Everything cached');
    assert.doesNotMatch(filterWords({ from: '2026-02-01T10:00:00.000Z' }, names), /\.000Z|T10/);
  });
});

describe('exports store: verify', () => {
  it('Verify is busy while it runs (a second click does nothing), then the history reloads with the verdict', async () => {
    const gate = deferred<void>();
    const f = fakeApi({
      auditVerify: async () => (await gate.promise, ok({ ok: true, manifestPath: 'm', exportId: 'e1', checks: [] })),
      auditExports: () => ok({ exports: [] }),
    });
    const store = createExportsStore(f.api, () => 't');
    const run = store.getState().verify('e1');
    assert.deepEqual(selectVerifying(store.getState()), { e1: true });
    await store.getState().verify('e1');
    gate.resolve();
    await run;
    assert.deepEqual(selectVerifying(store.getState()), {});
    f.assertCalls(['auditVerify', 'auditExports']);
  });
});
