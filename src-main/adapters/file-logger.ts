import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../ports/logger.ts';
import { redactSecrets } from '../services/redact.ts';
import { ensurePrivateDir, tightenMode } from './data-dir.ts';

/** JSON lines in <dataDir>/logs/grantdesk.log. Redacts token-shaped strings as a backstop; callers never pass secrets. */
export function createFileLogger(dataDir: string): Logger {
  const dir = join(dataDir, 'logs');
  ensurePrivateDir(dir);
  const file = join(dir, 'grantdesk.log');
  // appendFileSync's mode applies only when it creates the file: a log left 0644 by an older version is tightened here
  tightenMode(file, 0o600);
  const write = (level: string, event: string, fields?: Record<string, unknown>) => {
    const line = JSON.stringify({ at: new Date().toISOString(), level, event, ...fields });
    appendFileSync(file, redactSecrets(line) + '\n', { mode: 0o600 });
  };
  return {
    info: (e, f) => write('info', e, f),
    warn: (e, f) => write('warn', e, f),
    error: (e, f) => write('error', e, f),
  };
}
