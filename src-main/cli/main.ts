// `grantdesk <command>`: every command comes from the contract; exit 0 ok, 1 error (names the code), 2 usage.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { contract, COMMAND_NAMES, type CommandName, type EventPayload, type Output } from '../../src-common/contract/index.ts';
import { resolveDataDir } from '../adapters/data-dir.ts';
import type { Opener } from '../ports/opener.ts';
import type { SecretStore } from '../ports/secret-store.ts';
import { APP_VERSION } from '../version.ts';
import { AppError, toErrorData } from '../rpc/app-error.ts';
import { CLI_CONTEXT } from '../rpc/handlers.ts';
import { formatHuman } from './format.ts';
import { commandUsage, findCommand, parseCommandArgs, UsageError } from './parse-args.ts';
import { incidentInputFromCli } from './incident-secret.ts';
import { redeemInputFromCli, type CliStdin } from './review-redeem.ts';
import { neverSyncedHint } from './sync-hints.ts';
import { deliveryFailedHint } from './delivery-hints.ts';

export interface CliIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  env: NodeJS.ProcessEnv;
  /** tests inject a secret store; the real CLI uses the OS keychain */
  secretStore?: SecretStore;
  /** the process's stdin (review redeem reads its code from it; absent: nothing to read) */
  stdin?: CliStdin;
  /** serve mode keeps running; tests receive the handle to stop it */
  onServe?: (h: { url: string; close(): Promise<void> }) => void;
}

const here = dirname(fileURLToPath(import.meta.url));
/** the built renderer serve mode serves; GRANTDESK_RENDERER_DIR points at another build (vite.web.config.ts honours it too) */
export const RENDERER_DIR = process.env.GRANTDESK_RENDERER_DIR ? resolve(process.env.GRANTDESK_RENDERER_DIR) : join(here, '..', '..', 'out', 'renderer');

function topHelp(): string {
  const lines = COMMAND_NAMES.filter((n) => contract[n].cli).map((n) => `  ${commandUsage(n).replace(/^grantdesk /, '').padEnd(60)} ${contract[n].cli!.summary}`);
  return [
    `grantdesk ${APP_VERSION}: OAuth grants across many workspaces, from the terminal`,
    '',
    'Usage: grantdesk <command> [options]',
    '',
    'Commands:',
    `  ${'serve [--port N] [--session-only]'.padEnd(60)} Serve the app UI and contract on 127.0.0.1 (prints a URL with a one-time token)`,
    ...lines,
    '',
    'Global options: --help, --json (read commands), --session-only (keep grants in memory only), --print-url (connect: print the authorization URL)',
    'Data dir: $GRANTDESK_HOME, else the OS app-data dir of the desktop app. Browser for sign-in: $GRANTDESK_BROWSER (a command that receives the URL).',
    'Exit codes: 0 ok, 1 error (the message names the error code), 2 usage.',
  ].join('\n');
}

/** The opener's own check (the services check first): an absolute http(s) URL, re-serialised, never an option. */
export function safeOpenUrl(url: string): string {
  let u: URL | null = null;
  try {
    u = url.startsWith('-') ? null : new URL(url);
  } catch {
    u = null;
  }
  if (!u || (u.protocol !== 'https:' && u.protocol !== 'http:') || u.href.startsWith('-')) {
    throw new AppError('invalid_response', 'The sign-in address is not an http(s) URL, so no browser was started; ask the platform operator to fix it.');
  }
  return u.href;
}

function makeOpener(io: CliIo, printUrl: boolean): Opener {
  return async (url) => {
    const browser = io.env.GRANTDESK_BROWSER;
    if (printUrl || !browser) {
      io.stderr(`Open this URL to sign in:\n${url}\n`);
      return;
    }
    // The URL goes as one argv word, never through a shell, and only as a canonical http(s) URL: its first characters
    // are the scheme, so a platform-sent "--renderer-cmd-prefix=…" can never arrive as a browser flag.
    const href = safeOpenUrl(url);
    const child = spawn(browser, [href], { stdio: 'ignore', detached: true, shell: false });
    child.on('error', () => io.stderr(`Could not run GRANTDESK_BROWSER (${browser}); open this URL yourself:\n${url}\n`));
    child.unref();
  };
}

// The runtime (composition, every domain, SQLite) and serve mode are imported when a command runs, not at start, so
// --help, --version and usage errors answer without loading them (the built CLI keeps them in chunks of their own).
async function openRuntime(io: CliIo, printUrl: boolean, sessionOnly: boolean, background = false) {
  const dataDir = resolveDataDir(io.env);
  const { createNodeRuntime } = await import('../node-runtime.ts');
  try {
    const runtime = createNodeRuntime({ dataDir, opener: makeOpener(io, printUrl), sessionOnly, secretStore: io.secretStore, background });
    // MFA step-up: why a browser opens (or why the sign-in URL below is printed), on stderr like connect's URL
    runtime.bus.subscribe((name, payload) => {
      if (name === 'stepUp.status' && (payload as EventPayload<'stepUp.status'>).state !== 'failed') io.stderr(`${(payload as EventPayload<'stepUp.status'>).message}\n`);
    });
    return runtime;
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw new AppError('io_error', `Cannot open the data directory ${dataDir}: ${err instanceof Error ? err.message.split('\n')[0] : 'unknown'}`);
  }
}

