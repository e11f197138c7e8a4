// `npm test`: typecheck, lint, build the renderer, then every test layer through node's test runner.
// Layers: test/node (plain Node), test/sandbox (platform conformance), test/chromium (real Chromium), test/electron.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const only = process.argv.slice(2);
const run = (label, cmd, args, env = {}) => {
  const t0 = Date.now();
  console.log(`\n=== ${label}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  console.log(`=== ${label}: ${r.status === 0 ? 'ok' : 'FAILED'} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  if (r.status !== 0) process.exit(r.status ?? 1);
};
const files = (dir) =>
  readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.test.ts') ? [p] : [];
  });

if (only.length === 0) {
  run('typecheck (node side)', 'npx', ['tsc', '-p', 'tsconfig.node.json']);
  run('typecheck (web side)', 'npx', ['tsc', '-p', 'tsconfig.web.json']);
  run('lint (import boundaries)', 'npx', ['eslint', '--max-warnings=0', '.']);
  run('build renderer', 'npx', ['vite', 'build', '--config', 'vite.web.config.ts', '--logLevel', 'warn']);
}
// tests spawn bin/grantdesk.mjs, which runs the built CLI: build it now (if a source changed) rather than in each test
run('build CLI (if stale)', process.execPath, ['scripts/build-cli.mjs', '--if-stale']);
const layers = only.length ? only : ['test/node', 'test/sandbox', 'test/chromium', 'test/electron'];
const testFiles = layers.flatMap((l) => (statSync(l).isDirectory() ? files(l) : [l])).sort();
run(`tests (${testFiles.length} files)`, process.execPath, ['--import', 'tsx', '--import', './test/support/isolate-keychain.mjs', '--test', '--test-concurrency=2', '--test-reporter=spec', ...testFiles], {
  GRANTDESK_TEST_OUTPUT: join(process.cwd(), 'test-output'),
});
