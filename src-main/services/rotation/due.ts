// `grantdesk rotate --due`: every API key and machine-client secret past its age (--max-age, default 90 days) or expiring
// soon (--expiring-within, default 14 days), rotated headless with each new secret delivered to a secrets manager. What
// is due is read live from the platform (not the cache): a key rotated by someone else since the last sync is not due
// any more, and a run repeated after a crash finds the already-rotated keys fresh — nothing is rotated twice.
import type { Input, Output } from '../../../src-common/contract/index.ts';
import type { DueRow } from '../../../src-common/contract/rotation-due.ts';
import type { Capabilities } from '../../rpc/handlers.ts';
import { AppError } from '../../rpc/app-error.ts';
import type { RotationDeps } from './deps.ts';

const DAY = 86_400_000;

interface Rotators {
  rotateKey(input: { workspace: string; keyId: string; grace?: number; deliverTo?: string; deliverCmd?: string }, caps: Capabilities): Promise<{ wizard: { newKeyId: string | null }; deliveryFailed?: { message: string } }>;
  rotateClient(input: { workspace: string; clientId: string; grace?: number; deliverTo?: string; deliverCmd?: string }, caps: Capabilities): Promise<{ deliveryFailed?: { message: string } }>;
}

export function createDueRotation(deps: RotationDeps, r: Rotators) {
  return async function due(i: Input<'rotation.due'>, caps: Capabilities): Promise<Output<'rotation.due'>> {
    if (!i.dryRun && i.deliverTo === undefined && i.deliverCmd === undefined)
      throw new AppError('invalid_input', 'A scheduled rotation never prints secrets: pass --deliver-to NAME or --deliver-cmd CMD (or --dry-run to list what is due).');
    const maxAgeDays = Number((i.maxAge ?? '90d').slice(0, -1));
    const expiringWithinDays = Number((i.expiringWithin ?? '14d').slice(0, -1));
    const now = deps.clock.now();
    const wanted = i.workspaces ? new Set(i.workspaces) : null;
    const workspaces = deps.workspaces.list().filter((w) => w.status === 'connected' && (!wanted || wanted.has(w.id)));
    if (wanted) for (const id of wanted) if (!workspaces.some((w) => w.id === id)) throw new AppError('not_found', `No connected workspace ${id}; grantdesk workspaces lists them.`);
    const rows: DueRow[] = [];
    /** an expiring key's lifetime (created → expires), days: the new key gets the same */
    const lifetimeDays = new Map<string, number>();
    const unreadable: Output<'rotation.due'>['unreadable'] = [];
    for (const ws of workspaces) {
      try {
        const [keys, clients] = await Promise.all([deps.platform.apiKeys.list(ws.id), deps.platform.machineClients.list(ws.id)]);
        for (const k of keys.data) {
          if (k.status !== 'active' || !k.created_at) continue;
          const ageDays = Math.floor((now - Date.parse(k.created_at)) / DAY);
          const exp = k.expires_at ? Date.parse(k.expires_at) : null;
          const expiring = exp !== null && exp > now && exp - now <= expiringWithinDays * DAY;
          if (exp !== null) lifetimeDays.set(k.id, Math.min(3650, Math.max(1, Math.round((exp - Date.parse(k.created_at)) / DAY))));
          if (ageDays > maxAgeDays || expiring)
            rows.push({ workspaceId: ws.id, workspaceName: ws.name, credentialId: k.id, credentialName: k.name, type: 'api_key', reason: ageDays > maxAgeDays ? 'age' : 'expiry', ageDays, expiresAt: k.expires_at, outcome: 'planned', newCredentialId: null, message: null });
        }
        for (const m of clients.data) {
          const born = m.secret_created_at ?? m.created_at;
          if (m.status !== 'active' || !born || m.grace_ends_at) continue; // a client already in a grace period was just rotated
          const ageDays = Math.floor((now - Date.parse(born)) / DAY);
          if (ageDays > maxAgeDays) rows.push({ workspaceId: ws.id, workspaceName: ws.name, credentialId: m.id, credentialName: m.name, type: 'machine_client', reason: 'age', ageDays, expiresAt: null, outcome: 'planned', newCredentialId: null, message: null });
        }
      } catch (e) {
        unreadable.push({ workspaceId: ws.id, workspaceName: ws.name, message: e instanceof AppError ? e.message : 'The credential lists could not be read.' });
      }
    }
    if (!i.dryRun) {
      // one at a time: each rotation may need an MFA step-up, and a delivery command should not run in parallel with itself
      for (const row of rows) {
        const delivery = { deliverTo: i.deliverTo, deliverCmd: i.deliverCmd };
        try {
          if (row.type === 'api_key') {
            const out = await r.rotateKey({ workspace: row.workspaceId, keyId: row.credentialId, grace: i.grace ?? 7, ...delivery }, caps);
            row.newCredentialId = out.wizard.newKeyId;
            row.outcome = out.deliveryFailed ? 'failed' : 'rotated';
            // the platform copies the old key's expiry onto the new key: give it a fresh lifetime of the same length, or
            // an expiring key rotated today would still expire next week (and be due again tomorrow)
            if (row.expiresAt && row.newCredentialId && lifetimeDays.has(row.credentialId)) {
              try {
                await deps.platform.apiKeys.patch(row.workspaceId, row.newCredentialId, { expires_in_days: lifetimeDays.get(row.credentialId)! });
              } catch (e) {
                row.outcome = 'failed';
                row.message = `Rotated, but the new key keeps the old expiry (${row.expiresAt.slice(0, 10)}): ${e instanceof AppError ? e.message : 'the expiry could not be set'} Set it with grantdesk keys edit ${row.workspaceId} ${row.newCredentialId} --expires-in-days ${lifetimeDays.get(row.credentialId)}.`;
              }
            }
            row.message = out.deliveryFailed ? `Rotated, but delivery failed: ${out.deliveryFailed.message} Run grantdesk rotate ${row.workspaceId} ${row.credentialId} again to re-issue it.` : null;
          } else {
            const out = await r.rotateClient({ workspace: row.workspaceId, clientId: row.credentialId, grace: i.grace ?? 7, ...delivery }, caps);
            row.newCredentialId = row.credentialId;
            row.outcome = out.deliveryFailed ? 'failed' : 'rotated';
            row.message = out.deliveryFailed ? `Rotated, but delivery failed: ${out.deliveryFailed.message} Use grantdesk delivery to retry while Grantdesk still holds it.` : null;
          }
        } catch (e) {
          row.outcome = 'failed';
          row.message = e instanceof AppError ? e.message : 'The rotation failed; nothing was delivered.';
        }
      }
    }
    const rotated = rows.filter((x) => x.outcome === 'rotated').length;
    const failed = rows.filter((x) => x.outcome === 'failed').length;
    const exitCode = failed || unreadable.length ? 1 : rows.length === 0 ? 3 : 0;
    return { rows, rotated, failed, unreadable, maxAgeDays, expiringWithinDays, exitCode };
  };
}
