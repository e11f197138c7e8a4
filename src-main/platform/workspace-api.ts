// WorkspaceApi over a TokenSource: calls the management API as one grant (a workspace's own, or an auditor review's).
// On 401: refresh once (single-flight inside the source), retry once, then fail loudly with the source's error. On an RFC
// 9470 step-up challenge (401 insufficient_user_authentication) the source's step-up runs for that workspace and the call
// is retried exactly once with its token; a write reuses a step-up token still inside its window. A source without a
// step-up (an auditor review) fails the call with step_up_required. Every non-2xx answer goes through the one error
// mapping (errors.ts); every 2xx body is validated against the caller's schema.
import type { HttpClient, HttpResponse } from '../ports/http.ts';
import type { PlatformCall, PlatformResult, TokenSource, WorkspaceApi } from '../ports/platform.ts';
import { AppError } from '../rpc/app-error.ts';
import { errorField, invalidResponse, platformError } from './errors.ts';
import { actionWords, stepUpChallengeOf } from './step-up-challenge.ts';

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
      const stepUp = d.tokens.stepUp;
      // a write reuses the workspace's step-up token while its window lasts (one sign-in for several changes)
      let stepped = req.method !== 'GET' ? (stepUp?.current(workspaceId) ?? null) : null;
      let token = stepped ?? (await d.tokens.accessToken(workspaceId));
      let refreshed = false;
      let steppedUp = false;
      let res: HttpResponse;
      // at most: the first try, one retry after a refresh, one retry after a step-up
      for (;;) {
        res = await send(token);
        if (res.status !== 401) break;
        const challenge = stepUpChallengeOf(res.headers, res.json, what);
        if (challenge) {
          if (stepped !== null) stepUp?.discard(workspaceId, stepped);
          if (steppedUp) {
            throw new AppError('step_up_refused', `${what}: the platform still asks for a fresh multi-factor sign-in after the one just made for ${workspaceId}; nothing was changed.`);
          }
          if (!stepUp) {
            throw new AppError('step_up_required', `${what}: the platform asks for a fresh multi-factor sign-in for ${workspaceId}, which this grant (an auditor review's, read-only) never starts; nothing was changed.`);
          }
          token = await stepUp.run(workspaceId, challenge, actionWords(req.method, req.path), req.signal);
          stepped = token;
          steppedUp = true;
          continue;
        }
        if (stepped !== null && !steppedUp) {
          // the remembered step-up token is no longer accepted (expired, revoked): forget it and go as the grant
          stepUp?.discard(workspaceId, stepped);
          stepped = null;
          token = await d.tokens.accessToken(workspaceId);
          continue;
        }
        if (refreshed || steppedUp) throw d.tokens.refused(workspaceId, what, errorField(res.json, 'error') ?? '401');
        token = await d.tokens.accessToken(workspaceId, { rejected: token });
        refreshed = true;
      }
      if (res.status < 200 || res.status >= 300) throw platformError(res, what);
      const parsed = req.schema.safeParse(res.json);
      if (!parsed.success) throw invalidResponse(what, parsed.error);
      return { data: parsed.data, status: res.status, headers: res.headers };
    },
  };
}
