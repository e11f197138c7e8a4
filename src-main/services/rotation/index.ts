// The rotation domain's services, built once in composition.ts.
import { z } from 'zod';
import { AppError } from '../../rpc/app-error.ts';
import type { Db } from '../../ports/db.ts';
import { buildCalendar } from './calendar.ts';
import { createClientsService } from './clients-service.ts';
import type { PlatformEndpoints, RotationDeps } from './deps.ts';
import { createRotationService } from './rotation-service.ts';

export type { RotationDeps, PlatformEndpoints } from './deps.ts';
export { emptyDirectory } from './deps.ts';

/**
 * Default endpoint resolution from the connections cache (platforms.api_base and the discovery metadata's token_endpoint).
 * Read-only; the connections domain owns these tables. Replace with a connections-provided resolver when it offers one.
 */
export function endpointsFromConnectionsCache(db: Db): (workspaceId: string) => Promise<PlatformEndpoints> {
  return async (workspaceId) => {
    let row: { api_base: string; issuer: string; metadata: string } | undefined;
    try {
      row = db.prepare('SELECT p.api_base, p.issuer, p.metadata FROM workspaces w JOIN platforms p ON p.id = w.platform_id WHERE w.id = ?').get(workspaceId) as typeof row;
    } catch {
      row = undefined;
    }
    if (!row) throw new AppError('not_found', `No platform known for workspace ${workspaceId}`);
    const meta = z.object({ token_endpoint: z.string().url() }).passthrough().safeParse(JSON.parse(row.metadata || '{}'));
    return { apiBase: row.api_base, tokenEndpoint: meta.success ? meta.data.token_endpoint : `${row.issuer.replace(/\/$/, '')}/token` };
  };
}

export function createRotationServices(deps: RotationDeps) {
  const rotation = createRotationService(deps);
  const clients = createClientsService(deps);
  return {
    rotation,
    clients,
    calendar: (input: Parameters<typeof buildCalendar>[1]) => buildCalendar(deps, input),
  };
}
export type RotationServices = ReturnType<typeof createRotationServices>;
