// WorkspaceApi over a TokenSource: calls the management API as one grant (a workspace's own, or an auditor review's).
// On 401: refresh once (single-flight inside the source), retry once, then fail loudly with the source's error. Every
// non-2xx answer goes through the one error mapping (errors.ts); every 2xx body is validated against the caller's schema.
import type { HttpClient } from '../ports/http.ts';
import type { PlatformCall, PlatformResult, TokenSource, WorkspaceApi } from '../ports/platform.ts';
import { errorField, invalidResponse, platformError } from './errors.ts';

export const DEFAULT_DEADLINE_MS = 30_000;
export const DEFAULT_MAX_BYTES = 16 * 1024 * 1024;

export function createWorkspaceApi(d: { http: HttpClient; tokens: TokenSource }): WorkspaceApi {
  return {
    async call<T>(workspaceId: string, req: PlatformCall<T>): Promise<PlatformResult<T>> {
      const { apiBase } = d.tokens.platformOf(workspaceId);
      const url = new URL(`${apiBase.replace(/\/$/, '')}${req.path.startsWith('/') ? '' : '/'}${req.path}`);
      for (const [k, v] of Object.entries(req.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
      const what = `${req.method} ${req.path}`;
      const send = (token: string) =>
        d.http.request({
          method: req.method,
          url: url.href,
          headers: { authorization: `Bearer ${token}` },
          body: req.body === undefined ? undefined : { json: req.body },
          deadlineMs: req.deadlineMs ?? DEFAULT_DEADLINE_MS,
          maxBytes: req.maxBytes ?? DEFAULT_MAX_BYTES,
          retry: req.method === 'GET' ? 'idempotent' : 'never',
          signal: req.signal,
        });
      let token = await d.tokens.accessToken(workspaceId);
      let res = await send(token);
      if (res.status === 401) {
        token = await d.tokens.accessToken(workspaceId, { rejected: token });
        res = await send(token);
        if (res.status === 401) throw d.tokens.refused(workspaceId, what, errorField(res.json, 'error') ?? '401');
      }
      if (res.status < 200 || res.status >= 300) throw platformError(res, what);
      const parsed = req.schema.safeParse(res.json);
      if (!parsed.success) throw invalidResponse(what, parsed.error);
      return { data: parsed.data, status: res.status, headers: res.headers };
    },
  };
}
