import type { z } from 'zod';

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
