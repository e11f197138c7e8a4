// Each domain is a module that owns its tables (docs/ENGINEERING.md: "Repositories own their SQL").
// 1. Table ownership: the owner of every table is derived from the migration that creates it (version ranges:
//    001–009 core, 010–019 connections, 020–029 audit, 030–039 inventory, 040–049 rotation, 050–059 reviews, 060–069 policy, 070–079 alerts, 080–089 incident, 090–099 offboarding).
//    Every string/template literal under src-main/ that holds SQL and names a table must sit in the owner's folder;
//    a bare literal naming a table (e.g. a probe argument) counts too. No code under src-main/services probes sqlite_master.
// 2. Module entries: a file in src-main/services/<A>/ (or anywhere else under src-main/) may import another domain <B>
//    only through src-main/services/<B>/index.ts (type-only imports included).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';
import { migrations } from '../../../src-main/db/migrations/index.ts';

const ROOT = resolve(import.meta.dirname, '../../..');
const SRC = join(ROOT, 'src-main');
const SERVICES = join(SRC, 'services');
const DOMAINS = ['connections', 'audit', 'inventory', 'rotation', 'review', 'policy', 'alerts', 'incident', 'offboarding'] as const;

/** Where a domain's code lives (paths relative to the repo, '/'-separated; a trailing '/' is a folder). */
const OWNER_PATHS: Record<string, string[]> = {
  core: ['src-main/services/settings-service.ts'],
  connections: ['src-main/services/connections/'],
  audit: ['src-main/services/audit/'],
  inventory: ['src-main/services/inventory/'],
  rotation: ['src-main/services/rotation/'],
  reviews: ['src-main/services/review/'],
  policy: ['src-main/services/policy/'],
  alerts: ['src-main/services/alerts/'],
  incident: ['src-main/services/incident/'],
  offboarding: ['src-main/services/offboarding/'],
};
/** The schema itself: migrations and the migration runner may name every table. */
const SCHEMA_PATHS = ['src-main/db/'];

function ownerOfVersion(v: number): string {
  if (v >= 1 && v <= 9) return 'core';
  if (v >= 10 && v <= 19) return 'connections';
  if (v >= 20 && v <= 29) return 'audit';
  if (v >= 30 && v <= 39) return 'inventory';
  if (v >= 40 && v <= 49) return 'rotation';
  if (v >= 50 && v <= 59) return 'reviews';
  if (v >= 60 && v <= 69) return 'policy';
  if (v >= 70 && v <= 79) return 'alerts';
  if (v >= 80 && v <= 89) return 'incident';
  if (v >= 90 && v <= 99) return 'offboarding';
  throw new Error(`migration ${v} is outside every domain's range`);
}

