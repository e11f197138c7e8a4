/* eslint-disable @typescript-eslint/no-explicit-any -- dynamic JSON bodies and the untyped oidc-provider API */
// Fault injection per route. Route keys: management routes by first path segment after /v1/ ("audit-events", "api-keys", ...)
// or the full sub-path ("audit-events/head"); OAuth routes "token", "introspection", "revocation", "authorization",
// "device_authorization", "device", "discovery", "jwks", "userinfo", "interaction"; "*" matches every route except /__admin.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';

export interface FaultConfig {
  latency_ms?: number;        // added before the request is handled
  error_rate?: number;        // 0..1 probability of a 5xx
  error_status?: number;      // 500..599, default 503
  reset_rate?: number;        // 0..1 probability the TCP connection is destroyed without a response
  burst_429?: number;         // the next N requests get 429 with Retry-After
  retry_after?: number;       // seconds for burst_429 (default 1)
  retry_after_date?: number;  // 1 = send Retry-After as an HTTP-date instead of seconds
  retry_after_raw?: string;   // admin JSON only: send this exact Retry-After header value (garbage / negative tests)
  malformed_rate?: number;    // 0..1 probability the JSON body is syntactically broken (status and headers intact)
  truncated_rate?: number;    // 0..1 probability the body is cut in half (Content-Length matches the cut body)
  drip_ms?: number;           // slow-drip: body sent in chunks with this delay between chunks
  drip_bytes?: number;        // chunk size for drip (default 16)
  tamper?: Array<{ workspace: string; seq: number }>; // audit-events: serve a modified event at seq (hash unchanged)
  hostile_json_rate?: number; // 0..1 probability "__proto__"/"constructor" keys are injected into the top-level JSON object
  gzip_bomb_rate?: number;    // 0..1 probability the response is a 20 KiB gzip body that inflates to 20 MiB
  // audit-events page anomalies (the page stays valid JSON; only its contents misbehave)
  gap_rate?: number;          // drop one event from the middle of the page (a seq gap)
  overlap_rate?: number;      // start the page one event early (the event at after_seq is served again)
  reorder_rate?: number;      // swap two adjacent events (out of order)
  times?: number;             // the route's faults apply to the next N requests only, then the route is cleared
}

const KEYS: Record<string, keyof FaultConfig> = {
  latency: 'latency_ms', '5xx': 'error_rate', status: 'error_status', reset: 'reset_rate', '429': 'burst_429', 'retry-after': 'retry_after', 'retry-after-date': 'retry_after_date',
  malformed: 'malformed_rate', truncated: 'truncated_rate', drip: 'drip_ms', 'drip-bytes': 'drip_bytes',
  'hostile-json': 'hostile_json_rate', 'gzip-bomb': 'gzip_bomb_rate', gap: 'gap_rate', overlap: 'overlap_rate', reorder: 'reorder_rate',
  times: 'times',
};
const PAGE_KEYS = new Set(['tamper', 'gap_rate', 'overlap_rate', 'reorder_rate']);

/** Parses "audit-events:5xx=0.3,latency=200;token:reset=0.1;audit-events:tamper=ws_x@17". */
export function parseFaultSpec(spec: string): Record<string, FaultConfig> {
  const out: Record<string, FaultConfig> = {};
  for (const part of spec.split(';').map((s) => s.trim()).filter(Boolean)) {
    const i = part.indexOf(':');
    if (i < 1) throw new Error(`fault spec "${part}": expected ROUTE:key=value[,key=value]`);
    const route = part.slice(0, i).trim();
    const cfg: FaultConfig = out[route] ?? {};
    for (const kv of part.slice(i + 1).split(',').map((s) => s.trim()).filter(Boolean)) {
      const [k, v] = kv.split('=').map((s) => s.trim());
      if (k === 'tamper') {
        const [workspace, seq] = (v ?? '').split('@');
        if (!workspace || !/^\d+$/.test(seq ?? '')) throw new Error(`fault spec "${kv}": expected tamper=WORKSPACE@SEQ`);
        (cfg.tamper ??= []).push({ workspace, seq: Number(seq) });
        continue;
      }
      const key = k === undefined ? undefined : KEYS[k];
      const n = Number(v);
      if (!key || v === undefined || !Number.isFinite(n) || n < 0) throw new Error(`fault spec "${kv}": unknown key or bad value (keys: ${Object.keys(KEYS).join(', ')}, tamper)`);
      (cfg as any)[key] = n;
    }
    out[route] = cfg;
  }
  return out;
}

