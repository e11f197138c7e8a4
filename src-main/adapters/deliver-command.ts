// The SecretDelivery port over child_process.spawn. Why each rule (docs/secrets-delivery.md says it for users):
//  - no shell (`shell: false`, argv already split): the command is exactly the words that were set up, nothing in it
//    is expanded, and its exit status is the program's own, not a pipeline's last stage;
//  - the secret goes to stdin, then EOF: argv is readable by every local user (`ps`, /proc/<pid>/cmdline) and the
//    environment by the same user (/proc/<pid>/environ), stdin by nobody else;
//  - a minimal environment (deliveryEnv): the stores' own variables pass, Grantdesk's (GRANTDESK_*) and everything
//    else do not;
//  - its own process group (`detached`), killed as a whole at the deadline: a store CLI that forks a helper or waits
//    on a prompt cannot outlive the call;
//  - stdout and stderr are drained (a full pipe would block the command) into a capped buffer, and only a redacted,
//    cleaned tail of stderr ever leaves this file.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import type { DeliveryResult, DeliveryRun, SecretDelivery } from '../ports/secret-delivery.ts';
import { safeTail } from './output-redaction.ts';

/** bytes of each stream kept (the tail); the rest is read and dropped */
export const OUTPUT_CAP_BYTES = 64 * 1024;
/** after SIGTERM at the deadline, SIGKILL the group this much later */
const KILL_GRACE_MS = 2000;
/** after the command exits, how long a grandchild may hold its output pipes open before it is killed too */
const DRAIN_GRACE_MS = 1000;

/** Exact names passed through to a delivery command (besides the prefixes below). */
const PASS_NAMES = [
  'PATH', 'HOME', 'USER', 'LOGNAME', 'SHELL', 'LANG', 'LANGUAGE', 'TZ', 'TMPDIR', 'TERM',
  // Secret Service (secret-tool) and GnuPG (pass)
  'DBUS_SESSION_BUS_ADDRESS', 'XDG_RUNTIME_DIR', 'XDG_CONFIG_HOME', 'XDG_DATA_HOME', 'XDG_CACHE_HOME', 'GNUPGHOME', 'GPG_AGENT_INFO', 'GPG_TTY', 'SSH_AUTH_SOCK',
  // proxies and CA bundles the store CLIs honour
  'HTTPS_PROXY', 'HTTP_PROXY', 'NO_PROXY', 'https_proxy', 'http_proxy', 'no_proxy', 'SSL_CERT_FILE', 'SSL_CERT_DIR', 'NODE_EXTRA_CA_CERTS', 'REQUESTS_CA_BUNDLE',
  // GitHub CLI
  'GH_TOKEN', 'GITHUB_TOKEN', 'GH_HOST', 'GH_REPO', 'GH_CONFIG_DIR',
  'SystemRoot', 'PATHEXT', 'APPDATA', 'LOCALAPPDATA', 'USERPROFILE',
];
/** Prefixes of the stores' own settings and credentials: Vault, AWS, Doppler, 1Password, pass, locale. */
const PASS_PREFIXES = ['VAULT_', 'AWS_', 'DOPPLER_', 'OP_', 'PASSWORD_STORE_', 'LC_'];

/** The environment a delivery command gets: only the allowlisted names, never a GRANTDESK_* variable. */
export function deliveryEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined || k.startsWith('GRANTDESK_')) continue;
    if (PASS_NAMES.includes(k) || PASS_PREFIXES.some((p) => k.startsWith(p))) out[k] = v;
  }
  return out;
}

/** Keeps the last `cap` bytes written to a stream. */
function tailBuffer(cap: number) {
  let chunks: Buffer[] = [];
  let size = 0;
  return {
    push(b: Buffer) {
      chunks.push(b);
      size += b.length;
      if (size > cap * 2) {
        const all = Buffer.concat(chunks);
        chunks = [all.subarray(all.length - cap)];
        size = cap;
      }
    },
    text: () => {
      const all = Buffer.concat(chunks);
      return all.subarray(Math.max(0, all.length - cap)).toString('utf8');
    },
  };
}

