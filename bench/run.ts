// `npm run bench`: builds the CLI if a source changed, runs every bench/*.bench.ts module that exports `run()`, in name
// order, one after another, then prints one table of every figure modules returned (bench/figures.ts) with its target,
// the baseline measured in the same run and the ratio. BENCH_ONLY=substring limits the modules.
import { readdirSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { fmt, isFigureList, type Figure } from './figures.ts';

const here = dirname(fileURLToPath(import.meta.url));
const only = process.env.BENCH_ONLY;
const files = readdirSync(here).filter((f) => f.endsWith('.bench.ts') && (!only || f.includes(only))).sort();
// the CLI benches spawn bin/grantdesk.mjs: it must run the built bundle, not rebuild inside a timed run
const { buildCli } = await import('../scripts/build-cli.mjs');
await buildCli({ ifStale: true });

let failed = 0;
const figures: { module: string; f: Figure }[] = [];
const loose: { module: string; values: Record<string, unknown> }[] = [];
console.log(`grantdesk bench: ${files.length} module(s) on Node ${process.version}, ${process.platform}/${process.arch}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB`);
for (const f of files) {
  const mod = (await import(pathToFileURL(join(here, f)).href)) as { run?: () => Promise<unknown> | unknown };
  if (typeof mod.run !== 'function') {
    console.log(`\n## ${f}: no run() export, skipped`);
    continue;
  }
  console.log(`\n## ${f}`);
  const t0 = performance.now();
  try {
    const r = await mod.run();
    if (isFigureList(r)) for (const x of r) figures.push({ module: f, f: x });
    else if (r && typeof r === 'object') loose.push({ module: f, values: r as Record<string, unknown> });
    console.log(`## ${f}: done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  } catch (err) {
    failed++;
    console.log(`## ${f}: FAILED ${err instanceof Error ? err.stack : String(err)}`);
  }
}

if (figures.length || loose.length) {
  const rows = figures.map(({ module, f }) => [
    f.met === undefined ? ' ' : f.met ? 'ok' : 'NOT MET',
    f.name,
    fmt(f.value, f.unit),
    f.target ?? '',
    f.baseline ? `${f.baseline.name}: ${fmt(f.baseline.value, f.unit)}` : '',
    f.ratio === undefined ? '' : `${f.ratio.toFixed(2)}×`,
    module.replace('.bench.ts', ''),
  ]);
  const head = ['', 'figure', 'value', 'target', 'baseline (same run)', 'ratio', 'module'];
  const width = head.map((h, i) => Math.min(70, Math.max(h.length, ...rows.map((r) => r[i]!.length))));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(width[i]!)).join(' | ');
  console.log(`\n## summary: every figure, with its baseline measured in this run`);
  console.log(line(head));
  console.log(width.map((w) => '-'.repeat(w)).join('-|-'));
  for (const r of rows) console.log(line(r));
  for (const { f } of figures.filter((x) => x.f.note)) console.log(`  note (${f.name}): ${f.note}`);
  for (const { f } of figures) console.log(`  command (${f.name}): ${f.command}`);
  for (const l of loose) console.log(`  ${l.module}: ${JSON.stringify(l.values)}`);
}
process.exit(failed ? 1 : 0);
