// The only HTTP client: one undici EnvHttpProxyAgent (keep-alive, proxies from the environment) shared by the process.
// Every exchange has a TOTAL deadline (AbortSignal.timeout: bodyTimeout is per chunk), a cap on DECODED bytes (counted while
// reading; maxResponseSize counts wire bytes), and Retry-After (header only: delta-seconds or HTTP-date) is honoured exactly
// when it is at most RETRY_AFTER_CAP_MS and fits in the deadline; a longer one hands the 429/503 to the caller at once
// (undici's RetryAgent would silently cap it at maxTimeout and retry early). Garbage Retry-After values are ignored (backoff).
// Only idempotent requests are retried (capped, full jitter); token POSTs never are. JSON is parsed whole; a `__proto__`
// key anywhere rejects the whole document.
import type { Dispatcher } from 'undici';
import { HttpError, parseRetryAfter, RETRY_AFTER_CAP_MS, type HttpClient, type HttpRequest, type HttpResponse, type LimitedFetch } from '../ports/http.ts';
import { AppError } from '../rpc/app-error.ts';
import { APP_VERSION } from '../version.ts';

// undici is loaded at the first request, not at start: parsing it is about a fifth of a CLI start, and commands that
// never call the network (health, status, queries of the cache) should not pay for it.
let undici: Promise<typeof import('undici')> | undefined;
// undici is CommonJS: Node's import() names its exports, a bundle's chunk exports only module.exports as default
const loadUndici = () => (undici ??= import('undici').then((m) => (m as unknown as { default?: typeof m }).default ?? m));

let shared: Promise<Dispatcher> | undefined;
/** The process-wide agent: keep-alive, bounded connections per origin, HTTP(S)_PROXY / NO_PROXY from the environment. */
export function sharedDispatcher(): Promise<Dispatcher> {
  shared ??= loadUndici().then((u) => new u.EnvHttpProxyAgent({ keepAliveTimeout: 30_000, keepAliveMaxTimeout: 120_000, connections: 32, connect: { timeout: 10_000 } }));
  return shared;
}

export interface UndiciHttpOptions {
  dispatcher?: Dispatcher;
  /** attempts after the first for idempotent requests */
  maxRetries?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  random?: () => number;
  userAgent?: string;
}

const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED_BEFORE_SEND']);
const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);

function causeCode(err: unknown): string | undefined {
  let cur: unknown = err;
  for (let i = 0; i < 4 && cur && typeof cur === 'object'; i++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'invalid-url';
  }
}

function mapError(err: unknown, deadline: AbortSignal, caller: AbortSignal | null | undefined, url: string, deadlineMs: number): AppError {
  if (err instanceof AppError) return err;
  if (caller?.aborted) return new HttpError('cancelled', `Request to ${hostOf(url)} was cancelled`, 'unknown');
  if (deadline.aborted) return new HttpError('timeout', `${hostOf(url)} did not answer within ${deadlineMs} ms`, 'unknown');
  const code = causeCode(err);
  const outcome = code && NOT_SENT.has(code) ? 'not_sent' : 'unknown';
  return new HttpError('network_error', `Could not reach ${hostOf(url)}${code ? ` (${code})` : ''}`, outcome);
}

async function readCapped(body: ReadableStream<Uint8Array> | null, maxBytes: number, url: string): Promise<Uint8Array> {
  if (!body) return new Uint8Array(0);
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new AppError('invalid_response', `Response from ${hostOf(url)} exceeded ${maxBytes} decoded bytes`);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let off = 0;
  for (const c of chunks) {
    out.set(c, off);
    off += c.byteLength;
  }
  return out;
}

/** a \u escape of one of the characters of `__proto__` (_ p r o t): the only way to spell it other than literally */
const PROTO_ESCAPE = /\\u00(?:5[fF]|6[fF]|7[024])/;
/**
 * JSON.parse; a `__proto__` member anywhere rejects the whole document (JSON.parse itself makes it an own property, never
 * a prototype, but a later copy with spread or Object.assign would). The check is on the text when it can be: a document
 * that spells no `__proto__`, not even with \u escapes of its letters, cannot hold such a key, and is parsed natively
 * with no per-value callback (a 5,000-event audit page: about a third of the time). Anything else goes through a reviver
 * that refuses the key.
 */
export function parseJsonStrict(text: string): unknown {
  if (!text.includes('__proto__') && !PROTO_ESCAPE.test(text)) return JSON.parse(text);
  return JSON.parse(text, (key, value: unknown) => {
    if (key === '__proto__') throw new SyntaxError('forbidden key __proto__');
    return value;
  });
}

