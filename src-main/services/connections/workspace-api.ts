// The workspace grant as a TokenSource (src-main/ports/platform.ts): the token manager's access token (refresh is
// single-flight there, with its cross-process lock and journal) and the platform's checked API base. The WorkspaceApi
// itself, retry on 401 and the one error mapping, is the platform client's (src-main/platform/workspace-api.ts).
import type { HttpClient } from '../../ports/http.ts';
import type { StepUpPort, TokenSource, WorkspaceApi } from '../../ports/platform.ts';
import { createWorkspaceApi } from '../../platform/workspace-api.ts';
import { AppError } from '../../rpc/app-error.ts';
import { apiBaseOf } from './oauth.ts';
import type { PlatformRow } from './repo.ts';
import type { TokenManager } from './token-manager.ts';

export function workspaceTokenSource(tokens: TokenManager, platformOf: (ws: string) => PlatformRow, stepUp?: StepUpPort): TokenSource {
  return {
    // MFA step-up (step-up.ts): a fresh sign-in when the platform asks for one; the grant itself is never replaced by it
    ...(stepUp ? { stepUp } : {}),
    accessToken: (ws, opts = {}) =>
      tokens.accessToken(ws, opts.rejected !== undefined ? { rejectedAccessToken: opts.rejected } : opts.forceRefresh ? { force: true } : {}),
    platformOf: (ws) => ({ apiBase: apiBaseOf(platformOf(ws)) }),
    refused: (ws, what, code) => new AppError('platform_error', `${what} for ${ws} rejected a freshly refreshed token (${code}); the grant may have been revoked on the platform`),
  };
}

export function createGrantApi(d: { http: HttpClient; tokens: TokenManager; platformOf: (ws: string) => PlatformRow; stepUp?: StepUpPort }): WorkspaceApi {
  return createWorkspaceApi({ http: d.http, tokens: workspaceTokenSource(d.tokens, d.platformOf, d.stepUp) });
}
