// Scope catalogue of the sandbox platform: resource:action, read/write/delete per resource, no wildcards.
export interface ScopeDef { name: string; resource: string; action: 'read' | 'write' | 'delete'; description: string }

const RESOURCES: Array<[string, string]> = [
  ['contacts', 'contacts (people records, contain PII)'],
  ['companies', 'company records'],
  ['deals', 'sales deals and pipelines'],
  ['tickets', 'support tickets'],
  ['invoices', 'invoices and billing documents'],
  ['products', 'product catalogue'],
  ['webhooks', 'webhook subscriptions'],
  ['files', 'uploaded files and attachments'],
  ['users', 'workspace members and their roles'],
  ['credentials', 'API keys, OAuth apps, machine clients, service tokens and scope bundles'],
];

const ACTION_TEXT = { read: 'Read', write: 'Create and update', delete: 'Delete' } as const;

export const SCOPES: ScopeDef[] = [];
for (const [resource, text] of RESOURCES) {
  for (const action of ['read', 'write', 'delete'] as const) {
    SCOPES.push({ name: `${resource}:${action}`, resource, action, description: `${ACTION_TEXT[action]} ${text}` });
  }
}
SCOPES.push({ name: 'audit:read', resource: 'audit', action: 'read', description: 'Read the tamper-evident audit log' });

export const SCOPE_NAMES = new Set(SCOPES.map((s) => s.name));

/** Scopes the Grantdesk desktop app may request (plus offline_access / openid). */
export const MANAGEMENT_SCOPES = ['credentials:read', 'credentials:write', 'credentials:delete', 'audit:read', 'users:read'];