/** Retry-After as milliseconds: delta-seconds or an HTTP-date; null if absent, negative or unparsable (see ports/http.ts). */
export function retryAfterMs(header: string | null | undefined, now = Date.now()): number | null {
  return parseRetryAfter(header, now);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

export interface UndiciHttp extends HttpClient {
  fetch: LimitedFetch;
}

export function createUndiciHttp(opts: UndiciHttpOptions = {}): UndiciHttp {
  const maxRetries = opts.maxRetries ?? 2;
  const baseDelay = opts.baseDelayMs ?? 250;
  const maxDelay = opts.maxDelayMs ?? 5_000;
  const random = opts.random ?? Math.random;
  const ua = opts.userAgent ?? `Grantdesk/${APP_VERSION}`;

  /** One exchange, no retries: the body is read under the same total deadline and counted after decoding. */
  async function exchange(url: string, init: { method: string; headers: Record<string, string>; body?: string | null }, deadlineMs: number, maxBytes: number, caller?: AbortSignal | null) {
    const deadline = AbortSignal.timeout(Math.max(1, deadlineMs));
    const signal = caller ? AbortSignal.any([deadline, caller]) : deadline;
    // outside the try: a broken install is not "could not reach the host"
    const { fetch: undiciFetch } = await loadUndici();
    const dispatcher = opts.dispatcher ?? (await sharedDispatcher());
    try {
      const res = await undiciFetch(url, { method: init.method, headers: { 'user-agent': ua, ...init.headers }, body: init.body ?? undefined, dispatcher, signal, redirect: 'manual' });
      const bytes = await readCapped(res.body as ReadableStream<Uint8Array> | null, maxBytes, url);
      const headers: Record<string, string> = {};
      res.headers.forEach((v, k) => {
        headers[k] = v;
      });
      return { status: res.status, statusText: res.statusText, headers, bytes };
    } catch (err) {
      throw mapError(err, deadline, caller, url, deadlineMs);
    }
  }

  const limitedFetch: LimitedFetch = async (url, init, limits) => {
    const headers: Record<string, string> = {};
    new Headers(init.headers as ConstructorParameters<typeof Headers>[0]).forEach((v, k) => {
      headers[k] = v;
    });
    const body = init.body == null ? null : String(init.body);
    const r = await exchange(url, { method: init.method, headers, body }, limits.deadlineMs, limits.maxBytes, init.signal);
    const noBody = r.status === 204 || r.status === 205 || r.status === 304;
    // A global Response (what oauth4webapi checks for) over the already capped bytes.
    return new Response(noBody ? null : r.bytes, { status: r.status, statusText: r.statusText, headers: r.headers });
  };

  return {
    fetch: limitedFetch,
    async request(req: HttpRequest): Promise<HttpResponse> {
      const endAt = Date.now() + req.deadlineMs;
      const headers: Record<string, string> = { accept: 'application/json', ...req.headers };
      let body: string | null = null;
      if (req.body && 'json' in req.body) {
        headers['content-type'] = 'application/json';
        body = JSON.stringify(req.body.json);
      } else if (req.body && 'form' in req.body) {
        headers['content-type'] = 'application/x-www-form-urlencoded';
        body = new URLSearchParams(req.body.form).toString();
      }
      const retries = req.retry === 'idempotent' && req.method === 'GET' ? maxRetries : 0;
      for (let attempt = 0; ; attempt++) {
        const remaining = endAt - Date.now();
        if (remaining <= 0) throw new HttpError('timeout', `${hostOf(req.url)} did not answer within ${req.deadlineMs} ms`, 'unknown');
        let r: Awaited<ReturnType<typeof exchange>>;
        try {
          r = await exchange(req.url, { method: req.method, headers, body }, remaining, req.maxBytes, req.signal);
        } catch (err) {
          const canRetry = attempt < retries && err instanceof HttpError && err.code === 'network_error';
          if (!canRetry) throw err;
          const delay = Math.min(maxDelay, baseDelay * 2 ** attempt) * random();
          if (Date.now() + delay >= endAt) throw err;
          await sleep(delay, req.signal ?? new AbortController().signal);
          continue;
        }
        if (attempt < retries && RETRYABLE_STATUS.has(r.status)) {
          const ra = parseRetryAfter(r.headers['retry-after']);
          const delay = ra ?? Math.min(maxDelay, baseDelay * 2 ** attempt) * random();
          // Honour Retry-After exactly up to the cap and within the deadline; otherwise hand the response to the caller.
          if (delay <= RETRY_AFTER_CAP_MS && Date.now() + delay < endAt) {
            await sleep(delay, req.signal ?? new AbortController().signal);
            continue;
          }
        }
        return { status: r.status, headers: r.headers, json: decodeJson(r.bytes, r.status, r.headers['content-type'], req.url) };
      }
    },
  };
}

function decodeJson(bytes: Uint8Array, status: number, contentType: string | undefined, url: string): unknown {
  if (bytes.byteLength === 0) return null;
  const ok = status >= 200 && status < 300;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    if (ok) throw new AppError('invalid_response', `${hostOf(url)} sent a body that is not UTF-8`);
    return null;
  }
  if (contentType && !/json/i.test(contentType)) {
    if (ok) throw new AppError('invalid_response', `${hostOf(url)} sent ${contentType.split(';')[0]} where JSON was expected`);
    return null;
  }
  try {
    return parseJsonStrict(text);
  } catch {
    // Error bodies from proxies may be HTML; the status speaks for them. A malformed success body is rejected whole.
    if (ok) throw new AppError('invalid_response', `${hostOf(url)} sent malformed JSON`);
    return null;
  }
}
