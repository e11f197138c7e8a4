// One platform client (src-main/platform/): every REST path of the platform is written in exactly one place, the
// module of its API area. A string or template literal under src-main/ that starts with `/v1/` (or a template with a part
// that does, as in `${base}/v1/workspace`) outside src-main/platform/ is a second client in the making and fails here. Match patterns over recorded endpoints (the audit explorer's
// `/v1/contacts*` filter, SQL `LIKE '/v1/contacts/%'`) are data, not requests: a literal holding `*` or `%` is exempt.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

const ROOT = resolve(import.meta.dirname, '../../..');
const SRC = join(ROOT, 'src-main');
const PLATFORM = join(SRC, 'platform') + sep;

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? tsFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** Every string/template literal that starts with `/v1/`: [line, text]. */
function v1Literals(file: string): Array<[number, string]> {
  const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const out: Array<[number, string]> = [];
  const visit = (n: ts.Node) => {
    let text: string | null = null;
    let parts: string[] = [];
    if (ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n)) parts = [(text = n.text)];
    else if (ts.isTemplateExpression(n)) {
      // `${base}/v1/workspace` builds a URL too: any part of a template that starts with /v1/ counts
      text = n.head.text + n.templateSpans.map((s) => '${}' + s.literal.text).join('');
      parts = [n.head.text, ...n.templateSpans.map((s) => s.literal.text)];
    }
    if (text !== null && parts.some((p) => p.startsWith('/v1/')) && !/[*%]/.test(text)) out.push([sf.getLineAndCharacterOfPosition(n.getStart()).line + 1, text]);
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

test('no REST path of the platform is written outside src-main/platform/', () => {
  const offenders = tsFiles(SRC)
    .filter((f) => !f.startsWith(PLATFORM))
    .flatMap((f) => v1Literals(f).map(([line, text]) => `${relative(ROOT, f).split(sep).join('/')}:${line} ${text}`));
  assert.deepEqual(offenders, [], `call the platform through src-main/platform/ (createPlatformClient), not with a path of your own:\n${offenders.join('\n')}`);
});

test('each REST path is written once inside src-main/platform/', () => {
  const seen = new Map<string, string[]>();
  const files = statSync(PLATFORM, { throwIfNoEntry: false }) ? tsFiles(PLATFORM) : [];
  for (const f of files) for (const [line, text] of v1Literals(f)) seen.set(text, [...(seen.get(text) ?? []), `${relative(ROOT, f)}:${line}`]);
  assert.ok(files.length > 0, 'src-main/platform/ holds the platform client');
  const twice = [...seen].filter(([, at]) => at.length > 1).map(([p, at]) => `${p}: ${at.join(', ')}`);
  assert.deepEqual(twice, [], `a REST path written twice:\n${twice.join('\n')}`);
});