export function routeKeys(pathname: string): string[] {
  if (pathname.startsWith('/v1/')) {
    const rest = pathname.slice(4);
    const first = rest.split('/')[0] ?? '';
    return [rest, first, '*'];
  }
  const map: Array<[RegExp, string]> = [
    [/^\/token\/introspection/, 'introspection'], [/^\/token\/revocation/, 'revocation'], [/^\/token/, 'token'],
    [/^\/device\/auth/, 'device_authorization'], [/^\/device/, 'device'], [/^\/auth/, 'authorization'], [/^\/\.well-known\//, 'discovery'],
    [/^\/jwks/, 'jwks'], [/^\/me/, 'userinfo'], [/^\/interaction/, 'interaction'],
  ];
  const hit = map.find(([re]) => re.test(pathname));
  return hit ? [hit[1], '*'] : ['*'];
}

export class Faults {
  routes: Record<string, FaultConfig> = {};
  constructor(private random: () => number = Math.random) {}

  set(route: string, cfg: FaultConfig, replace = false) {
    const cur = replace ? {} : this.routes[route] ?? {};
    const merged: FaultConfig = { ...cur, ...cfg };
    if (cfg.tamper) merged.tamper = [...(replace ? [] : cur.tamper ?? []), ...cfg.tamper];
    this.routes[route] = merged;
  }
  load(spec: Record<string, FaultConfig>) { for (const [r, c] of Object.entries(spec)) this.set(r, c); }
  clear(route?: string) { if (route) delete this.routes[route]; else this.routes = {}; }
  tampers(): Array<{ workspace: string; seq: number }> {
    return Object.values(this.routes).flatMap((c) => c.tamper ?? []);
  }
  /** Page anomalies for audit-events that fire on this request (each drawn with its probability). */
  pageAnomalies(): { gap: boolean; overlap: boolean; reorder: boolean } {
    const c = { ...this.routes['*'], ...this.routes['audit-events'] };
    return { gap: !!c.gap_rate && this.random() < c.gap_rate, overlap: !!c.overlap_rate && this.random() < c.overlap_rate, reorder: !!c.reorder_rate && this.random() < c.reorder_rate };
  }

  private forPath(pathname: string): { key: string; cfg: FaultConfig } | undefined {
    for (const k of routeKeys(pathname)) {
      const cfg = this.routes[k];
      if (cfg && Object.keys(cfg).some((x) => !PAGE_KEYS.has(x))) return { key: k, cfg };
    }
    return undefined;
  }

  /** Returns true if the fault layer fully handled (or killed) the request. */
  async apply(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<boolean> {
    const hit = this.forPath(pathname);
    if (!hit) return false;
    const { cfg } = hit;
    if (cfg.times !== undefined) {
      cfg.times -= 1;
      if (cfg.times <= 0) delete this.routes[hit.key];
    }
    if (cfg.latency_ms) await new Promise((r) => setTimeout(r, cfg.latency_ms));
    if (cfg.reset_rate && this.random() < cfg.reset_rate) {
      req.socket.resetAndDestroy?.() ?? req.socket.destroy();
      return true;
    }
    if (cfg.burst_429 && cfg.burst_429 > 0) {
      cfg.burst_429 -= 1;
      const ra = cfg.retry_after ?? 1;
      const body = JSON.stringify({ error: 'rate_limited', error_description: 'too many requests (injected 429 burst)', retry_after: ra });
      req.resume();
      const raHeader = typeof cfg.retry_after_raw === 'string' ? cfg.retry_after_raw : cfg.retry_after_date ? new Date(Date.now() + ra * 1000).toUTCString() : String(ra);
      res.writeHead(429, { 'content-type': 'application/json; charset=utf-8', 'retry-after': raHeader, 'content-length': String(Buffer.byteLength(body)), 'cache-control': 'no-store' });
      res.end(body);
      return true;
    }
    if (cfg.error_rate && this.random() < cfg.error_rate) {
      const status = cfg.error_status && cfg.error_status >= 500 && cfg.error_status <= 599 ? cfg.error_status : 503;
      const body = JSON.stringify({ error: status === 503 ? 'temporarily_unavailable' : 'server_error', error_description: `injected ${status} fault` });
      req.resume();
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(body)), 'cache-control': 'no-store' });
      res.end(body);
      return true;
    }
    if (cfg.gzip_bomb_rate && this.random() < cfg.gzip_bomb_rate) {
      req.resume();
      const bomb = gzipBomb();
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-encoding': 'gzip', 'content-length': String(bomb.length), 'cache-control': 'no-store' });
      res.end(bomb);
      return true;
    }
    const hostile = !!cfg.hostile_json_rate && this.random() < cfg.hostile_json_rate;
    const malformed = !!cfg.malformed_rate && this.random() < cfg.malformed_rate;
    const truncated = !malformed && !!cfg.truncated_rate && this.random() < cfg.truncated_rate;
    const drip = cfg.drip_ms && cfg.drip_ms > 0 ? { ms: cfg.drip_ms, bytes: Math.max(1, cfg.drip_bytes ?? 16) } : undefined;
    if (malformed || truncated || drip || hostile) intercept(res, (buf) => {
      if (hostile && buf[0] === 0x7b /* { */) buf = Buffer.concat([Buffer.from('{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},'), buf.subarray(1)]);
      if (malformed) { const mid = Math.floor(buf.length / 2); return Buffer.concat([buf.subarray(0, mid), Buffer.from('}{"\u0000\'oops'), buf.subarray(mid)]); }
      if (truncated) return buf.subarray(0, Math.max(1, Math.floor(buf.length / 2)));
      return buf;
    }, drip);
    return false;
  }
}

