// npm run sandbox -- [--port N] [--workspaces N] [--events N] [--seed N] [--auto-consent] [--faults SPEC]
//                    [--reuse-leeway S] [--admin] [--access-token-ttl S] [--data DIR] [--anchor ISO]
import { parseArgs } from 'node:util';
import { startSandbox } from './server.ts';
import { processClock } from './clock.ts';

// This process is the sandbox's own: stdout belongs to the CLI contract (issuer first, then workspaces), so
// oidc-provider's notices (console.info) go to stderr, and the admin test clock offsets Date.now() process-wide so
// oidc-provider's own expiries follow it.
const origInfo = console.info.bind(console);
console.info = (...args: unknown[]) => {
  if (typeof args[0] === 'string' && args[0].includes('oidc-provider')) process.stderr.write(`${args.join(' ')}\n`);
  else origInfo(...args);
};

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    workspaces: { type: 'string', default: '40' },
    events: { type: 'string', default: '20000' },
    seed: { type: 'string', default: '1' },
    'auto-consent': { type: 'boolean', default: false },
    faults: { type: 'string' },
    'reuse-leeway': { type: 'string', default: '0' },
    admin: { type: 'boolean', default: false },
    'access-token-ttl': { type: 'string', default: '3600' },
    data: { type: 'string' },
    anchor: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
  strict: true,
});

if (values.help) {
  process.stderr.write('usage: npm run sandbox -- [--port N] [--workspaces N] [--events N] [--seed N] [--auto-consent] [--faults SPEC] [--reuse-leeway S] [--admin] [--access-token-ttl S] [--data DIR] [--anchor ISO]\nsee docs/platform-api.md\n');
  process.exit(0);
}
const int = (name: string, v: string, min: number, max: number) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) { process.stderr.write(`--${name} must be an integer in ${min}..${max}\n`); process.exit(2); }
  return n;
};

const t0 = performance.now();
const sb = await startSandbox({
  port: int('port', values.port!, 0, 65535),
  workspaces: int('workspaces', values.workspaces!, 1, 10000),
  events: int('events', values.events!, 0, 50_000_000),
  seed: int('seed', values.seed!, 0, 2 ** 31 - 1),
  autoConsent: values['auto-consent'],
  faults: values.faults,
  reuseLeewaySeconds: int('reuse-leeway', values['reuse-leeway']!, 0, 60),
  admin: values.admin,
  accessTokenTtl: int('access-token-ttl', values['access-token-ttl']!, 5, 86400),
  dataDir: values.data,
  anchor: values.anchor,
  clock: processClock(),
});
const lines = [sb.issuer, ...sb.workspaces.map((w) => `${w.id}\t${w.name}`)];
process.stdout.write(`${lines.join('\n')}\n`);
process.stderr.write(`[sandbox] ready in ${Math.round(performance.now() - t0)} ms (seeding ${Math.round(sb.seedMs)} ms), data in ${sb.dataDir}\n`);
// MFA step-up (docs/platform-api.md "MFA step-up"): the authenticator secret of every workspace whose plan asks for it, for
// an authenticator app (otpauth://) or `--admin`'s GET /__admin/mfa?workspace=… (which also shows the current code)
const mfaLines = sb.workspaces.filter((w) => ['pro', 'enterprise'].includes(sb.mfa.plan(w.id))).map((w) => `[sandbox]   ${w.id}\t${sb.mfa.plan(w.id)}\tTOTP secret ${sb.mfa.totpSecret(w.id)}\t${w.name}`);
if (mfaLines.length) process.stderr.write(`[sandbox] MFA step-up: ${mfaLines.length} workspaces ask for an authenticator code (RFC 6238, SHA-1, 6 digits, 30 s) on protected calls:\n${mfaLines.join('\n')}\n`);
if (sb.adminToken) process.stderr.write(`[sandbox] admin API enabled at ${sb.issuer}/__admin/ — admin token: ${sb.adminToken}\n`);

let closing = false;
const stop = async (sig: string) => {
  if (closing) return; closing = true;
  process.stderr.write(`[sandbox] ${sig}: shutting down\n`);
  await sb.close();
  process.exit(0);
};
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
