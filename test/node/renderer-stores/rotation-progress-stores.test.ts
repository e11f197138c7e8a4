// Renderer stores of issue 13 item 7/9, over a fake api: the wizard's Refresh syncs the workspace's audit log BEFORE it
// re-reads the traffic; a finished background task queues exactly one toast with a link to its result; insights read the
// report in pages (the first one small) and append the rest.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fakeApi, ok } from './fake-api.ts';
import { createWizardStore } from '../../../src-renderer/src/stores/wizard-store.ts';
import { createTasksStore, selectToasts } from '../../../src-renderer/src/stores/tasks-store.ts';
import { createInsightsStore, INSIGHTS_FIRST_PAGE } from '../../../src-renderer/src/stores/insights-store.ts';

const wizard = { id: 'wz1', workspaceId: 'ws_1', workspaceName: 'Acme', step: 'grace', rotatedAt: '2026-01-01T00:00:00Z' };

describe('rotation and progress stores', () => {
  it('wizard Refresh: audit.sync of the wizard workspace first, then rotation.status', async () => {
    const f = fakeApi({
      rotationStatus: () => ok({ wizards: [wizard], traffic: { quiet: false, buckets: [] } } as never),
      auditSync: () => ok({ results: [{ workspaceId: 'ws_1', outcome: 'ok', inserted: 3, cursorSeq: 9, remoteHeadSeq: 9, message: null, retryAt: null }] } as never),
    });
    const store = createWizardStore(f.api);
    await store.getState().open({ wizardId: 'wz1' });
    await store.getState().refresh();
    f.assertCalls(['rotationStatus', 'rotationStatus', 'auditSync', 'rotationStatus']);
    assert.deepEqual(f.calls[2], ['auditSync', { workspaces: ['ws_1'] }]);
    assert.equal(store.getState().syncing, false);
    assert.equal(store.getState().error, null);
  });

  it('a finished task queues one toast (not one per repeated event) with a link to its result; running events queue none', () => {
    const f = fakeApi({});
    const store = createTasksStore(f.api);
    const off = store.getState().connect();
    const base = { taskId: 't1', kind: 'audit.sync', label: 'Syncing audit events of 3 workspaces', total: 10, ratePerSecond: null, etaSeconds: null, message: null };
    f.emit('task.progress', { ...base, done: 4, state: 'running' });
    assert.equal(selectToasts(store.getState()).length, 0);
    f.emit('task.progress', { ...base, done: 10, state: 'done' });
    f.emit('task.progress', { ...base, done: 10, state: 'done' });
    const toasts = selectToasts(store.getState());
    assert.equal(toasts.length, 1);
    assert.equal(toasts[0]!.title, 'Syncing audit events of 3 workspaces finished');
    assert.deepEqual(toasts[0]!.link, { href: '#/audit', text: 'Open the audit explorer' });
    f.emit('task.progress', { ...base, taskId: 't2', kind: 'audit.export', label: 'Exporting audit events to a.csv', done: 2, state: 'failed', message: 'The disk is full.' });
    assert.equal(selectToasts(store.getState())[1]!.tone, 'danger');
    assert.equal(selectToasts(store.getState())[1]!.link!.href, '#/exports');
    store.getState().dismissToast(toasts[0]!.id);
    assert.equal(selectToasts(store.getState()).length, 1);
    off();
  });

  it('insights: the first page is small and shown at once, later pages are appended', async () => {
    const page = (offset: number, next: number | null, ids: string[]) => ({ generatedAt: 'x', windowDays: 90, coverage: { from: null, to: null, days: 0, warning: null }, items: ids.map((id) => ({ id })), drafts: [], page: { offset, nextOffset: next, credentials: 500 } });
    const seen: unknown[] = [];
    const f = fakeApi({
      insightsList: (i) => {
        seen.push(i);
        return ok((i.offset === 0 ? page(0, 100, ['a', 'b']) : page(100, null, ['c'])) as never);
      },
    });
    const store = createInsightsStore(f.api);
    const states: Array<number> = [];
    store.subscribe((s) => s.report && states.push(s.report.items.length));
    await store.getState().load();
    assert.deepEqual(seen, [{ windowDays: 90, offset: 0, limit: INSIGHTS_FIRST_PAGE }, { windowDays: 90, offset: 100, limit: 400 }]);
    assert.equal(states[0], 2, 'the first page reached the screen before the rest was read');
    assert.deepEqual(store.getState().report!.items.map((i) => i.id), ['a', 'b', 'c']);
    assert.equal(store.getState().reading, null);
    assert.equal(store.getState().loading, false);
  });
});
