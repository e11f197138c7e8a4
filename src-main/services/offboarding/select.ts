// Which credentials and grants one offboarding covers, from the read models only (the inventory's cached credentials,
// Grantdesk's own grants with who connected them): by OAuth client id (exact), by API key / machine-client name pattern
// (case-insensitive; a glob with * and ? over the whole name, else a substring), or by staff member (the email or name
// recorded as "connected by"). The platform records no creator on a credential, so a staff member's offboarding covers
// Grantdesk's grants that person connected, and nothing a platform credential could tell apart.
import { DEFAULT_CLIENT_ID, type Input, type OffboardPreview } from '../../../src-common/contract/index.ts';
import { AppError } from '../../rpc/app-error.ts';
import type { OwnGrant } from '../connections/index.ts';
import type { InventoryCredential } from '../inventory/index.ts';
import type { SelectorKind } from './batch-log.ts';

export type Selector = { kind: SelectorKind; value: string; description: string };

export interface CredentialPick {
  kind: 'credential';
  workspaceId: string;
  workspaceName: string;
  credential: InventoryCredential;
}
export interface GrantPick {
  kind: 'grant';
  workspaceId: string;
  workspaceName: string;
  grant: OwnGrant;
  /** Grantdesk's active grant in the cached inventory of that workspace (its audit trail), when synced */
  credential: InventoryCredential | null;
}
export interface Skip {
  workspaceId: string;
  workspaceName: string;
  credentialId: string;
  credentialName: string;
  reason: string;
}
export interface Selection {
  selector: Selector;
  picks: Array<CredentialPick | GrantPick>;
  skipped: Skip[];
}

export interface SelectDeps {
  credentials: () => InventoryCredential[];
  ownGrants: () => OwnGrant[];
  /** the OAuth client Grantdesk itself uses in a workspace (null: not known) */
  ownClientId: (workspaceId: string) => string | null;
}

type SelectorInput = Pick<Input<'offboard.preview'>, 'clientId' | 'match' | 'staff'>;

/** A name pattern as a case-insensitive test: `*` any run, `?` one character (a glob over the whole name); else a substring. */
export function namePattern(pattern: string): (name: string) => boolean {
  const p = pattern.trim().toLowerCase();
  if (!/[*?]/.test(p)) return (name) => name.toLowerCase().includes(p);
  const re = new RegExp(`^${p.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 's');
  return (name) => re.test(name.toLowerCase());
}

const INACTIVE: Record<string, string> = { revoked: 'Already revoked', disabled: 'Already disabled', expired: 'Expired already; it no longer works' };

export function selectorOf(input: SelectorInput): Selector {
  if (input.clientId !== undefined) return { kind: 'client_id', value: input.clientId.trim(), description: `OAuth client ${input.clientId.trim()}` };
  if (input.match !== undefined) {
    const v = input.match.trim();
    return { kind: 'match', value: v, description: /[*?]/.test(v) ? `API keys and machine clients named like "${v}"` : `API keys and machine clients whose name contains "${v}"` };
  }
  const v = input.staff!.trim();
  return { kind: 'staff', value: v, description: `Staff member ${v}` };
}

export function select(d: SelectDeps, input: SelectorInput): Selection {
  const selector = selectorOf(input);
  const grants = d.ownGrants();
  const names = new Map(grants.map((g) => [g.workspaceId, g.workspaceName]));
  const creds = d.credentials();
  const wsName = (c: InventoryCredential) => names.get(c.workspaceId) ?? c.workspaceName ?? c.workspaceId;
  const picks: Selection['picks'] = [];
  const skipped: Skip[] = [];
  const take = (c: InventoryCredential) => {
    const reason = INACTIVE[c.status] ?? (c.type === 'service_token' ? 'Service tokens cannot be revoked on this platform; they expire on their own' : null);
    if (reason) skipped.push({ workspaceId: c.workspaceId, workspaceName: wsName(c), credentialId: c.id, credentialName: c.name, reason });
    else picks.push({ kind: 'credential', workspaceId: c.workspaceId, workspaceName: wsName(c), credential: c });
  };

  if (selector.kind === 'client_id') {
    const own = new Set([DEFAULT_CLIENT_ID, ...grants.map((g) => d.ownClientId(g.workspaceId)).filter((x): x is string => x !== null)]);
    if (own.has(selector.value)) {
      throw new AppError('invalid_input', `clientId: ${selector.value} is Grantdesk's own OAuth client; to end Grantdesk's grants, offboard the staff member who connected them (--staff EMAIL) or disconnect the workspaces`);
    }
    for (const c of creds) if ((c.type === 'app' || c.type === 'machine_client') && c.clientId === selector.value) take(c);
  } else if (selector.kind === 'match') {
    const test = namePattern(selector.value);
    for (const c of creds) if ((c.type === 'api_key' || c.type === 'machine_client') && test(c.name)) take(c);
  } else {
    const who = selector.value.toLowerCase();
    for (const g of grants) {
      const by = g.connectedBy;
      if (!by || (by.email?.toLowerCase() !== who && by.name?.toLowerCase() !== who)) continue;
      if (g.status === 'disconnected') {
        skipped.push({ workspaceId: g.workspaceId, workspaceName: g.workspaceName, credentialId: g.workspaceId, credentialName: "Grantdesk's grant", reason: 'Already disconnected' });
        continue;
      }
      const ownClient = d.ownClientId(g.workspaceId) ?? DEFAULT_CLIENT_ID;
      // the newest active app entry of Grantdesk's client there: the grant as the platform (and its audit log) names it
      const mine = creds
        .filter((c) => c.workspaceId === g.workspaceId && c.type === 'app' && c.clientId === ownClient && c.status === 'active')
        .sort((a, b) => (b.createdAt ?? '').localeCompare(a.createdAt ?? ''))[0];
      picks.push({ kind: 'grant', workspaceId: g.workspaceId, workspaceName: g.workspaceName, grant: g, credential: mine ?? null });
    }
  }
  const byName = (a: { workspaceName: string; workspaceId: string }, b: { workspaceName: string; workspaceId: string }) =>
    a.workspaceName.localeCompare(b.workspaceName) || a.workspaceId.localeCompare(b.workspaceId);
  picks.sort(byName);
  skipped.sort(byName);
  return { selector, picks, skipped };
}

/** Exactly what an offboarding of this kind covers, in words (the preview and docs/offboarding.md say the same). */
export function coversSentence(kind: SelectorKind): string {
  if (kind === 'staff') {
    return "Covers Grantdesk's own grants this person connected (recorded from the platform's ID token, or from Settings): each is revoked at the platform (RFC 7009) and removed from this machine's keychain, so those workspaces are disconnected. The platform records no creator on API keys, apps or machine clients, so credentials this person created are not found by it; offboard them by client id or name pattern.";
  }
  if (kind === 'client_id') return 'Covers every installed app with this OAuth client id (its grant is revoked) and every machine client with this client id (disabled), in every synced workspace. Nothing else is touched.';
  return 'Covers every API key (revoked) and machine client (disabled) whose name matches, case-insensitively, in every synced workspace. Nothing else is touched.';
}

export type PreviewShell = Pick<OffboardPreview, 'selector' | 'covers'>;
