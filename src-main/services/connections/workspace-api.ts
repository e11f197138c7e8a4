// WorkspaceApi: calls the management API as a workspace's own grant. On 401: refresh once (single-flight), retry once, then
// fail loudly. Every response is validated against the caller's schema; a mismatch is AppError('invalid_response').
import { rateLimitedFrom, type HttpClient, type HttpResponse } from '../../ports/http.ts';
import type { PlatformCall, PlatformResult, WorkspaceApi } from '../../ports/platform.ts';
import { AppError } from '../../rpc/app-error.ts';
import { apiBaseOf } from './oauth.ts';
import type { PlatformRow } from './repo.ts';
import type { TokenManager } from './token-manager.ts';

const DEFAULT_DEADLINE_MS = 30_000;
const DEFAULT_MAX_BYTES = 16 * 1024 * 1024;

function field(json: unknown, key: string): string | undefined {
  if (json && typeof json === 'object' && key in json) {
    const v = (json as Record<string, unknown>)[key];
    return typeof v === 'string' ? v.slice(0, 300) : undefined;
  }
  return undefined;
}

function errorFor(res: HttpResponse, what: string): AppError {
  const code = field(res.json, 'error');
  const desc = field(res.json, 'error_description');
  const detail = `${what} answered ${res.status}${code ? ` ${code}` : ''}${desc ? `: ${desc}` : ''}`;
  if (res.status === 403) {
    const scope = field(res.json, 'required_scope');
    return new AppError('insufficient_scope', scope ? `${what} needs the scope ${scope}` : detail);
  }
  if (res.status === 404) return new AppError('not_found', detail);
  if (res.status === 409) return new AppError('conflict', detail);
  // the wait is a typed field read from the Retry-After header (delta-seconds or HTTP-date), never from message text
  if (res.status === 429) return rateLimitedFrom(res, what);
  if (res.status === 400 || res.status === 422) return new AppError('invalid_input', detail);
  return new AppError('platform_error', detail);
}

export function createWorkspaceApi(d: { http: HttpClient; tokens: TokenManager; platformOf: (ws: string) => PlatformRow }): WorkspaceApi {
  return {
    async call<T>(workspaceId: string, req: PlatformCall<T>): Promise<PlatformResult<T>> {
      const p = d.platformOf(workspaceId);
      const url = new URL(`${apiBaseOf(p)}${req.path.startsWith('/') ? '' : '/'}${req.path}`);
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
        token = await d.tokens.accessToken(workspaceId, { rejectedAccessToken: token });
        res = await send(token);
        if (res.status === 401) {
          throw new AppError('platform_error', `${what} for ${workspaceId} rejected a freshly refreshed token (${field(res.json, 'error') ?? '401'}); the grant may have been revoked on the platform`);
        }
      }
      if (res.status < 200 || res.status >= 300) throw errorFor(res, what);
      const parsed = req.schema.safeParse(res.json);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new AppError('invalid_response', `${what} returned data that does not match its contract (${issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'schema'})`);
      }
      return { data: parsed.data, status: res.status, headers: res.headers };
    },
  };
}
