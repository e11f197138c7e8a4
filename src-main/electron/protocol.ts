// app://grantdesk/ serves the built renderer (out/renderer) with the CSP header. Path traversal is refused:
// the decoded path must stay inside the root after resolution. Pure apart from the injected readFile.
import { readFile as fsReadFile } from 'node:fs/promises';
import { extname, isAbsolute, relative, resolve } from 'node:path';
import { APP_HOST, APP_SCHEME } from './security.ts';

/** For protocol.registerSchemesAsPrivileged, before 'ready': a standard, secure scheme (real origin, secure context). */
export const APP_SCHEME_PRIVILEGES = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: false, bypassCSP: false, allowServiceWorkers: false, stream: false, codeCache: true },
} as const;

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
};

export function responseHeaders(contentType: string): Record<string, string> {
  const headers: Record<string, string> = {
    'Content-Type': contentType,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Cache-Control': 'no-cache',
  };
  // The same string as APP_CSP (the tests assert it), written as a literal so electronegativity's CSP check
  // finds the header and evaluates the policy itself.
  headers['Content-Security-Policy'] =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
  return headers;
}

function textResponse(status: number, text: string): Response {
  return new Response(text, { status, headers: responseHeaders('text/plain; charset=utf-8') });
}

export type ResolveResult = { ok: true; file: string } | { ok: false; status: 400 | 403 | 404 };

/** Maps an app:// URL to a file under rootDir, or refuses it. */
export function resolveAppPath(rootDir: string, requestUrl: string): ResolveResult {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return { ok: false, status: 400 };
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.hostname !== APP_HOST || url.port !== '' || url.username !== '' || url.password !== '') {
    return { ok: false, status: 403 };
  }
  let path: string;
  try {
    path = decodeURIComponent(url.pathname);
  } catch {
    return { ok: false, status: 400 };
  }
  if (path.includes('\0') || path.includes('\\')) return { ok: false, status: 400 };
  if (path === '' || path === '/') path = '/index.html';
  const root = resolve(rootDir);
  const file = resolve(root, `.${path}`);
  const rel = relative(root, file);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return { ok: false, status: 403 };
  return { ok: true, file };
}

export interface AppProtocolOptions {
  rootDir: string;
  readFile?: (file: string) => Promise<Uint8Array>;
}

/** The handler for protocol.handle('app', ...). GET/HEAD only; every response carries the CSP. */
export function createAppProtocolHandler(opts: AppProtocolOptions): (request: { url: string; method?: string }) => Promise<Response> {
  const read = opts.readFile ?? ((f: string) => fsReadFile(f));
  return async (request) => {
    const method = (request.method ?? 'GET').toUpperCase();
    if (method !== 'GET' && method !== 'HEAD') return textResponse(405, 'Method not allowed');
    const r = resolveAppPath(opts.rootDir, request.url);
    if (!r.ok) return textResponse(r.status, r.status === 403 ? 'Forbidden' : r.status === 400 ? 'Bad request' : 'Not found');
    let body: Uint8Array;
    try {
      body = await read(r.file);
    } catch {
      return textResponse(404, 'Not found');
    }
    const type = MIME[extname(r.file).toLowerCase()] ?? 'application/octet-stream';
    return new Response(method === 'HEAD' ? null : new Uint8Array(body), { status: 200, headers: responseHeaders(type) });
  };
}
