/** Structured log lines. Callers pass no tokens; the file logger also redacts anything token-shaped as a backstop. */
export interface Logger {
  info(event: string, fields?: Record<string, unknown>): void;
  warn(event: string, fields?: Record<string, unknown>): void;
  error(event: string, fields?: Record<string, unknown>): void;
}
