import type { z } from 'zod';
import type { ErrorCode } from '../../src-common/contract/index.ts';
import { AppError } from '../rpc/app-error.ts';

/** One platform HTTP call with explicit limits. Implemented by adapters/undici-http.ts (one keep-alive Agent). */
export interface HttpRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  url: string;
  headers?: Record<string, string>;
  /** a JSON body or a URL-encoded form */
  body?: { json: unknown } | { form: Record<string, string> };
  /** total deadline for the whole exchange, body included */
  deadlineMs: number;
  /** cap on decoded bytes */
  maxBytes: number;
  /** idempotent GETs may be retried; token POSTs never are */
  retry: 'idempotent' | 'never';
  signal?: AbortSignal;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  /** parsed JSON (a document with a `__proto__` member anywhere is refused) or null for an empty body */
  json: unknown;
}

export interface HttpClient {
  request(req: HttpRequest): Promise<HttpResponse>;
}

export type Schema<T> = z.ZodType<T>;

/** Limits for one raw exchange (used as oauth4webapi's fetch): total deadline and decoded-byte cap. */
export interface FetchLimits {
  deadlineMs: number;
  maxBytes: number;
}
/** A fetch with limits whose Response body is already read (capped) — what oauth4webapi gets as customFetch. Never retries. */
export type LimitedFetch = (url: string, init: { method: string; headers: Headers | Record<string, string>; body?: string | URLSearchParams | null; signal?: AbortSignal | null; redirect?: 'manual' | 'follow' | 'error' }, limits: FetchLimits) => Promise<Response>;

/**
 * A failed exchange. `outcome` says whether the server may have acted on it: 'not_sent' (connection refused, DNS) is safe to
 * repeat; 'unknown' (timeout or reset after sending) is not, for a token POST.
 */
export class HttpError extends AppError {
  readonly outcome: 'not_sent' | 'unknown';
  constructor(code: ErrorCode, message: string, outcome: 'not_sent' | 'unknown', options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'HttpError';
    this.outcome = outcome;
  }
}

/** The longest Retry-After one call waits for in place (adapter retries, sync retries); anything longer is handed back. */
export const RETRY_AFTER_CAP_MS = 120_000;
/** A Retry-After further out than this is treated as garbage (a year: no platform means it). */
const RETRY_AFTER_MAX_MS = 366 * 24 * 3600 * 1000;

const DAYS = 'Mon|Tue|Wed|Thu|Fri|Sat|Sun';
const LONG_DAYS = 'Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday';
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const MON = MONTHS.join('|');
const IMF_FIXDATE = new RegExp(`^(?:${DAYS}), (\\d{2}) (${MON}) (\\d{4}) (\\d{2}):(\\d{2}):(\\d{2}) GMT$`);
const RFC850_DATE = new RegExp(`^(?:${LONG_DAYS}), (\\d{2})-(${MON})-(\\d{2}) (\\d{2}):(\\d{2}):(\\d{2}) GMT$`);
const ASCTIME_DATE = new RegExp(`^(?:${DAYS}) (${MON}) ( \\d|\\d{2}) (\\d{2}):(\\d{2}):(\\d{2}) (\\d{4})$`);

function utc(year: number, mon: string, day: number, h: number, m: number, s: number): number | null {
  const month = MONTHS.indexOf(mon);
  if (month < 0 || day < 1 || day > 31 || h > 23 || m > 59 || s > 60) return null;
  const t = Date.UTC(year, month, day, h, m, Math.min(s, 59));
  // 31 Feb and friends roll over into the next month: not a real date
  return new Date(t).getUTCDate() === day ? t : null;
}

/** An HTTP-date (RFC 9110 §5.6.7: IMF-fixdate, or the obsolete RFC 850 and asctime forms) as epoch ms; null otherwise. */
export function parseHttpDate(v: string): number | null {
  let m = IMF_FIXDATE.exec(v);
  if (m) return utc(Number(m[3]), m[2]!, Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6]));
  m = RFC850_DATE.exec(v);
  if (m) {
    // two-digit years: RFC 9110 says a date more than 50 years ahead is in the past century
    const yy = Number(m[3]);
    const nowYear = new Date().getUTCFullYear();
    let year = Math.floor(nowYear / 100) * 100 + yy;
    if (year > nowYear + 50) year -= 100;
    return utc(year, m[2]!, Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6]));
  }
  m = ASCTIME_DATE.exec(v);
  if (m) return utc(Number(m[6]), m[1]!, Number(m[2]!.trim()), Number(m[3]), Number(m[4]), Number(m[5]));
  return null;
}

/**
 * Retry-After (RFC 9110 §10.2.3) as a wait in ms from `now`: delta-seconds (1*DIGIT) or an HTTP-date (a past date is 0).
 * Absent, negative, fractional, garbage or absurdly far values are ignored: null.
 */
export function parseRetryAfter(header: string | null | undefined, now: number = Date.now()): number | null {
  if (typeof header !== 'string') return null;
  const v = header.trim();
  if (v === '') return null;
  let ms: number | null;
  if (/^\d{1,12}$/.test(v)) ms = Number(v) * 1000;
  else {
    const at = parseHttpDate(v);
    ms = at === null ? null : Math.max(0, at - now);
  }
  return ms !== null && ms <= RETRY_AFTER_MAX_MS ? ms : null;
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

/** "in 60 minutes (at 14:05 UTC)": when to retry, for a person. The date is added when it is not today (UTC). */
export function describeRetryAt(retryAt: number, now: number = Date.now()): string {
  const s = Math.max(0, Math.ceil((retryAt - now) / 1000));
  const rel = s < 90 ? `${s} second${s === 1 ? '' : 's'}` : s < 90 * 60 ? `${Math.round(s / 60)} minutes` : s < 48 * 3600 ? `${Math.round(s / 360) / 10} hours` : `${Math.round(s / 86400)} days`;
  const at = new Date(retryAt);
  const sameDay = at.toISOString().slice(0, 10) === new Date(now).toISOString().slice(0, 10);
  const clock = `${pad2(at.getUTCHours())}:${pad2(at.getUTCMinutes())}${s < 90 ? `:${pad2(at.getUTCSeconds())}` : ''}`;
  return `in ${rel} (at ${sameDay ? '' : `${at.toISOString().slice(0, 10)} `}${clock} UTC)`;
}

/**
 * A 429 from the platform. The wait it asked for is a typed field, read from the Retry-After HEADER (never from message
 * text): `retryAfterMs` (null when the header was absent or unusable) and `retryAt` (epoch ms, or null).
 */
export class RateLimitedError extends AppError {
  readonly retryAfterMs: number | null;
  readonly retryAt: number | null;
  constructor(what: string, retryAfterMs: number | null, now: number = Date.now()) {
    const retryAt = retryAfterMs === null ? null : now + retryAfterMs;
    super('rate_limited', `${what} was rate limited by the platform; ${retryAt === null ? 'it gave no usable retry time, retry in a minute' : `retry ${describeRetryAt(retryAt, now)}`}`);
    this.name = 'RateLimitedError';
    this.retryAfterMs = retryAfterMs;
    this.retryAt = retryAt;
  }
}

/** The typed error for a 429 response, its wait taken from the response's Retry-After header. */
export function rateLimitedFrom(res: { headers: Record<string, string> }, what: string, now: number = Date.now()): RateLimitedError {
  return new RateLimitedError(what, parseRetryAfter(res.headers['retry-after'], now), now);
}
