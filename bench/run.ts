// `npm run bench`: runs every bench/*.bench.ts module that exports `run()`, in name order, one after another.
// BENCH_ONLY=substring limits the modules. Each module prints its own figures and baselines measured in the same run.
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const only = process.env.BENCH_ONLY;
const files = readdirSync(here).filter((f) => f.endsWith('.bench.ts') && (!only || f.includes(only))).sort();
let failed = 0;
console.log(`grantdesk bench: ${files.length} module(s) on Node ${process.version}, ${process.platform}/${process.arch}`);
for (const f of files) {
  const mod = (await import(pathToFileURL(join(here, f)).href)) as { run?: () => Promise<unknown> | unknown };
  if (typeof mod.run !== 'function') {
    console.log(`\n## ${f}: no run() export, skipped`);
    continue;
  }
  console.log(`\n## ${f}`);
  const t0 = performance.now();
  try {
    await mod.run();
    console.log(`## ${f}: done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  } catch (err) {
    failed++;
    console.log(`## ${f}: FAILED ${err instanceof Error ? err.stack : String(err)}`);
  }
}
process.exit(failed ? 1 : 0);