function tableOwners(): Map<string, string> {
  const owners = new Map<string, string>();
  for (const m of migrations) {
    for (const hit of m.sql.matchAll(/CREATE\s+(?:VIRTUAL\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?["`]?([A-Za-z_][A-Za-z0-9_]*)/gi)) {
      const name = hit[1]!;
      const owner = ownerOfVersion(m.version);
      const prev = owners.get(name);
      assert.ok(!prev || prev === owner, `table ${name} is created by two domains (${prev}, ${owner})`);
      owners.set(name, owner);
    }
  }
  return owners;
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? tsFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

const rel = (p: string) => relative(ROOT, p).split(sep).join('/');
const inside = (file: string, paths: string[]) => paths.some((p) => (p.endsWith('/') ? file.startsWith(p) : file === p));

/** Every string and template literal of a file (template spans joined with a placeholder), with its line. */
function literals(file: string, code = readFileSync(file, 'utf8')): { text: string; line: number }[] {
  const src = ts.createSourceFile(file, code, ts.ScriptTarget.Latest, true);
  const out: { text: string; line: number }[] = [];
  const visit = (n: ts.Node): void => {
    let text: string | null = null;
    if (ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n)) text = n.text;
    else if (ts.isTemplateExpression(n)) text = [n.head.text, ...n.templateSpans.map((s) => s.literal.text)].join(' ? ');
    if (text !== null) {
      // module specifiers are not SQL
      if (!(n.parent && (ts.isImportDeclaration(n.parent) || ts.isExportDeclaration(n.parent)))) out.push({ text, line: src.getLineAndCharacterOfPosition(n.getStart()).line + 1 });
    }
    if (!ts.isTemplateExpression(n)) ts.forEachChild(n, visit);
    else n.templateSpans.forEach((s) => visit(s.expression));
  };
  visit(src);
  return out;
}

const SQL = /\b(SELECT|INSERT|UPDATE|DELETE|FROM|JOIN|INTO)\b/;

export function tableViolations(): string[] {
  const owners = tableOwners();
  const names = [...owners.keys()];
  const wordRe = new RegExp(`(?<![A-Za-z0-9_.])(${names.join('|')})(?![A-Za-z0-9_])`, 'g');
  const problems: string[] = [];
  for (const abs of tsFiles(SRC)) {
    const file = rel(abs);
    if (inside(file, SCHEMA_PATHS)) continue;
    for (const { text, line } of literals(abs)) {
      if (file.startsWith('src-main/services/') && /sqlite_master|sqlite_schema/i.test(text)) problems.push(`${file}:${line} probes sqlite_master (migrations run before services start; ask the owning domain's read model instead)`);
      const isSql = SQL.test(text);
      // a literal that is exactly a table name with an underscore (e.g. 'audit_events' handed to a probe); plain words such
      // as 'workspaces' or 'settings' are also event topics and contract keys, so they count only inside SQL
      const bare = owners.has(text.trim()) && text.includes('_');
      if (!isSql && !bare) continue;
      const named = new Set(bare ? [text.trim()] : [...text.matchAll(wordRe)].map((m) => m[1]!));
      for (const t of named) {
        const owner = owners.get(t)!;
        if (!inside(file, OWNER_PATHS[owner]!)) problems.push(`${file}:${line} names table ${t}, owned by ${owner} (${OWNER_PATHS[owner]!.join(', ')})`);
      }
    }
  }
  return problems;
}

/** Resolved targets of every import/export/dynamic import of a file. */
function importTargets(abs: string): { target: string; line: number; spec: string }[] {
  const src = ts.createSourceFile(abs, readFileSync(abs, 'utf8'), ts.ScriptTarget.Latest, true);
  const out: { target: string; line: number; spec: string }[] = [];
  const add = (lit: ts.Expression | undefined) => {
    if (!lit || !ts.isStringLiteralLike(lit) || !lit.text.startsWith('.')) return;
    out.push({ target: resolve(dirname(abs), lit.text), line: src.getLineAndCharacterOfPosition(lit.getStart()).line + 1, spec: lit.text });
  };
  const visit = (n: ts.Node): void => {
    if (ts.isImportDeclaration(n) || ts.isExportDeclaration(n)) add(n.moduleSpecifier);
    else if (ts.isImportEqualsDeclaration(n) && ts.isExternalModuleReference(n.moduleReference)) add(n.moduleReference.expression);
    else if (ts.isCallExpression(n) && n.expression.kind === ts.SyntaxKind.ImportKeyword) add(n.arguments[0]);
    else if (ts.isImportTypeNode(n) && ts.isLiteralTypeNode(n.argument)) add(n.argument.literal as ts.Expression);
    ts.forEachChild(n, visit);
  };
  visit(src);
  return out;
}

const domainOf = (abs: string): string | null => {
  const r = relative(SERVICES, abs).split(sep);
  return r.length >= 2 && !r[0]!.startsWith('..') && (DOMAINS as readonly string[]).includes(r[0]!) ? r[0]! : null;
};

export function importViolations(): string[] {
  const problems: string[] = [];
  // every file under src-main: a domain's own files may import each other; everyone else (other domains, composition.ts,
  // handlers, cli, services/services.ts) imports a domain only through its index.ts
  for (const abs of tsFiles(SRC)) {
    const from = domainOf(abs);
    for (const { target, line, spec } of importTargets(abs)) {
      const to = domainOf(target);
      if (!to || to === from) continue;
      if (target !== join(SERVICES, to, 'index.ts')) problems.push(`${rel(abs)}:${line} imports ${spec}: another domain is reached only through src-main/services/${to}/index.ts`);
    }
  }
  return problems;
}

test('table ownership: the owner map comes from the migrations and covers every domain', () => {
  const owners = tableOwners();
  for (const [t, o] of [['settings', 'core'], ['workspaces', 'connections'], ['platforms', 'connections'], ['audit_events', 'audit'], ['inv_credentials', 'inventory'], ['rot_wizards', 'rotation'], ['review_grants', 'reviews']] as const)
    assert.equal(owners.get(t), o, t);
  // the scanner sees SQL in template literals with substitutions (and inside their expressions), and skips import specifiers
  const seen = literals('x.ts', "import { a } from './FROM.ts';\ndb.prepare(`SELECT x FROM audit_events WHERE a IN (${f('inv_credentials')})`);").map((l) => l.text);
  assert.deepEqual(seen, ['SELECT x FROM audit_events WHERE a IN ( ? )', 'inv_credentials']);
});

test('table ownership: a table is named in SQL only inside its owning domain, and nobody probes sqlite_master', () => {
  const problems = tableViolations();
  assert.deepEqual(problems, [], `\n${problems.join('\n')}`);
});

test('module entries: a domain is imported only through its index.ts, by other domains and by the rest of src-main', () => {
  const problems = importViolations();
  assert.deepEqual(problems, [], `\n${problems.join('\n')}`);
});