function notStartedDetail(err: NodeJS.ErrnoException, program: string): string {
  const p = program.slice(0, 120);
  if (err.code === 'ENOENT') return `${p} was not found on the PATH`;
  if (err.code === 'EACCES') return `${p} is not executable`;
  return `${p} could not be started (${err.code ?? 'error'})`;
}

export function createCommandDelivery(opts: { env?: NodeJS.ProcessEnv } = {}): SecretDelivery {
  return {
    run(req: DeliveryRun): Promise<DeliveryResult> {
      const [program, ...args] = req.argv;
      if (!program) return Promise.resolve({ kind: 'not_started', detail: 'the command is empty' });
      return new Promise<DeliveryResult>((resolve) => {
        let settled = false;
        let timedOut = false;
        const out = tailBuffer(OUTPUT_CAP_BYTES);
        const err = tailBuffer(OUTPUT_CAP_BYTES);
        const timers: NodeJS.Timeout[] = [];
        let child: ChildProcessWithoutNullStreams;
        try {
          child = spawn(program, args, {
            shell: false,
            detached: process.platform !== 'win32',
            stdio: ['pipe', 'pipe', 'pipe'],
            env: deliveryEnv(opts.env ?? process.env),
            windowsHide: true,
          });
        } catch (e) {
          // invalid arguments (spawn throws before starting anything)
          resolve({ kind: 'not_started', detail: notStartedDetail(e as NodeJS.ErrnoException, program) });
          return;
        }
        const killGroup = (signal: NodeJS.Signals) => {
          try {
            if (child.pid !== undefined && process.platform !== 'win32') process.kill(-child.pid, signal);
            else child.kill(signal);
          } catch {
            /* already gone */
          }
        };
        const finish = (r: DeliveryResult) => {
          if (settled) return;
          settled = true;
          for (const t of timers) clearTimeout(t);
          // what a timed-out command left behind (a helper that ignored SIGTERM) goes with it
          if (timedOut) killGroup('SIGKILL');
          resolve(r);
        };
        const tail = () => safeTail(err.text(), req.secret);
        child.stdout.on('data', (b: Buffer) => out.push(b));
        child.stderr.on('data', (b: Buffer) => err.push(b));
        // a command that exits without reading stdin closes the pipe: EPIPE is its business, its exit status tells
        child.stdin.on('error', () => {});
        child.on('error', (e: NodeJS.ErrnoException) => finish({ kind: 'not_started', detail: notStartedDetail(e, program) }));
        let exit: { code: number | null; signal: NodeJS.Signals | null } | null = null;
        const report = () => {
          if (!exit) return;
          if (timedOut) finish({ kind: 'timeout', stderrTail: tail() });
          else if (exit.code !== null) finish({ kind: 'exited', exitCode: exit.code, stderrTail: tail() });
          else finish({ kind: 'signal', signal: exit.signal ?? 'unknown', stderrTail: tail() });
        };
        child.on('exit', (code, signal) => {
          exit = { code, signal };
          // a grandchild that keeps stdout/stderr open must not keep this call waiting: kill the group, report
          timers.push(
            setTimeout(() => {
              killGroup('SIGKILL');
              child.stdout.destroy();
              child.stderr.destroy();
              report();
            }, DRAIN_GRACE_MS),
          );
        });
        child.on('close', () => report());
        timers.push(
          setTimeout(() => {
            if (exit) return;
            timedOut = true;
            killGroup('SIGTERM');
            timers.push(setTimeout(() => killGroup('SIGKILL'), KILL_GRACE_MS));
          }, req.deadlineMs),
        );
        if (child.pid !== undefined) child.stdin.end(req.secret);
      });
    },
  };
}
