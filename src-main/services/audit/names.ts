// Names for the ids in audit events, and which credentials are Grantdesk's own grants. The audit domain does not read
// other domains' tables: composition.ts builds this port from the connections directory (workspace names, Grantdesk's
// own OAuth client per workspace) and the inventory read model (credential names and client ids).

export interface AuditNameSource {
  /** workspace id -> name, from the connections directory (every status) */
  workspaceNames(): ReadonlyMap<string, string>;
  /** every credential the inventory cache holds, with its client id (OAuth grants) and its workspace's last synced name */
  credentials(): readonly { workspaceId: string; id: string; name: string; type: string; clientId: string | null; workspaceName: string | null }[];
  /** the OAuth client id Grantdesk itself uses for this workspace's platform (connections); null when unknown */
  ownClientId(workspaceId: string): string | null;
}

export interface AuditNames {
  workspace(id: string): string | null;
  credential(workspaceId: string, credentialId: string | null): string | null;
  /** credential ids of Grantdesk's own grants (a grant of Grantdesk's own client in its workspace) */
  own: ReadonlySet<string>;
  isOwn(credentialId: string | null): boolean;
  /** how many credentials have a known name (0: the inventory was never synced) */
  namedCredentials: number;
}

export const NO_NAMES: AuditNameSource = { workspaceNames: () => new Map(), credentials: () => [], ownClientId: () => null };

export function resolveNames(src: AuditNameSource): AuditNames {
  const ws = new Map(src.workspaceNames());
  const creds = new Map<string, string>();
  const own = new Set<string>();
  const clientOf = new Map<string, string | null>();
  for (const c of src.credentials()) {
    creds.set(`${c.workspaceId}\u0000${c.id}`, c.name);
    if (c.workspaceName && !ws.has(c.workspaceId)) ws.set(c.workspaceId, c.workspaceName);
    if (!clientOf.has(c.workspaceId)) clientOf.set(c.workspaceId, src.ownClientId(c.workspaceId));
    const mine = clientOf.get(c.workspaceId);
    if (c.clientId !== null && mine && c.clientId === mine) own.add(c.id);
  }
  return {
    workspace: (id) => ws.get(id) ?? null,
    credential: (w, c) => (c === null ? null : (creds.get(`${w}\u0000${c}`) ?? null)),
    own,
    isOwn: (c) => c !== null && own.has(c),
    namedCredentials: creds.size,
  };
}
