// A TokenSource for one access token just issued and not stored yet (a review's first token, read before the review is
// recorded): no refresh, a 401 is final.
import type { TokenSource } from '../ports/platform.ts';
import { AppError } from '../rpc/app-error.ts';

export type { AccessTokenOptions, TokenSource } from '../ports/platform.ts';

export function singleTokenSource(d: { workspaceId: string; apiBase: string; accessToken: string }): TokenSource {
  return {
    accessToken: async (ws, opts = {}) => {
      if (ws !== d.workspaceId) throw new AppError('not_found', `This token is for ${d.workspaceId}, not ${ws.slice(0, 80)}`);
      // nothing to refresh with: a 401 for the token just issued is final (no second request with the same token)
      if (opts.rejected !== undefined || opts.forceRefresh) throw new AppError('needs_reconsent', `The platform refused the token it had just issued for ${ws}`);
      return d.accessToken;
    },
    platformOf: () => ({ apiBase: d.apiBase }),
    refused: (ws, what, code) => new AppError('needs_reconsent', `${what} for ${ws}: the platform refused the token it had just issued (${code})`),
  };
}
