// Every test asserts something (docs/ENGINEERING.md: no tests that assert nothing). Each `test(...)`/`it(...)` (and a
// subtest `t.test(...)`) in test/**/*.test.ts is parsed with the TypeScript parser; its callback must contain an
// assertion: a call to `assert(...)`/`assert.x(...)`/`t.assert.x(...)`/`expect(...)`, or to anything named `*rejects*`/
// `*throws*` — directly, or inside a function defined in the same file that the callback calls (followed transitively
// by name: function declarations, `const f = () => ...`, object-literal methods). A helper imported from another file
// that asserts is named with an explicit escape comment inside the callback, `// asserts-in: <helper>`, and the
// callback must call that helper (a stale escape fails too). Use it sparingly: prefer an assertion in the test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import ts from 'typescript';

const ROOT = resolve(import.meta.dirname, '../../..');
const TEST_DIR = join(ROOT, 'test');

const files = (dir: string): string[] =>
  readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.test.ts') ? [p] : [];
  });

type FnNode = ts.FunctionLikeDeclaration;
const isFn = (n: ts.Node | undefined): n is FnNode => !!n && (ts.isArrowFunction(n) || ts.isFunctionExpression(n) || ts.isFunctionDeclaration(n) || ts.isMethodDeclaration(n));

/** The name a call is made by: `f(...)` -> f, `a.b.f(...)` -> f. */
function calleeName(e: ts.Expression): string | null {
  if (ts.isIdentifier(e)) return e.text;
  if (ts.isPropertyAccessExpression(e)) return e.name.text;
  return null;
}

/** `assert(...)`, `assert.equal(...)`, `t.assert.ok(...)`, `expect(...)`, `*.rejects(...)`, `assertThrows(...)`. */
function isAssertionCall(call: ts.CallExpression): boolean {
  const e = call.expression;
  const name = calleeName(e);
  if (name === null) return false;
  if (name === 'assert' || name === 'expect' || /rejects|throws/i.test(name)) return true;
  return ts.isPropertyAccessExpression(e) && calleeName(e.expression) === 'assert';
}

/** Test callbacks: the last function argument of `test(...)`, `it(...)`, `test.only(...)`, `t.test(...)`. */
function isTestCall(call: ts.CallExpression): boolean {
  const e = call.expression;
  if (ts.isIdentifier(e)) return e.text === 'test' || e.text === 'it';
  if (ts.isPropertyAccessExpression(e)) {
    const base = e.expression;
    if (ts.isIdentifier(base) && (base.text === 'test' || base.text === 'it')) return e.name.text === 'only';
    return e.name.text === 'test'; // t.test(...): a subtest
  }
  return false;
}

/** Helpers named by `// asserts-in: <helper>` line comments (real comments only, not text inside strings). */
function escapeComments(code: string): string[] {
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, false, ts.LanguageVariant.Standard, code);
  const out: string[] = [];
  for (let k = scanner.scan(); k !== ts.SyntaxKind.EndOfFileToken; k = scanner.scan()) {
    if (k !== ts.SyntaxKind.SingleLineCommentTrivia) continue;
    const m = /^\/\/\s*asserts-in:\s*([A-Za-z_$][\w$]*)/.exec(scanner.getTokenText());
    if (m) out.push(m[1]!);
  }
  return out;
}

export interface Unasserted {
  file: string;
  line: number;
  name: string;
  reason: string;
}

