// Builds the shipped CLI: src-main/cli/bin.ts bundled by esbuild into out/cli/ (ESM, minified, no TypeScript at run
// time). Commands' code sits in chunks imported when a command runs (the runtime, serve mode, undici), so `--help` or
// `health` parse only what they use. Native modules (better-sqlite3, keytar) stay external and load from node_modules.
// The build writes out/cli/stamp.json last: every input file with its size and mtime, so bin/grantdesk.mjs can tell in
// a few milliseconds whether a source changed since (then it rebuilds, or runs the sources through tsx, and says so).
// `node scripts/build-cli.mjs` builds; `--if-stale` builds only when the stamp does not match the sources.
// Run by `npm install`/`npm ci` (prepare), by `npm test` and `npm run bench` before they start CLI processes.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const OUT_DIR = 'out/cli';
export const ENTRY_FILE = 'grantdesk.mjs';
const STAMP = 'stamp.json';
/** a chunk no build references any more is removed once this old: a running `grantdesk serve` may still import it */
const OLD_CHUNK_MS = 24 * 3600_000;

/** The first input whose size or mtime differs from the stamp (or why there is no usable build); null when fresh. */
export function staleReason(root = ROOT) {
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(join(root, OUT_DIR, STAMP), 'utf8'));
  } catch {
    return `no build in ${OUT_DIR}`;
  }
  if (stamp.v !== 1 || !stamp.files) return 'the build stamp is from another version of this script';
  for (const [f, size, mtimeMs] of stamp.files) {
    let st;
    try {
      st = statSync(join(root, f));
    } catch {
      return `${f} is gone`;
    }
    if (st.size !== size || st.mtimeMs !== mtimeMs) return `${f} changed`;
  }
  if (!existsSync(join(root, OUT_DIR, ENTRY_FILE))) return `${OUT_DIR}/${ENTRY_FILE} is missing`;
  return null;
}

/**
 * esbuild's `import { z } from 'zod'` keeps every export of zod (all 40 locales, JSON-schema tools: ~300 KB) because
 * `z` is a namespace object; `import * as z` is the same object to the code and lets esbuild keep only what is used.
 */
const zodNamespace = {
  name: 'zod-namespace',
  setup(b) {
    b.onLoad({ filter: /[\\/]src-(main|common)[\\/].*\.ts$/ }, (a) => {
      const text = readFileSync(a.path, 'utf8').replace(/^import \{ z \} from 'zod';$/gm, "import * as z from 'zod';");
      return { contents: text, loader: 'ts' };
    });
  },
};

function withBuildLock(root, fn) {
  const lock = join(root, OUT_DIR, '.build.lock');
  mkdirSync(dirname(lock), { recursive: true });
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      // a builder that died leaves its lock; one older than two minutes is taken over
      try {
        if (Date.now() - statSync(lock).mtimeMs > 120_000) rmSync(lock, { recursive: true, force: true });
      } catch {
        /* removed meanwhile */
      }
      if (Date.now() > deadline) throw new Error(`another build holds ${relative(root, lock)} for two minutes; remove it if no build is running`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
    }
  }
  return fn().finally(() => rmSync(lock, { recursive: true, force: true }));
}

/**
 * Builds into a temp folder, then moves chunks (content-hashed names: a same-named chunk has the same bytes), the entry,
 * and the stamp last, each by rename: a CLI starting meanwhile sees the old build or the new one, never half of one.
 * Concurrent callers (many CLI processes finding the same stale build) wait for one build and then use it.
 */
export async function buildCli({ root = ROOT, ifStale = false } = {}) {
  if (ifStale && !staleReason(root)) return { built: false };
  return withBuildLock(root, async () => {
    if (ifStale && !staleReason(root)) return { built: false }; // someone else built it while we waited
    const esbuild = await import('esbuild');
    const out = join(root, OUT_DIR);
    const tmp = join(out, `.tmp-${process.pid}-${Date.now()}`);
    const t0 = performance.now();
    const startedAt = Date.now();
    try {
      const r = await esbuild.build({
        absWorkingDir: root,
        // the read pool's worker is a file of its own next to the chunks (adapters/sqlite-read-pool.ts finds it there)
        entryPoints: { grantdesk: 'src-main/cli/bin.ts', 'sqlite-read-worker': 'src-main/adapters/sqlite-read-worker.ts' },
        outdir: tmp,
        bundle: true,
        splitting: true,
        format: 'esm',
        platform: 'node',
        target: 'node20',
        minify: true,
        // error classes and zod's schemas are named; stacks and `instanceof`-free checks stay readable
        keepNames: true,
        sourcemap: 'linked',
        outExtension: { '.js': '.mjs' },
        chunkNames: 'chunk-[hash]',
        // native modules load their compiled addon from node_modules at run time: name every one here
        external: ['better-sqlite3', 'keytar', '@duckdb/*', '*.node'],
        // bundled CommonJS dependencies (undici, graceful-fs) call require() for Node's own modules
        banner: { js: "import { createRequire as __gdRequire } from 'node:module'; const require = __gdRequire(import.meta.url);" },
        metafile: true,
        logLevel: 'silent',
        plugins: [zodNamespace],
      });
      // our own inputs one by one; the ~300 dependency files through npm's record of what it installed (rewritten by every
      // npm install/ci/update), which keeps the check at ~170 stats (a hand-edited node_modules file goes unnoticed)
      const deps = existsSync(join(root, 'node_modules', '.package-lock.json')) ? ['node_modules/.package-lock.json'] : [];
      const files = Object.keys(r.metafile.inputs)
        .filter((f) => !f.startsWith('<') && !f.split('/').includes('node_modules'))
        .concat(relative(root, fileURLToPath(import.meta.url)).split(sep).join('/'), ...deps)
        .sort()
        .map((f) => {
          const st = statSync(join(root, f));
          // changed while (or just before) esbuild read it: which version went in is unknown, so the next start rebuilds
          return [f, st.size, st.mtimeMs >= startedAt - 100 ? -1 : st.mtimeMs];
        });
      const produced = readdirSync(tmp);
      mkdirSync(out, { recursive: true });
      for (const f of produced.filter((f) => f.startsWith('chunk-'))) renameSync(join(tmp, f), join(out, f));
      for (const f of produced.filter((f) => !f.startsWith('chunk-'))) renameSync(join(tmp, f), join(out, f));
      writeFileSync(join(tmp, STAMP), JSON.stringify({ v: 1, builtAt: new Date().toISOString(), esbuild: esbuild.version, files }) + '\n');
      renameSync(join(tmp, STAMP), join(out, STAMP));
      for (const f of readdirSync(out)) {
        if (!f.startsWith('chunk-') || produced.includes(f)) continue;
        try {
          if (Date.now() - statSync(join(out, f)).mtimeMs > OLD_CHUNK_MS) rmSync(join(out, f), { force: true });
        } catch {
          /* removed meanwhile */
        }
      }
      return { built: true, ms: performance.now() - t0, files: files.length, bytes: produced.filter((f) => f.endsWith('.mjs')).reduce((n, f) => n + statSync(join(out, f)).size, 0) };
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const ifStale = process.argv.includes('--if-stale');
  const reason = staleReason();
  const r = await buildCli({ ifStale });
  if (r.built) console.log(`grantdesk CLI built into ${OUT_DIR} (${(r.bytes / 1024).toFixed(0)} KB from ${r.files} files) in ${(r.ms / 1000).toFixed(1)} s${reason ? ` (${reason})` : ''}`);
  else console.log(`grantdesk CLI in ${OUT_DIR} is up to date`);
}
