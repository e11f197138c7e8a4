#!/usr/bin/env node
// `npm run serve [-- --port N]`: builds the renderer, then serves the UI and the contract on 127.0.0.1 with a
// per-launch token; the URL is printed once (the token rides after #, never sent to a server).
import { spawn, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
const build = spawnSync(npx, ['vite', 'build', '--config', 'vite.web.config.ts', '--logLevel', 'warn'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'], shell: process.platform === 'win32' });
if (build.status !== 0) process.exit(build.status ?? 1);
const child = spawn(process.execPath, [join(root, 'bin', 'grantdesk.mjs'), 'serve', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
