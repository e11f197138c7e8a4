// A rotated key whose expiry comes before its grace end stops working at the expiry: the status badge
// ("In grace, ends in …") and the calendar must not promise the later grace end.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lifecycleOf } from '../../../src-main/services/inventory/matrix.ts';

test('in grace: the badge ends at the earlier of the grace end and the key expiry', () => {
  const now = Date.parse('2026-12-02T01:20:00Z');
  const earlyExpiry = lifecycleOf({ status: 'rotating', expiresAt: '2026-12-05T00:00:00Z', graceEndsAt: '2026-12-09T01:18:00Z' }, now);
  assert.deepEqual(earlyExpiry, { state: 'in_grace', at: '2026-12-05T00:00:00Z' });
  const lateExpiry = lifecycleOf({ status: 'rotating', expiresAt: '2027-01-05T00:00:00Z', graceEndsAt: '2026-12-09T01:18:00Z' }, now);
  assert.deepEqual(lateExpiry, { state: 'in_grace', at: '2026-12-09T01:18:00Z' });
  const noExpiry = lifecycleOf({ status: 'rotating', expiresAt: null, graceEndsAt: '2026-12-09T01:18:00Z' }, now);
  assert.deepEqual(noExpiry, { state: 'in_grace', at: '2026-12-09T01:18:00Z' });
});
