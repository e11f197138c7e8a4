// Serve mode: the built renderer and the same contract over loopback HTTP, events over SSE.
// Loopback only, Host and Origin checked (DNS rebinding), no CORS. The per-launch token is no ambient credential: the
// printed URL carries it in the fragment (`/#token=…`, never sent to a server), the tab keeps it in sessionStorage and
// sends it as `Authorization: Bearer` on every /rpc/ and /events request. No cookie is ever set or read (a host cookie
// for 127.0.0.1 would reach every other web server on 127.0.0.1, whatever its port), and a token in the query string
// (the old URL shape; it reaches logs and Referer) is refused. Static files need no token: they hold no data.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { errorData, EVENT_NAMES } from '../../src-common/contract/index.ts';
import type { Dispatcher } from '../rpc/dispatcher.ts';
import { SERVE_CONTEXT } from '../rpc/handlers.ts';
import { toErrorData } from '../rpc/app-error.ts';
import type { EventBus } from '../ports/events.ts';

export const SERVE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
const MAX_BODY = 1024 * 1024;

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

export interface ServeOptions {
  dispatcher: Dispatcher;
  bus: EventBus;
  /** folder with the built renderer (index.html + assets); null serves the API only */
  staticDir: string | null;
  port?: number;
  token?: string;
  /** GET /files/exports/<exportId> (token header): an export's file from the exports folder only (the audit domain resolves it) */
  exportFile?: (exportId: string) => { path: string; fileName: string };
}

