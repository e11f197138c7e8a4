// Backstop redaction for log lines: API key secrets, bearer values and long opaque token-like runs.
const PATTERNS: RegExp[] = [
  /sk_(live|test)_[A-Za-z0-9_-]{8,}/g,
  /(bearer\s+)[A-Za-z0-9._~+/=-]{12,}/gi,
  /("?(?:access_token|refresh_token|client_secret|secret|code_verifier|code|token)"?\s*[:=]\s*"?)[^"\s,&]{8,}/gi,
];
export function redactSecrets(text: string): string {
  let out = text;
  for (const p of PATTERNS) out = out.replace(p, (m, g1?: string) => (typeof g1 === 'string' && g1 !== 'live' && g1 !== 'test' ? `${g1}[redacted]` : '[redacted]'));
  return out;
}