/** The tests of one source file whose callback reaches no assertion. */
export function unassertedTests(file: string, text: string): Unasserted[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  // functions defined in this file, by the name they are called by
  const local = new Map<string, FnNode[]>();
  const define = (name: string, fn: FnNode) => local.set(name, [...(local.get(name) ?? []), fn]);
  const tests: Array<{ call: ts.CallExpression; fn: FnNode }> = [];
  const collect = (n: ts.Node): void => {
    if (ts.isFunctionDeclaration(n) && n.name) define(n.name.text, n);
    if (ts.isMethodDeclaration(n) && (ts.isIdentifier(n.name) || ts.isStringLiteral(n.name))) define(n.name.text, n);
    if ((ts.isVariableDeclaration(n) || ts.isPropertyAssignment(n)) && isFn(n.initializer) && (ts.isIdentifier(n.name) || ts.isStringLiteral(n.name))) define(n.name.text, n.initializer);
    if (ts.isCallExpression(n) && isTestCall(n)) {
      const fn = [...n.arguments].reverse().find((a): a is ts.ArrowFunction | ts.FunctionExpression => ts.isArrowFunction(a) || ts.isFunctionExpression(a));
      if (fn) tests.push({ call: n, fn });
    }
    ts.forEachChild(n, collect);
  };
  collect(sf);

  const asserting = new Map<FnNode, boolean>();
  const reaches = (fn: FnNode, seen: Set<FnNode>): boolean => {
    const known = asserting.get(fn);
    if (known !== undefined) return known;
    if (seen.has(fn)) return false;
    seen.add(fn);
    let found = false;
    const walk = (n: ts.Node): void => {
      if (found) return;
      if (ts.isCallExpression(n)) {
        if (isAssertionCall(n)) found = true;
        else {
          const name = calleeName(n.expression);
          if (name && (local.get(name) ?? []).some((f) => f !== fn && reaches(f, seen))) found = true;
        }
      }
      if (!found) ts.forEachChild(n, walk);
    };
    if (fn.body) walk(fn.body);
    asserting.set(fn, found);
    return found;
  };

  const out: Unasserted[] = [];
  for (const { call, fn } of tests) {
    const first = call.arguments[0];
    const name = first && (ts.isStringLiteral(first) || ts.isNoSubstitutionTemplateLiteral(first)) ? first.text : first ? first.getText(sf).slice(0, 80) : '(unnamed)';
    const line = sf.getLineAndCharacterOfPosition(call.getStart(sf)).line + 1;
    const escapes = fn.body ? escapeComments(fn.body.getFullText(sf)) : [];
    if (escapes.length) {
      const called = new Set<string>();
      const walk = (n: ts.Node): void => {
        if (ts.isCallExpression(n)) {
          const c = calleeName(n.expression);
          if (c) called.add(c);
        }
        ts.forEachChild(n, walk);
      };
      if (fn.body) walk(fn.body);
      const stale = escapes.filter((h) => !called.has(h));
      if (stale.length) out.push({ file, line, name, reason: `"// asserts-in: ${stale.join(', ')}" names a helper the test does not call` });
      continue;
    }
    if (!reaches(fn, new Set())) out.push({ file, line, name, reason: 'no assert/expect/rejects/throws in the callback or the same-file functions it calls' });
  }
  return out;
}

test('the scanner: finds a test that asserts nothing, follows same-file helpers, honours a named escape and refuses a stale one', () => {
  const src = `
    import { helperElsewhere } from './elsewhere.ts';
    const check = (x: number) => assert.equal(x, 1);
    function indirect() { return check(1); }
    const obj = { verify() { expect(2).toBe(2); } };
    test('screenshot only', async () => { await page.screenshot(); });
    test('asserts directly', () => { assert.ok(true); });
    test('asserts through a local helper chain', async () => { indirect(); });
    test('asserts through an object method', () => { obj.verify(); });
    test('rejects counts', async () => { await assert.rejects(p); });
    test('t.assert counts', (t) => { t.assert.equal(1, 1); });
    it('it() too, with nothing', () => { const x = 1; void x; });
    test('imported helper, escaped', async () => {
      // asserts-in: helperElsewhere
      await helperElsewhere();
    });
    test('stale escape', async () => {
      // asserts-in: gone
      await somethingElse();
    });
    test('recursion does not loop', () => { const r = () => r(); r(); });
    test('parent', async (t) => { await t.test('child without assertions', () => { void 0; }); });
  `;
  const found = unassertedTests('synthetic.test.ts', src).map((u) => `${u.name}: ${u.reason.split(' ')[0]}`);
  assert.deepEqual(found, [
    'screenshot only: no',
    'it() too, with nothing: no',
    'stale escape: "//',
    'recursion does not loop: no',
    'parent: no',
    'child without assertions: no',
  ]);
});

test('every test in test/**/*.test.ts asserts something', () => {
  const all = files(TEST_DIR);
  assert.ok(all.length >= 50, `${all.length} test files found under test/`);
  const found = all.flatMap((f) => unassertedTests(relative(ROOT, f), readFileSync(f, 'utf8')));
  assert.deepEqual(
    found.map((u) => `${u.file}:${u.line} "${u.name}": ${u.reason}`),
    [],
    'tests that assert nothing (assert what the test is meant to show, or name an imported asserting helper with // asserts-in: <helper>)',
  );
});
