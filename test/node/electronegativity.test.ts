// @doyensec/electronegativity over the shell sources (src-main, src-preload) and the built app (out/ when present),
// run programmatically and offline: its translation download is replaced by the bundled locale and the one online
// check (AvailableSecurityFixesGlobalCheck) is excluded. Its CLI exits 0 on findings, so we parse the results and fail
// on any finding of severity MEDIUM or higher at confidence FIRM or higher. A deliberately insecure fixture proves
// the gate is not vacuous.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');
const require = createRequire(import.meta.url);
const enDir = dirname(require.resolve('@doyensec/electronegativity/package.json'));

interface Level {
  name: string;
  value: number;
}
interface Issue {
  id: string;
  file: string;
  location: { line: number; column: number };
  severity: Level;
  confidence: Level;
  description: string;
  manualReview: boolean;
}
interface RunResult {
  globalChecks: number;
  atomicChecks: number;
  errors: Array<{ file: string; message: string; tolerable: boolean }>;
  issues: Issue[];
}
type Run = (options: Record<string, unknown>) => Promise<RunResult>;

// Offline: electronegativity's i18n module fetches translations from the network at start; serve the bundled
// en-US locale instead (same configuration, no request).
function loadOfflineRunner(): Run {
  const i18nPath = require.resolve(join(enDir, 'dist', 'locales', 'i18n.js'));
  const i18n = require(require.resolve('i18n', { paths: [enDir] })) as { configure(o: object): void; setLocale(l: string): void };
  const offline = async () => {
    i18n.configure({ locales: ['en-US'], defaultLocale: 'en-US', directory: dirname(i18nPath), updateFiles: false, objectNotation: true, register: globalThis });
    i18n.setLocale('en-US');
  };
  require.cache[i18nPath] = { id: i18nPath, filename: i18nPath, loaded: true, exports: offline } as unknown as NodeJS.Module;
  return require(join(enDir, 'dist', 'runner.js')) as Run;
}

const ONLINE_CHECKS = ['availablesecurityfixesglobalcheck'];
const SEVERITY_MEDIUM = 2;
const CONFIDENCE_FIRM = 1;
const electronVersion = (JSON.parse(readFileSync(join(root, 'node_modules', 'electron', 'package.json'), 'utf8')) as { version: string }).version;
const outputDir = join(process.env.GRANTDESK_TEST_OUTPUT ?? join(tmpdir(), 'grantdesk-test-output'), 'electronegativity');

async function scan(run: Run, input: string, label: string): Promise<RunResult> {
  mkdirSync(outputDir, { recursive: true });
  const result = await run({
    input,
    output: join(outputDir, `${label}.sarif`),
    isSarif: true,
    isRelative: true,
    customScan: [],
    excludeFromScan: ONLINE_CHECKS,
    electronVersionOverride: electronVersion,
  });
  const summary = result.issues.map((i) => ({ id: i.id, severity: i.severity.name, confidence: i.confidence.name, file: i.file, line: i.location.line, description: i.description, manualReview: i.manualReview }));
  writeFileSync(join(outputDir, `${label}.json`), JSON.stringify({ input: label, electronVersion, checks: { global: result.globalChecks, atomic: result.atomicChecks }, errors: result.errors, issues: summary }, null, 2));
  return result;
}

const blocking = (r: RunResult) => r.issues.filter((i) => i.severity.value >= SEVERITY_MEDIUM && i.confidence.value >= CONFIDENCE_FIRM);
const describeIssue = (i: Issue) => `${i.id} ${i.severity.name}/${i.confidence.name} ${i.file}:${i.location.line} ${i.description}`;

test('electronegativity: no medium+ finding at firm+ confidence in the shell, the preload or the built app', async () => {
  const run = loadOfflineRunner();
  // One scan over the app as a whole (global checks such as navigation limits look across files).
  const staged = mkdtempSync(join(tmpdir(), 'grantdesk-eng-'));
  try {
    cpSync(join(root, 'package.json'), join(staged, 'package.json'));
    cpSync(join(root, 'src-main'), join(staged, 'src-main'), { recursive: true });
    cpSync(join(root, 'src-preload'), join(staged, 'src-preload'), { recursive: true });
    const scanned = ['src-main', 'src-preload'];
    for (const part of ['main', 'preload', 'renderer']) {
      if (existsSync(join(root, 'out', part))) {
        cpSync(join(root, 'out', part), join(staged, 'out', part), { recursive: true });
        scanned.push(`out/${part}`);
      }
    }
    const result = await scan(run, staged, 'app');
    assert.ok(result.atomicChecks > 20, `atomic checks loaded: ${result.atomicChecks}`);
    assert.ok(result.globalChecks >= 4, `global checks loaded: ${result.globalChecks}`);
    const parseFailures = result.errors.filter((e) => !e.tolerable);
    assert.deepEqual(parseFailures, [], 'every file parsed');
    const bad = blocking(result);
    assert.deepEqual(bad.map(describeIssue), [], `scanned ${scanned.join(', ')}; report in ${outputDir}`);
  } finally {
    rmSync(staged, { recursive: true, force: true });
  }
});

test('electronegativity: the gate catches an insecure window (the check is not vacuous)', async () => {
  const run = loadOfflineRunner();
  const fixture = mkdtempSync(join(tmpdir(), 'grantdesk-eng-bad-'));
  try {
    writeFileSync(
      join(fixture, 'main.js'),
      "const { BrowserWindow } = require('electron');\nconst w = new BrowserWindow({ webPreferences: { nodeIntegration: true, contextIsolation: false, sandbox: false, webSecurity: false } });\nw.loadURL('http://example.com');\n",
    );
    const ids = new Set(blocking(await scan(run, fixture, 'insecure-fixture')).map((i) => i.id));
    for (const id of ['CONTEXT_ISOLATION_JS_CHECK', 'SANDBOX_JS_CHECK', 'WEB_SECURITY_JS_CHECK', 'CSP_GLOBAL_CHECK', 'LIMIT_NAVIGATION_GLOBAL_CHECK', 'PERMISSION_REQUEST_HANDLER_GLOBAL_CHECK']) {
      assert.ok(ids.has(id), `expected ${id} among ${[...ids].join(', ')}`);
    }
  } finally {
    rmSync(fixture, { recursive: true, force: true });
  }
});
