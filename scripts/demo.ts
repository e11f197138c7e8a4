// `npm run demo`: a populated Grantdesk in one command. Starts the sandbox platform (40 workspaces, 200,000 audit events,
// auto-consent), adds it as a platform, connects all 40 workspaces through the real PKCE loopback flow (a scripted browser
// stands in for the user's clicks), then opens the app: Electron when its binary is here and the OS keychain works,
// otherwise serve mode in this process (prints the URL). Grants live in the keychain, or in memory (session-only) if none.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox } from '../sandbox/server.ts';
import { createNodeRuntime } from '../src-main/node-runtime.ts';
import { createKeytarSecretStore } from '../src-main/adapters/keytar-secret-store.ts';
import { createMemorySecretStore } from '../src-main/adapters/memory-secret-store.ts';
import { startServe } from '../src-main/serve/serve-server.ts';
import { RENDERER_DIR } from '../src-main/cli/main.ts';
import { follow } from '../test/support/fake-browser.mjs';
import { findElectronBinary } from '../build/electron-binary.mjs';
import { CLI_CONTEXT } from '../src-main/rpc/handlers.ts';

const WORKSPACES = Number(process.env.GRANTDESK_DEMO_WORKSPACES ?? 40);
const log = (s: string) => process.stdout.write(`[demo] ${s}\n`);

// Serve mode shows the built renderer: build it first, so a fresh clone's `npm run demo` serves the app, not a 404.
// (The Electron path below builds its own bundle through scripts/start.mjs.)
{
  const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
  log('building the UI');
  const build = spawnSync(npx, ['vite', 'build', '--config', 'vite.web.config.ts', '--logLevel', 'warn'], { cwd: join(import.meta.dirname, '..'), stdio: ['ignore', 'ignore', 'inherit'], shell: process.platform === 'win32' });
  if (build.status !== 0) {
    process.stderr.write('[demo] the UI build failed (see above); fix it, then run `npm run demo` again\n');
    process.exit(build.status ?? 1);
  }
}

const sandbox = await startSandbox({ workspaces: WORKSPACES, events: Number(process.env.GRANTDESK_DEMO_EVENTS ?? 200_000), seed: 1, autoConsent: true, log: () => undefined });
log(`sandbox platform at ${sandbox.issuer} with ${sandbox.workspaces.length} workspaces`);
// MFA step-up (docs/platform-api.md §10b): auto-consent completes the MFA step without a code; the authenticator secrets
// are printed for anyone who runs the sandbox interactively instead
const mfa = sandbox.workspaces.filter((w) => ['pro', 'enterprise'].includes(sandbox.mfa.plan(w.id)));
log(`${mfa.length} workspaces ask for an MFA step-up before sensitive changes (pro/enterprise); auto-consent completes it WITHOUT an authenticator code. TOTP secrets (RFC 6238):`);
for (const w of mfa) log(`  ${w.name} (${w.id}, ${sandbox.mfa.plan(w.id)}): ${sandbox.mfa.totpSecret(w.id)}`);
const dataDir = process.env.GRANTDESK_HOME ?? join(tmpdir(), `grantdesk-demo-${Date.now()}`);
mkdirSync(dataDir, { recursive: true });
const keychain = createKeytarSecretStore();
const status = await keychain.status();
const sessionOnly = status.state !== 'ok';
if (sessionOnly) log(`OS keychain not usable (${status.detail}); using session-only mode: grants stay in this process's memory`);
const runtime = createNodeRuntime({ dataDir, opener: async (url) => void follow(url), secretStore: sessionOnly ? createMemorySecretStore() : keychain, background: true });
const call = async (name: string, input: unknown) => {
  const r = await runtime.dispatcher.call(name, input, CLI_CONTEXT);
  if (!r.ok) throw new Error(`${name}: ${r.error.code}: ${r.error.message}`);
  return r.value;
};
await call('platforms.add', { issuer: sandbox.issuer, name: 'Sandbox', clientId: 'grantdesk-desktop' });
const t0 = performance.now();
const queue = sandbox.workspaces.map((w) => w.id);
let done = 0;
await Promise.all(
  Array.from({ length: 4 }, async () => {
    for (let id = queue.shift(); id; id = queue.shift()) {
      await call('workspaces.connect', { workspace: id, role: 'operator' });
      if (++done % 10 === 0) log(`connected ${done}/${sandbox.workspaces.length}`);
    }
  }),
);
log(`connected ${done} workspaces in ${Math.round(performance.now() - t0)} ms (data dir ${dataDir})`);

// GRANTDESK_DEMO_SERVE=1 serves even where Electron exists (the demo test)
const electron = sessionOnly || process.env.GRANTDESK_DEMO_SERVE === '1' ? null : (findElectronBinary() as string | null);
if (electron) {
  await runtime.close();
  log('opening the desktop app');
  const child = spawn(process.execPath, [join(import.meta.dirname, 'start.mjs')], { stdio: 'inherit', env: { ...process.env, GRANTDESK_HOME: dataDir } });
  child.on('exit', async (code) => {
    await sandbox.close();
    process.exit(code ?? 0);
  });
} else {
  const serve = await startServe({ dispatcher: runtime.dispatcher, bus: runtime.bus, staticDir: RENDERER_DIR, port: Number(process.env.GRANTDESK_DEMO_PORT ?? 0), exportFile: (id) => runtime.services.audit.exportFile(id) });
  log('Electron is not available here; serving the app instead.');
  process.stdout.write(`Grantdesk is serving on ${serve.url}\n`);
}
const stop = async () => {
  await sandbox.close().catch(() => undefined);
  process.exit(0);
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
