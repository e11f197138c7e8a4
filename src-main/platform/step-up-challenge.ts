// RFC 9470 step-up challenges: `WWW-Authenticate: Bearer error="insufficient_user_authentication", acr_values="…",
// max_age="…"` on a 401. The platform is hostile input: the header is parsed by a small RFC 9110 auth-param tokenizer with
// a length cap, and what it asks for is bounded before anything opens a browser (acr values short and few, max_age a
// whole number of seconds up to a day). Any URL it names is handed on for the step-up to judge (never followed here).
import type { StepUpChallenge } from '../ports/platform.ts';
import { AppError } from '../rpc/app-error.ts';

export const STEP_UP_ERROR = 'insufficient_user_authentication';
/** header bytes read at most; a longer challenge is refused whole */
export const MAX_CHALLENGE_CHARS = 4096;
export const MAX_ACR_VALUES = 8;
export const MAX_ACR_CHARS = 128;
/** the oldest sign-in a platform may ask for (a day); more (or a negative, a fraction) is not a rebind window */
export const MAX_AGE_LIMIT_S = 86_400;
const ACR = /^[A-Za-z0-9:._~/#+-]+$/;
/** auth-params that name where to sign in (RFC 9728 resource_metadata, and the non-standard ones platforms invent) */
const URL_PARAMS = new Set(['resource_metadata', 'authorization_uri', 'authorization_endpoint', 'as_uri', 'authorization_server', 'issuer', 'uri', 'url', 'redirect_uri']);

type Params = Map<string, string>;

/** The challenges of a WWW-Authenticate value: scheme (lower case) → its auth-params (names lower case). */
export function parseWwwAuthenticate(header: string): Array<{ scheme: string; params: Params }> {
  const out: Array<{ scheme: string; params: Params }> = [];
  let i = 0;
  const n = header.length;
  const ws = () => {
    while (i < n && (header[i] === ' ' || header[i] === '\t')) i++;
  };
  const token = () => {
    const m = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+/.exec(header.slice(i));
    if (!m) return null;
    i += m[0].length;
    return m[0];
  };
  while (i < n) {
    ws();
    while (header[i] === ',') {
      i++;
      ws();
    }
    const scheme = token();
    if (!scheme) break;
    const params: Params = new Map();
    out.push({ scheme: scheme.toLowerCase(), params });
    for (;;) {
      ws();
      const save = i;
      const name = token();
      if (!name) break;
      ws();
      if (header[i] !== '=') {
        i = save; // the next challenge's scheme
        break;
      }
      i++;
      ws();
      let value = '';
      if (header[i] === '"') {
        i++;
        while (i < n && header[i] !== '"') {
          if (header[i] === '\\' && i + 1 < n) i++;
          value += header[i];
          i++;
        }
        i++;
      } else value = token() ?? '';
      // a repeated parameter is ambiguous: the challenge is refused below
      params.set(name.toLowerCase(), params.has(name.toLowerCase()) ? '\u0000duplicate' : value);
      ws();
      if (header[i] === ',') i++;
      else break;
    }
  }
  return out;
}

const refuse = (what: string, why: string) =>
  new AppError('invalid_response', `${what}: the platform asked for a fresh sign-in, but ${why}; no browser was opened and nothing was changed. Ask the platform operator to fix its challenge.`);

/**
 * The step-up challenge of a 401, or null when the 401 is something else (an expired or revoked token). Throws
 * `invalid_response` (a sentence, nothing opened) when it is a step-up challenge Grantdesk will not follow.
 */
export function stepUpChallengeOf(headers: Record<string, string>, json: unknown, what: string): StepUpChallenge | null {
  const header = headers['www-authenticate'] ?? '';
  const bodyError = json && typeof json === 'object' && !Array.isArray(json) ? (json as Record<string, unknown>).error : undefined;
  if (!header.includes(STEP_UP_ERROR)) {
    if (bodyError === STEP_UP_ERROR) throw refuse(what, 'without the WWW-Authenticate challenge RFC 9470 requires');
    return null;
  }
  if (header.length > MAX_CHALLENGE_CHARS) throw refuse(what, `its challenge is ${header.length} characters long (at most ${MAX_CHALLENGE_CHARS})`);
  const bearer = parseWwwAuthenticate(header).find((c) => c.scheme === 'bearer' && c.params.get('error') === STEP_UP_ERROR);
  if (!bearer) throw refuse(what, 'its challenge is not a well-formed Bearer challenge');
  const p = bearer.params;
  if ([...p.values()].some((v) => v === '\u0000duplicate')) throw refuse(what, 'its challenge repeats a parameter');
  let acrValues: string[] = [];
  const acr = p.get('acr_values');
  if (acr !== undefined) {
    acrValues = acr.split(' ').filter(Boolean);
    if (acrValues.length === 0 || acrValues.length > MAX_ACR_VALUES) throw refuse(what, `it names ${acrValues.length} authentication levels (acr_values; 1 to ${MAX_ACR_VALUES} expected)`);
    const bad = acrValues.find((v) => v.length > MAX_ACR_CHARS || !ACR.test(v));
    if (bad !== undefined) throw refuse(what, `the authentication level it names (acr_values) is ${bad.length > MAX_ACR_CHARS ? `${bad.length} characters long (at most ${MAX_ACR_CHARS})` : 'not a plain identifier'}`);
  }
  let maxAge: number | null = null;
  const ma = p.get('max_age');
  if (ma !== undefined) {
    if (!/^\d{1,9}$/.test(ma) || Number(ma) > MAX_AGE_LIMIT_S) throw refuse(what, `the sign-in age it allows (max_age ${JSON.stringify(ma.slice(0, 40))}) is not a whole number of seconds between 0 and ${MAX_AGE_LIMIT_S}`);
    maxAge = Number(ma);
  }
  const namedUrls: string[] = [];
  for (const [k, v] of p) {
    if (k === 'error' || k === 'error_description' || k === 'acr_values' || k === 'max_age') continue;
    if (URL_PARAMS.has(k) || /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(v) || /^(javascript|data|file|vbscript):/i.test(v)) namedUrls.push(v.slice(0, 2000));
  }
  return { acrValues, maxAge, namedUrls };
}

const RESOURCES: Record<string, string> = {
  'api-keys': 'an API key',
  apps: 'an OAuth app',
  'machine-clients': 'a machine client',
  'service-tokens': 'a service token',
  'scope-bundles': 'a scope bundle',
  reviews: 'an auditor review',
};
const VERBS: Record<string, string> = {
  rotate: 'rotating',
  revoke: 'revoking',
  disable: 'disabling',
  enable: 'enabling',
  'end-grace': 'ending the grace period of',
};

/**
 * What a write does, in words, for the step-up notice ("creating an API key"), from its method and path: the resource
 * is the path's second segment, the verb its action segment or the method. A call no rule knows reads "this change".
 */
export function actionWords(method: string, path: string): string {
  const segs = path.split('?')[0]!.split('/').filter(Boolean);
  const thing = RESOURCES[segs[1] ?? ''];
  if (!thing) return 'this change';
  const last = segs[segs.length - 1] ?? '';
  if (segs.length >= 4 && VERBS[last]) return `${VERBS[last]} ${thing}`;
  if (segs.length === 2 && method === 'POST') return `creating ${thing}`;
  if (segs.length === 3 && method === 'PATCH') return `changing ${thing}`;
  if (segs.length === 3 && method === 'DELETE') return `deleting ${thing}`;
  return `changing ${thing}`;
}
