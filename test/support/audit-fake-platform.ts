// An in-process WorkspaceApi over precomputed chains, with per-call page rewriting for anomaly tests.
import type { PlatformCall, PlatformResult, WorkspaceApi, WorkspaceDirectory, WorkspaceRef } from '../../src-main/ports/platform.ts';
import { AppError } from '../../src-main/rpc/app-error.ts';
import type { ChainEvent } from './audit-chain.ts';

export interface FakePage {
  workspace_id: string;
  events: ChainEvent[];
  next_after_seq: number;
  has_more: boolean;
}

export interface FakePlatform extends WorkspaceApi {
  chains: Map<string, ChainEvent[]>;
  /** rewrite hook: return a page (or a raw string body, parsed like a network body) for a request */
  rewrite?: (ws: string, afterSeq: number, limit: number, page: FakePage, call: number) => FakePage | string;
  headOverride?: (ws: string) => { seq: number; hash: string } | null;
  failNext: AppError[];
  calls: { path: string; after?: number }[];
  directory: WorkspaceDirectory;
}

export function createFakePlatform(chains: Record<string, ChainEvent[]>): FakePlatform {
  const map = new Map(Object.entries(chains));
  let n = 0;
  const fp: FakePlatform = {
    chains: map,
    failNext: [],
    calls: [],
    directory: {
      list: () => [...map.keys()].map((id): WorkspaceRef => ({ id, name: id, platformId: 'p', status: 'connected' })),
      get: (id) => (map.has(id) ? { id, name: id, platformId: 'p', status: 'connected' } : null),
    },
    async call<T>(ws: string, req: PlatformCall<T>): Promise<PlatformResult<T>> {
      const after = req.query?.after_seq !== undefined ? Number(req.query.after_seq) : undefined;
      fp.calls.push({ path: req.path, after });
      const f = fp.failNext.shift();
      if (f) throw f;
      const chain = map.get(ws) ?? [];
      let body: unknown;
      if (req.path === '/v1/audit-events/head') {
        const h = fp.headOverride?.(ws) ?? (chain.length ? { seq: chain.length, hash: chain[chain.length - 1]!.hash } : { seq: 0, hash: '0'.repeat(64) });
        body = { workspace_id: ws, ...h };
      } else {
        const limit = Number(req.query?.limit ?? 5000);
        const events = chain.slice(after ?? 0, (after ?? 0) + limit);
        let page: FakePage | string = { workspace_id: ws, events, next_after_seq: events.length ? events[events.length - 1]!.seq : after ?? 0, has_more: (after ?? 0) + limit < chain.length };
        if (fp.rewrite) page = fp.rewrite(ws, after ?? 0, limit, page, n++);
        // a network body: serialized and parsed again, so tests cannot share object identity with the cache
        const text = typeof page === 'string' ? page : JSON.stringify(page);
        try {
          body = JSON.parse(text);
        } catch {
          throw new AppError('invalid_response', 'malformed JSON');
        }
      }
      const parsed = req.schema.safeParse(body);
      if (!parsed.success) throw new AppError('invalid_response', 'schema mismatch');
      return { data: parsed.data, status: 200, headers: {} };
    },
  };
  return fp;
}
