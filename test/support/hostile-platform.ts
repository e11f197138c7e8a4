// A hostile platform for the connections tests: a loopback reverse proxy in front of a real sandbox that rewrites chosen
// responses (discovery metadata, the device authorization, GET /v1/workspace) and counts every request it sees, with the
// bearer tokens that reached it. The proxy is its own issuer: discovery names the proxy's origin, so every exchange the app
// makes goes through it. Also usable with no upstream at all as a "foreign" host that only counts what reaches it.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

type Json = Record<string, unknown>;

export interface HostileRewrites {
  /** rewrite the RFC 8414 / OpenID metadata (already pointed at the proxy's origin) */
  discovery?: (m: Json, self: string) => Json;
  /** rewrite the device authorization response */
  device?: (r: Json, self: string) => Json;
  /** rewrite GET /v1/workspace */
  workspace?: (r: Json) => Json;
  /** rewrite the 200 JSON answer of any other path (exact pathname, e.g. '/v1/audit-events'; query string excluded) */
  paths?: Record<string, (j: Json) => Json>;
  /** answer POST /token in place of the platform (return null to pass it through); gets the form body */
  token?: (form: URLSearchParams) => { status: number; json: Json } | null;
}

export interface SeenRequest {
  method: string;
  path: string;
  bearer: string | null;
  /** the raw body of form posts (token, revocation): for counting which refresh token was revoked */
  body: string;
}

export interface HostilePlatform {
  /** the proxy's origin, e.g. http://127.0.0.1:40123 (use as the issuer) */
  origin: string;
  seen: SeenRequest[];
  rewrites: HostileRewrites;
  count(pathPrefix: string): number;
  close(): Promise<void>;
}

export async function startHostilePlatform(upstream: string | null, rewrites: HostileRewrites = {}): Promise<HostilePlatform> {
  const seen: SeenRequest[] = [];
  let origin = '';
  const server: Server = createServer((req, res) => void handle(req, res));
  async function handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const url = new URL(req.url ?? '/', origin);
    const auth = req.headers.authorization;
    seen.push({ method: req.method ?? 'GET', path: url.pathname, bearer: auth?.startsWith('Bearer ') ? auth.slice(7) : null, body: body.toString('utf8') });
    const own = url.pathname === '/token' && req.method === 'POST' ? rewrites.token?.(new URLSearchParams(body.toString('utf8'))) : null;
    if (own) {
      const text = JSON.stringify(own.json);
      res.writeHead(own.status, { 'content-type': 'application/json', 'cache-control': 'no-store', 'content-length': String(Buffer.byteLength(text)) }).end(text);
      return;
    }
    if (!upstream) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not_found"}');
      return;
    }
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && !['host', 'connection', 'content-length', 'accept-encoding'].includes(k)) headers[k] = v;
    const up = await fetch(new URL(url.pathname + url.search, upstream), { method: req.method, headers, body: body.length ? body : undefined, redirect: 'manual' });
    let text = await up.text();
    const rewrite = url.pathname.startsWith('/.well-known/')
      ? (j: Json) => (rewrites.discovery ? rewrites.discovery(j, origin) : j)
      : url.pathname === '/device/auth'
        ? (j: Json) => (rewrites.device ? rewrites.device(j, origin) : j)
        : url.pathname === '/v1/workspace'
          ? (j: Json) => (rewrites.workspace ? rewrites.workspace(j) : j)
          : rewrites.paths?.[url.pathname]
            ? (j: Json) => rewrites.paths![url.pathname]!(j)
            : null;
    if (url.pathname.startsWith('/.well-known/') || url.pathname === '/device/auth') text = text.split(upstream).join(origin);
    if (rewrite && up.status === 200) text = JSON.stringify(rewrite(JSON.parse(text) as Json));
    // the proxy is its own issuer for ID tokens too (the client checks iss against the metadata, not the signature of a
    // token endpoint response): the upstream's iss is re-issued as the proxy's
    if (url.pathname === '/token' && up.status === 200) text = reissueIdToken(text, upstream, origin);
    const out: Record<string, string | string[]> = {};
    up.headers.forEach((v, k) => {
      if (!['content-length', 'content-encoding', 'transfer-encoding', 'connection', 'keep-alive', 'set-cookie'].includes(k)) out[k] = k === 'location' ? v.split(upstream).join(origin).split(encodeURIComponent(upstream)).join(encodeURIComponent(origin)) : v;
    });
    const cookies = up.headers.getSetCookie();
    if (cookies.length) out['set-cookie'] = cookies;
    res.writeHead(up.status, { ...out, 'content-length': String(Buffer.byteLength(text)) }).end(text);
  }
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    seen,
    rewrites,
    count: (prefix) => seen.filter((s) => s.path.startsWith(prefix)).length,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

function reissueIdToken(text: string, upstream: string, origin: string): string {
  const j = JSON.parse(text) as { id_token?: unknown };
  if (typeof j.id_token !== 'string') return text;
  const [h, p, sig] = j.id_token.split('.');
  const claims = JSON.parse(Buffer.from(p!, 'base64url').toString('utf8')) as { iss?: string };
  if (claims.iss === upstream) claims.iss = origin;
  return JSON.stringify({ ...j, id_token: [h, Buffer.from(JSON.stringify(claims)).toString('base64url'), sig].join('.') });
}
