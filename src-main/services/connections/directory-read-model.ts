// The connections domain's read model for other domains: where a workspace's platform lives (rotation's direct calls with
// a new key or client secret, review redemption), the scopes and lifetime of Grantdesk's own grant per workspace (rotation's
// clients screen and expiry calendar). Reads through the connections repository: the connections tables are read and
// written only inside services/connections. Metadata only; no token is ever in these rows.
import { z } from 'zod';
import type { Db } from '../../ports/db.ts';
import { AppError } from '../../rpc/app-error.ts';
import { apiBaseOf, authServer, checkPlatformUrl } from './oauth.ts';
import { connectedByOf, createConnectionsRepo, type ConnectedBy } from './repo.ts';

/** Where a workspace's platform lives: for calls made with a credential other than the workspace's own grant. */
export interface PlatformEndpoints {
  /** API base, e.g. `https://platform.example` (paths like /v1/workspace are appended) */
  apiBase: string;
  /** the OAuth token endpoint (client_credentials for machine clients) */
  tokenEndpoint: string;
}

/** A workspace's platform as stored at connect time. */
export interface WorkspacePlatform {
  workspaceName: string;
  issuer: string;
  apiBase: string;
  clientId: string;
  /** the discovery document as stored (JSON) */
  metadata: string;
}

/** Grantdesk's own grant into one workspace. */
export interface OwnGrant {
  workspaceId: string;
  workspaceName: string;
  status: 'connected' | 'needs_reconsent' | 'disconnected';
  /** consent time (ms); null when unknown */
  connectedAtMs: number | null;
  scopes: string[];
  /** the agency staff member who connected it (ID token or Settings); null when not known */
  connectedBy: ConnectedBy | null;
}

function scopesOf(raw: string): string[] {
  const t = raw.trim();
  try {
    const list = t.startsWith('[') ? (z.array(z.string()).safeParse(JSON.parse(t)).data ?? []) : t.split(/\s+/).filter(Boolean);
    return [...new Set(list)].sort();
  } catch {
    return [];
  }
}

export function createDirectoryReadModel(db: Db) {
  const repo = createConnectionsRepo(db);
  const toGrant = (w: NonNullable<ReturnType<typeof repo.getWorkspace>>): OwnGrant => ({
    workspaceId: w.id,
    workspaceName: w.name,
    status: w.status,
    connectedAtMs: w.connected_at,
    scopes: scopesOf(w.scopes),
    connectedBy: connectedByOf(w),
  });
  function platformOf(workspaceId: string): WorkspacePlatform | null {
    const w = repo.getWorkspace(workspaceId);
    const p = w ? repo.findPlatform(w.platform_id) : null;
    if (!w || !p || p.id !== w.platform_id) return null;
    return { workspaceName: w.name, issuer: p.issuer, apiBase: p.api_base, clientId: p.client_id, metadata: p.metadata };
  }
  return {
    platformOf,
    /** API base and token endpoint of a workspace's platform; not_found when no platform is known for it. */
    async platformEndpoints(workspaceId: string): Promise<PlatformEndpoints> {
      const w = repo.getWorkspace(workspaceId);
      const p = w ? repo.findPlatform(w.platform_id) : null;
      if (!w || !p || p.id !== w.platform_id) throw new AppError('not_found', `No platform known for workspace ${workspaceId}`);
      // the stored row passes the same URL policy as at connect time (rows stored by older versions were never checked):
      // a new key or client secret is only ever sent to the platform itself
      const as = authServer(p);
      const tokenEndpoint = checkPlatformUrl(as.token_endpoint ?? `${p.issuer.replace(/\/$/, '')}/token`, 'token_endpoint', p.issuer).href;
      return { apiBase: apiBaseOf(p), tokenEndpoint };
    },
    /** Grantdesk's own grant into a workspace (null: never connected here). */
    ownGrant(workspaceId: string): OwnGrant | null {
      const w = repo.getWorkspace(workspaceId);
      return w ? toGrant(w) : null;
    },
    /** Grantdesk's own grants, every status, ordered by workspace name. */
    ownGrants: (): OwnGrant[] => repo.listWorkspaces().map(toGrant),
  };
}
export type DirectoryReadModel = ReturnType<typeof createDirectoryReadModel>;
