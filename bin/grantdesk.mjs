#!/usr/bin/env node
// The grantdesk CLI. Runs the built bundle (out/cli/grantdesk.mjs, from scripts/build-cli.mjs: no TypeScript at run time)
// when its stamp matches the sources. A source edited since the build is never run stale: the bundle is rebuilt first
// (saying so on stderr), or, if it cannot be built (no esbuild, a build error), the sources run through tsx, saying so.
// GRANTDESK_CLI_FROM_SOURCE=1 runs the sources through tsx on purpose (no bundle, no message).
// The check stats every bundled source (about 170 files, a few ms); it is inlined here so a fresh start loads one file.
import { readFileSync, statSync } from 'node:fs';

const root = new URL('..', import.meta.url);
const entry = new URL('out/cli/grantdesk.mjs', root);

/** Why the built CLI may not match the sources (the same rule as staleReason in scripts/build-cli.mjs), or null. */
function staleReason() {
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(new URL('out/cli/stamp.json', root), 'utf8'));
  } catch {
    return 'the CLI is not built yet';
  }
  if (stamp.v !== 1 || !Array.isArray(stamp.files)) return 'the CLI was built by another version of the build script';
  for (const [f, size, mtimeMs] of stamp.files) {
    const st = statSync(new URL(f, root), { throwIfNoEntry: false });
    if (!st) return `${f} is gone`;
    if (st.size !== size || st.mtimeMs !== mtimeMs) return `${f} changed`;
  }
  return null;
}

async function fromSource(why) {
  if (why) process.stderr.write(`grantdesk: ${why}; running the TypeScript sources through tsx instead (slower start). Run \`npm run build:cli\` to fix.\n`);
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src-main/cli/bin.ts');
}

if (process.env.GRANTDESK_CLI_FROM_SOURCE === '1') await fromSource(null);
else {
  const reason = staleReason();
  if (!reason) await import(entry.href);
  else {
    let built = false;
    let failure = '';
    try {
      process.stderr.write(`grantdesk: ${reason} since the CLI was built; rebuilding out/cli…\n`);
      const { buildCli } = await import('../scripts/build-cli.mjs');
      const r = await buildCli({ ifStale: true });
      process.stderr.write(`grantdesk: rebuilt${r.built ? ` in ${(r.ms / 1000).toFixed(1)} s` : ' by another process'}.\n`);
      built = true;
    } catch (err) {
      const first = err?.errors?.[0]; // an esbuild error: where and what
      const what = first ? `${first.location ? `${first.location.file}:${first.location.line}: ` : ''}${first.text}` : String(err?.message ?? err).split('\n')[0];
      failure = err?.code === 'ERR_MODULE_NOT_FOUND' ? 'esbuild is not installed, so the CLI cannot be rebuilt' : `rebuilding the CLI failed (${what})`;
    }
    if (built) await import(entry.href);
    else await fromSource(failure);
  }
}