export interface RunningServe {
  /** the URL to open: `http://127.0.0.1:PORT/#token=…`; a hash route may follow it (`…#token=…#/settings`) */
  url: string;
  port: number;
  token: string;
  server: Server;
  close(): Promise<void>;
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** the one place the token is read: an explicit header, never a cookie, the query or anything a browser sends by itself */
function bearerToken(req: IncomingMessage): string | null {
  const auth = req.headers.authorization;
  return auth?.startsWith('Bearer ') ? auth.slice(7) : null;
}

const NO_TOKEN_MESSAGE =
  'This request carries no valid serve token. Open the URL that `grantdesk serve` printed for this launch; its token travels after # and is sent only in a header.';
const QUERY_TOKEN_MESSAGE =
  'Grantdesk no longer accepts the serve token in the query string (?token=), where server logs and Referer headers can see it. Open the URL that `grantdesk serve` printed for this launch: it has the form http://127.0.0.1:PORT/#token=… with the token after #.';

/** an old-style `?token=` URL: refused without looking at the token, which is never echoed */
function refuseQueryToken(req: IncomingMessage, res: ServerResponse): void {
  if (req.method === 'GET' && (req.headers.accept ?? '').includes('text/html')) {
    res.writeHead(401, { 'Content-Type': MIME['.html']! });
    res.end(`<!doctype html><meta charset="utf-8"><title>Grantdesk: open the new URL</title><h1>Open the URL Grantdesk printed</h1><p>${QUERY_TOKEN_MESSAGE.replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c]!)}</p>`);
    return;
  }
  sendJson(res, 401, { ok: false, error: errorData('unauthorized', QUERY_TOKEN_MESSAGE) });
}

function securityHeaders(res: ServerResponse): void {
  res.setHeader('Content-Security-Policy', SERVE_CSP);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
  res.setHeader('Cache-Control', 'no-store');
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new Error('too_large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export async function startServe(opts: ServeOptions): Promise<RunningServe> {
  const token = opts.token ?? randomBytes(24).toString('base64url');
  let port = 0;
  const allowedHosts = () => new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  const allowedOrigins = () => new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`]);

  const server = createServer(async (req, res) => {
    securityHeaders(res);
    try {
      // DNS rebinding: a page on evil.example resolving to 127.0.0.1 still sends Host: evil.example.
      if (!allowedHosts().has(req.headers.host ?? '')) return sendJson(res, 421, { ok: false, error: errorData('forbidden_sender', 'Host not allowed') });
      const origin = req.headers.origin;
      if (origin !== undefined && !allowedOrigins().has(origin)) return sendJson(res, 403, { ok: false, error: errorData('forbidden_sender', 'Origin not allowed') });
      const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);

      if (url.searchParams.has('token')) return refuseQueryToken(req, res);
      const isApi = url.pathname.startsWith('/rpc/') || url.pathname === '/events' || url.pathname.startsWith('/files/');
      if (isApi) {
        const presented = bearerToken(req);
        if (presented === null || !sameToken(presented, token)) return sendJson(res, 401, { ok: false, error: errorData('unauthorized', NO_TOKEN_MESSAGE) });
      }

      if (url.pathname.startsWith('/rpc/')) {
        if (req.method !== 'POST') return sendJson(res, 405, { ok: false, error: errorData('invalid_input', 'Use POST') });
        // A custom header + JSON content type cannot be sent cross-site without a CORS preflight, which we never grant.
        if (req.headers['x-grantdesk'] !== '1' || !(req.headers['content-type'] ?? '').startsWith('application/json')) {
          return sendJson(res, 403, { ok: false, error: errorData('forbidden_sender', 'Missing X-Grantdesk header or JSON content type') });
        }
        let payload: unknown;
        try {
          const text = await readBody(req);
          payload = text === '' ? {} : JSON.parse(text);
        } catch {
          return sendJson(res, 400, { ok: false, error: errorData('invalid_input', 'Body is not JSON within 1 MiB') });
        }
        const name = decodeURIComponent(url.pathname.slice('/rpc/'.length));
        const result = await opts.dispatcher.call(name, payload, SERVE_CONTEXT);
        return sendJson(res, 200, result);
      }

      if (url.pathname.startsWith('/files/exports/') && req.method === 'GET' && opts.exportFile) {
        // the tab names an export by its history id, never a path; the audit domain refuses anything outside the exports folder
        const id = decodeURIComponent(url.pathname.slice('/files/exports/'.length));
        let f: { path: string; fileName: string };
        try {
          f = opts.exportFile(id);
        } catch (err) {
          return sendJson(res, 404, { ok: false, error: toErrorData(err) });
        }
        const body = await readFile(f.path);
        res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': body.length, 'Content-Disposition': `attachment; filename="${f.fileName.replace(/[^A-Za-z0-9._-]/g, '_')}"` });
        return res.end(body);
      }

      if (url.pathname === '/events' && req.method === 'GET') {
        res.writeHead(200, { 'Content-Type': 'text/event-stream', Connection: 'keep-alive' });
        res.write(': connected\n\n');
        const unsubscribe = opts.bus.subscribe((name, payload) => {
          if (EVENT_NAMES.includes(name)) res.write(`event: ${name}\ndata: ${JSON.stringify(payload)}\n\n`);
        });
        const ping = setInterval(() => res.write(': ping\n\n'), 15000);
        req.on('close', () => {
          clearInterval(ping);
          unsubscribe();
        });
        return;
      }

      if (req.method !== 'GET' || opts.staticDir === null) return sendJson(res, 404, { ok: false, error: errorData('not_found', 'No such resource') });
      const rel = url.pathname === '/' ? 'index.html' : decodeURIComponent(url.pathname).replace(/^\/+/, '');
      const file = normalize(join(opts.staticDir, rel));
      if (!file.startsWith(normalize(opts.staticDir) + sep)) return sendJson(res, 404, { ok: false, error: errorData('not_found', 'No such resource') });
      try {
        const body = await readFile(file);
        res.writeHead(200, { 'Content-Type': MIME[extname(file)] ?? 'application/octet-stream' });
        return res.end(body);
      } catch {
        // client-side routes fall back to the app frame
        if (!extname(rel)) {
          const body = await readFile(join(opts.staticDir, 'index.html'));
          res.writeHead(200, { 'Content-Type': MIME['.html']! });
          return res.end(body);
        }
        return sendJson(res, 404, { ok: false, error: errorData('not_found', 'No such resource') });
      }
    } catch {
      if (!res.headersSent) sendJson(res, 500, { ok: false, error: errorData('internal', 'Serve failure') });
      else res.end();
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const addr = server.address();
  if (addr === null || typeof addr === 'string') throw new Error('serve: no address');
  port = addr.port;
  return {
    // the token after # never reaches a server; the app reads it once and keeps it in the tab's sessionStorage
    url: `http://127.0.0.1:${port}/#token=${token}`,
    port,
    token,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
