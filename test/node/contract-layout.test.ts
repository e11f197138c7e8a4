// The contract's layout is checked, not remembered: a command `x.verb` is declared in src-common/contract/x.ts (and
// nowhere else), and the id / workspace / scope schemas inputs validate with are declared once, in ids.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { contract, COMMAND_NAMES } from '../../src-common/contract/index.ts';

const dir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src-common', 'contract');
/** index.ts merges the domain maps (its `contract` is the union by design); api.ts holds types only */
const MERGERS = new Set(['index.ts', 'api.ts']);
const sources = readdirSync(dir)
  .filter((f) => f.endsWith('.ts') && !MERGERS.has(f))
  .sort();

function isCommandMap(v: unknown): v is Record<string, unknown> {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return false;
  const values = Object.values(v);
  return values.length > 0 && values.every((c) => !!c && typeof c === 'object' && 'input' in c && 'output' in c && 'mutates' in c);
}

test('every command is declared in the file named for its prefix, exactly once, and index.ts merges them all', async () => {
  const declaredIn = new Map<string, string[]>();
  for (const file of sources) {
    const mod = (await import(pathToFileURL(join(dir, file)).href)) as Record<string, unknown>;
    const prefix = basename(file, '.ts');
    for (const [exportName, value] of Object.entries(mod)) {
      if (!isCommandMap(value)) continue;
      for (const name of Object.keys(value)) {
        assert.ok(name.startsWith(`${prefix}.`), `${file} exports ${exportName} with "${name}": it belongs in ${name.split('.')[0]}.ts`);
        declaredIn.set(name, [...(declaredIn.get(name) ?? []), `${file}:${exportName}`]);
        assert.ok((value as Record<string, unknown>)[name] === contract[name as keyof typeof contract], `${name} in ${file} is not the one index.ts merged`);
      }
    }
  }
  for (const [name, where] of declaredIn) assert.equal(where.length, 1, `${name} is declared more than once: ${where.join(', ')}`);
  assert.deepEqual([...declaredIn.keys()].sort(), [...COMMAND_NAMES].sort(), 'index.ts merges exactly the commands the domain files declare');
});

/** names an id, a workspace reference or a scope (a trailing `Schema` is ignored): `workspaceId`, `keyId`, `platformRef`, `scopeName`, `readScope`, `id`, `workspaces` */
const ID_LIKE = /^(?:id|ids|workspace|workspaces)$|Ids?$|Refs?$|[sS]cope/;
/** `name: z.string().min(…` / `const name = z.array(z.string().regex(…`: a string schema with its own rules */
const RULED_STRING = /([A-Za-z_$][\w$]*)\s*[:=]\s*(?:z\.array\(\s*)?z\s*\.\s*string\(\)\s*\.\s*(?:min|max|length|regex|startsWith|endsWith|includes|trim|nonempty)\(/g;

function ruledIdStrings(source: string): string[] {
  const found: string[] = [];
  for (const m of source.matchAll(RULED_STRING)) {
    const name = m[1]!.replace(/Schema$/, '');
    if (ID_LIKE.test(name)) found.push(m[0]);
  }
  return found;
}

test('the scanner sees the declarations it is meant to catch (and not plain output fields)', () => {
  assert.deepEqual(ruledIdStrings("const workspaceId = z.string().min(1).max(200).regex(/x/, 'y');").length, 1);
  assert.deepEqual(ruledIdStrings('  credentialId: z.string().min(1).max(200).optional(),').length, 1);
  assert.deepEqual(ruledIdStrings("const readScope = z.string().regex(/^a$/, 'b');").length, 1);
  assert.deepEqual(ruledIdStrings('export const scopeNameSchema = z.string().min(1);').length, 1);
  assert.deepEqual(ruledIdStrings('  workspaces: z.array(z.string().min(1)).max(500).optional(),').length, 1);
  assert.deepEqual(ruledIdStrings('  workspaceId: z.string(),\n  credentialId: z.string().nullable(),\n  name: z.string().min(1).max(200),').length, 0);
});

test('id, workspace and scope string schemas are declared only in ids.ts', () => {
  const offenders = sources.filter((f) => f !== 'ids.ts').flatMap((f) => ruledIdStrings(readFileSync(join(dir, f), 'utf8')).map((d) => `${f}: ${d}`));
  assert.deepEqual(offenders, [], 'declare it once in src-common/contract/ids.ts and import it');
  assert.ok(ruledIdStrings(readFileSync(join(dir, 'ids.ts'), 'utf8')).length > 0, 'ids.ts declares the id schemas');
});
