// A minimal, test-only WorkspaceApi: fetch + bearer token + schema validation + typed errors (Retry-After on 429).
// The real one (connections domain) adds refresh, deadlines and byte caps; this one is only for tests and benches.
import type { PlatformCall, PlatformResult, WorkspaceApi } from '../../src-main/ports/platform.ts';
import { AppError } from '../../src-main/rpc/app-error.ts';

export interface FetchApiOptions {
  baseUrl: (workspaceId: string) => string;
  token: (workspaceId: string) => string | Promise<string>;
}

export function createFetchWorkspaceApi(opts: FetchApiOptions): WorkspaceApi {
  return {
    async call<T>(ws: string, req: PlatformCall<T>): Promise<PlatformResult<T>> {
      const url = new URL(req.path, opts.baseUrl(ws));
      for (const [k, v] of Object.entries(req.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
      let res: Response;
      try {
        const signals = [req.signal, req.deadlineMs ? AbortSignal.timeout(req.deadlineMs) : undefined].filter((s): s is AbortSignal => !!s);
        res = await fetch(url, {
          method: req.method,
          headers: { authorization: `Bearer ${await opts.token(ws)}`, accept: 'application/json', ...(req.body !== undefined ? { 'content-type': 'application/json' } : {}) },
          body: req.body !== undefined ? JSON.stringify(req.body) : undefined,
          signal: signals.length ? AbortSignal.any(signals) : undefined,
        });
      } catch (err) {
        if (req.signal?.aborted) throw new AppError('cancelled', 'cancelled');
        throw new AppError('network_error', `Could not reach the platform (${err instanceof Error ? err.name : 'error'})`);
      }
      let text: string;
      try {
        text = await res.text();
      } catch {
        throw new AppError('network_error', 'The platform connection broke mid-body');
      }
      const headers: Record<string, string> = {};
      res.headers.forEach((v, k) => (headers[k] = v));
      if (res.status === 429) {
        const ra = headers['retry-after'];
        const secs = ra && /^\d+$/.test(ra) ? Number(ra) : ra ? Math.max(0, (Date.parse(ra) - Date.now()) / 1000) : 1;
        throw Object.assign(new AppError('rate_limited', `Rate limited; retry after ${secs}s`), { retryAfterMs: secs * 1000 });
      }
      if (res.status === 401) throw new AppError('needs_reconsent', 'The grant was rejected (401)');
      if (res.status === 403) throw new AppError('insufficient_scope', 'Missing scope (403)');
      if (res.status >= 500) throw new AppError('platform_error', `Platform error ${res.status}`);
      if (res.status >= 400) throw new AppError('platform_error', `Platform refused the request (${res.status})`);
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        throw new AppError('invalid_response', 'The platform sent malformed JSON; nothing was stored');
      }
      const parsed = req.schema.safeParse(json);
      if (!parsed.success) throw new AppError('invalid_response', `The platform response does not match its contract (${parsed.error.issues[0]?.path.join('.') ?? ''})`);
      return { data: parsed.data, status: res.status, headers };
    },
  };
}
