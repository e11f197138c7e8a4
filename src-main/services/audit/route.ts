// Endpoints grouped by route, not by record: the blast radius, insights and the indexer's aggregates (audit_agg_use) use it.

/** `/v1/contacts/con_46kx9hyxgk` -> `/v1/contacts/{id}`: endpoints are grouped by route, not by record. */
export function routeOf(endpoint: string): string {
  return endpoint
    .split('/')
    .map((seg) => (/^[a-z]{1,8}_[A-Za-z0-9_-]{4,}$/.test(seg) || /^\d+$/.test(seg) || /^[0-9a-f-]{16,}$/i.test(seg) ? '{id}' : seg))
    .join('/');
}

import type { Db } from '../../ports/db.ts';
/** `audit_route_of(endpoint)` in SQL on this connection (the indexer's aggregates and the reads beside them); '' for NULL. */
export function registerRouteOf(db: Db): void {
  db.function('audit_route_of', { deterministic: true }, (e: unknown) => (typeof e === 'string' ? routeOf(e) : ''));
}