let bombCache: Buffer | undefined;
/** ~20 KiB of gzip that inflates to 20 MiB of JSON-looking bytes (decoded-size cap test). */
function gzipBomb(): Buffer {
  if (!bombCache) {
    const inner = Buffer.alloc(20 * 1024 * 1024, 0x20);
    inner.write('{"data":"', 0);
    inner.write('"}', inner.length - 2);
    bombCache = gzipSync(inner, { level: 9 });
  }
  return bombCache;
}

function intercept(res: ServerResponse, transform: (b: Buffer) => Buffer, drip?: { ms: number; bytes: number }) {
  const origWriteHead = res.writeHead.bind(res) as any;
  const origWrite = res.write.bind(res) as any;
  const origEnd = res.end.bind(res) as any;
  const chunks: Buffer[] = [];
  let head: any[] | undefined;
  (res as any).writeHead = (...args: any[]) => { head = args; return res; };
  (res as any).write = (chunk: any, enc?: any, cb?: any) => {
    if (chunk != null) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk, (typeof enc === 'string' ? enc : 'utf8') as BufferEncoding));
    const done = typeof enc === 'function' ? enc : cb; if (done) process.nextTick(done);
    return true;
  };
  (res as any).end = (chunk?: any, enc?: any, cb?: any) => {
    if (chunk != null && typeof chunk !== 'function') chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk, (typeof enc === 'string' ? enc : 'utf8') as BufferEncoding));
    const done = typeof chunk === 'function' ? chunk : typeof enc === 'function' ? enc : cb;
    const body = transform(Buffer.concat(chunks));
    if (head) {
      const [status, a, b] = head;
      const hdrs = typeof a === 'object' ? a : b;
      res.statusCode = status;
      if (hdrs && !Array.isArray(hdrs)) for (const [k, v] of Object.entries(hdrs)) if (v !== undefined) res.setHeader(k, v as any);
    }
    if (body.length || res.hasHeader('content-length')) res.setHeader('content-length', String(body.length));
    if (!drip) { origWriteHead(res.statusCode); origEnd(body, done); return res; }
    origWriteHead(res.statusCode);
    let off = 0;
    const tick = () => {
      if (res.destroyed) return;
      if (off >= body.length) { origEnd(done); return; }
      origWrite(body.subarray(off, off + drip.bytes)); off += drip.bytes;
      setTimeout(tick, drip.ms);
    };
    tick();
    return res;
  };
}