async function runServe(rest: string[], io: CliIo): Promise<number> {
  let port = 0;
  let sessionOnly = false;
  for (let i = 0; i < rest.length; i++) {
    const w = rest[i];
    if (w === '--port') {
      const n = Number(rest[++i]);
      if (!Number.isInteger(n) || n < 0 || n > 65535) throw new UsageError('--port expects 0–65535');
      port = n;
    } else if (w === '--session-only') sessionOnly = true;
    else if (w === '--help') {
      io.stdout('grantdesk serve [--port N] [--session-only]\nServes the built UI and the contract on 127.0.0.1 only. The printed URL carries a per-launch token after # (a browser never sends it to a server); open it as printed.\n');
      return 0;
    } else throw new UsageError(`Unknown option ${w} for serve`);
  }
  const staticDir = existsSync(join(RENDERER_DIR, 'index.html')) ? RENDERER_DIR : null;
  const runtime = await openRuntime(io, false, sessionOnly, true);
  const { startServe } = await import('../serve/serve-server.ts');
  const serve = await startServe({ dispatcher: runtime.dispatcher, bus: runtime.bus, staticDir, port, exportFile: (id) => runtime.services.audit.exportFile(id) });
  if (!staticDir) io.stderr('The UI is not built (run `npm run build:web`); serving the API only.\n');
  io.stdout(`Grantdesk is serving on ${serve.url}\n`);
  io.onServe?.({
    url: serve.url,
    close: async () => {
      await serve.close();
      await runtime.close();
    },
  });
  return 0;
}

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    if (argv.length === 0 || argv[0] === '--help' || argv[0] === 'help' || argv[0] === '-h') {
      io.stdout(topHelp() + '\n');
      return argv.length === 0 ? 2 : 0;
    }
    if (argv[0] === '--version') {
      io.stdout(`${APP_VERSION}\n`);
      return 0;
    }
    if (argv[0] === 'serve') return await runServe(argv.slice(1), io);
    const found = findCommand(argv);
    if (!found) throw new UsageError(`Unknown command "${argv.join(' ')}". Run grantdesk --help`);
    const name: CommandName = found.name;
    // --help wins over everything else, even missing positionals
    if (found.rest.includes('--help')) {
      io.stdout(`${commandUsage(name)}\n${contract[name].cli?.summary ?? ''}\n`);
      return 0;
    }
    const parsed = parseCommandArgs(name, found.rest);
    const flags = parsed.flags;
    // review redeem: the CLI reads the code itself (file or stdin), never from argv
    // review redeem and incident: the CLI reads the code / leaked secret itself (file or stdin), never from argv
    const input =
      name === 'review.redeem' && !flags.help ? await redeemInputFromCli(parsed.input, io.stdin) : name === 'incident.identify' && !flags.help ? await incidentInputFromCli(parsed.input, io.stdin) : parsed.input;
    if (flags.help) {
      io.stdout(`${commandUsage(name)}\n${contract[name].cli?.summary ?? ''}\n`);
      return 0;
    }
    const runtime = await openRuntime(io, flags['print-url'] || (input as { printUrl?: unknown }).printUrl === true, flags['session-only']);
    try {
      const result = await runtime.dispatcher.call(name, input, CLI_CONTEXT);
      if (!result.ok) {
        io.stderr(`error ${result.error.code}: ${result.error.message}\n  remedy: ${result.error.remedy}\n`);
        return result.error.code === 'invalid_input' ? 2 : 1;
      }
      const cli = contract[name].cli;
      const rendered = !flags.json && cli?.render ? cli.render(result.value) : null;
      if (rendered !== null) io.stdout(rendered.endsWith('\n') ? rendered : rendered + '\n');
      else io.stdout((flags.json ? JSON.stringify(result.value, null, 2) : formatHuman(result.value)) + '\n');
      // a secret whose delivery failed: what happened to it and what to do (stderr: stdout stays the command's output)
      const delivery = deliveryFailedHint(result.value);
      if (delivery) io.stderr(`${delivery}\n`);
      // a read from a cache part that was never synced says so (stderr: stdout stays the command's output)
      if (!contract[name].mutates) {
        const health = await runtime.dispatcher.call('sync.health', {}, CLI_CONTEXT);
        const hint = health.ok ? neverSyncedHint(name, health.value as Output<'sync.health'>) : null;
        if (hint) io.stderr(`${hint}\n`);
      }
      return cli?.exitCode ? cli.exitCode(result.value) : 0;
    } finally {
      await runtime.close();
    }
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`usage: ${err.message}\n`);
      return 2;
    }
    const data = toErrorData(err);
    io.stderr(`error ${data.code}: ${err instanceof AppError ? data.message : 'unexpected failure'}\n  remedy: ${data.remedy}\n`);
    return 1;
  }
}
