// Builds better-sqlite3 and keytar for Electron's ABI into build/native-electron/ (better_sqlite3.node, keytar.node),
// WITHOUT touching node_modules, which stays on Node's ABI for the CLI, serve mode and the tests.
// How: copy the two packages into a staging folder, run @electron/rebuild there (prebuilt binaries when the
// download host is reachable, else node-gyp with Electron's headers), and copy the .node files out.
// Run by `npm run package` and by `npm start` when Electron is present; never as a postinstall.
// The packaged app loads them from <resources>/native (electron-builder extraResources), the dev app from here.
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rebuild } from '@electron/rebuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'build', 'native-electron');
const staging = join(out, '.staging');
const MODULES = { 'better-sqlite3': 'better_sqlite3.node', keytar: 'keytar.node' };

const pkgJson = (name) => JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8'));
const electronVersion = pkgJson('electron').version;

rmSync(staging, { recursive: true, force: true });
mkdirSync(join(staging, 'node_modules'), { recursive: true });
const copied = new Set();
const copyWithDeps = (name) => {
  if (copied.has(name) || !existsSync(join(root, 'node_modules', name))) return;
  copied.add(name);
  cpSync(join(root, 'node_modules', name), join(staging, 'node_modules', name), { recursive: true, dereference: true });
  for (const dep of Object.keys(pkgJson(name).dependencies ?? {})) copyWithDeps(dep);
};
const deps = {};
for (const name of Object.keys(MODULES)) {
  copyWithDeps(name);
  deps[name] = pkgJson(name).version;
}
writeFileSync(join(staging, 'package.json'), JSON.stringify({ name: 'grantdesk-native-staging', private: true, dependencies: deps }, null, 2));

console.log(`Rebuilding ${Object.keys(MODULES).join(', ')} for Electron ${electronVersion} in ${staging}`);
await rebuild({ buildPath: staging, electronVersion, onlyModules: Object.keys(MODULES), force: true, mode: 'sequential' });

for (const [name, file] of Object.entries(MODULES)) {
  const built = join(staging, 'node_modules', name, 'build', 'Release', file);
  if (!existsSync(built)) throw new Error(`${name}: ${built} was not produced`);
  cpSync(built, join(out, file));
  console.log(`  ${file} -> ${join(out, file)}`);
}
rmSync(staging, { recursive: true, force: true });
