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
  /** parsed JSON (null-prototype safe) or null for an empty body */
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
