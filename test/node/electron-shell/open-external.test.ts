// The Electron shell's security policy and wiring, in plain Node (split from test/node/electron-shell.test.ts by responsibility):
// openExternalUrl and the services Opener on shell.openExternal: main only, https only.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AppError } from '../../../src-main/rpc/app-error.ts';
import { openExternalUrl } from '../../../src-main/electron/security.ts';
import { createElectronOpener } from '../../../src-main/electron/shell.ts';

describe('openExternalUrl: main only, https only', () => {
  const mustNotOpen = async () => {
    throw new Error('open must not be called for a refused URL');
  };
  const refused: Array<[unknown, string]> = [
    ['http://example.com/', 'not_https'],
    ['file:///etc/passwd', 'not_https'],
    ['javascript:alert(1)', 'not_https'],
    ['smb://attacker/share', 'not_https'],
    ['ms-msdt:/id PCWDiagnostic', 'not_https'],
    ['app://grantdesk/index.html', 'not_https'],
    ['data:text/html,hi', 'not_https'],
    ['https://user:secret@example.com/', 'has_credentials'],
    ['not a url', 'malformed'],
    ['https://', 'malformed'],
    ['', 'malformed'],
    [`https://example.com/${'a'.repeat(3000)}`, 'too_long'],
    [42, 'not_a_string'],
    [null, 'not_a_string'],
    [undefined, 'not_a_string'],
    [{ toString: () => 'https://example.com' }, 'not_a_string'],
  ];
  for (const [value, reason] of refused) {
    test(`refuses ${typeof value === 'string' ? JSON.stringify(value.slice(0, 40)) : String(value)} (${reason})`, async () => {
      let called = false;
      const r = await openExternalUrl(value, async (u) => {
        called = true;
        await mustNotOpen();
        return void u;
      });
      assert.deepEqual(r, { ok: false, reason });
      assert.equal(called, false);
    });
  }
  test('opens https URLs, normalized by the URL parser', async () => {
    const opened: string[] = [];
    const r = await openExternalUrl('  https://Example.com/a b?x=1  ', async (u) => void opened.push(u));
    assert.deepEqual(r, { ok: true, url: 'https://example.com/a%20b?x=1' });
    assert.deepEqual(opened, ['https://example.com/a%20b?x=1']);
  });
  test('a failing open is reported as data, not thrown', async () => {
    const r = await openExternalUrl('https://example.com/', async () => {
      throw new Error('no browser');
    });
    assert.deepEqual(r, { ok: false, reason: 'open_failed' });
  });
  test('the services Opener built on shell.openExternal throws a typed error for non-https and never calls shell', async () => {
    const calls: string[] = [];
    const opener = createElectronOpener({ openExternal: async (u: string) => void calls.push(u) });
    await assert.rejects(opener('http://example.com/'), (e: unknown) => e instanceof AppError && e.code === 'invalid_input');
    await opener('https://example.com/consent');
    assert.deepEqual(calls, ['https://example.com/consent']);
  });
});
