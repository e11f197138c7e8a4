// The app icon set in resources/: real images at the sizes each platform asks for, referenced by the packaging config
// and by the window, and exactly what scripts/make-icons.mjs draws (so the committed files are never stale).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { ICNS_TYPES, PNG_SIZES, renderIconSet } from '../../scripts/make-icons.mjs';
import { APP_ICON, buildWindowOptions } from '../../src-main/electron/security.ts';

const root = join(import.meta.dirname, '..', '..');
const res = (p: string) => join(root, 'resources', p);

/** width, height and the alpha of a pixel, decoded from the PNG itself (8-bit RGBA, filter 0 rows as we write them) */
function decodePng(buf: Buffer): { w: number; h: number; alphaAt(x: number, y: number): number } {
  assert.deepEqual([...buf.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'PNG signature');
  let off = 8;
  let w = 0, h = 0;
  const idat: Buffer[] = [];
  while (off < buf.length) {
    const len = buf.readUInt32BE(off);
    const type = buf.toString('ascii', off + 4, off + 8);
    const data = buf.subarray(off + 8, off + 8 + len);
    if (type === 'IHDR') {
      w = data.readUInt32BE(0);
      h = data.readUInt32BE(4);
      assert.equal(data[8], 8, 'bit depth 8');
      assert.equal(data[9], 6, 'RGBA');
    }
    if (type === 'IDAT') idat.push(data);
    off += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  assert.equal(raw.length, (w * 4 + 1) * h, 'pixel data matches the size');
  return { w, h, alphaAt: (x, y) => raw[y * (w * 4 + 1) + 1 + x * 4 + 3]! };
}

test('every PNG size exists, decodes at its size, transparent corners and an opaque centre', () => {
  for (const s of PNG_SIZES) {
    const png = decodePng(readFileSync(res(`icons/${s}x${s}.png`)));
    assert.equal(png.w, s);
    assert.equal(png.h, s);
    assert.equal(png.alphaAt(0, 0), 0, `${s}: corner transparent (rounded tile)`);
    assert.equal(png.alphaAt(s >> 1, s >> 1), 255, `${s}: centre opaque`);
  }
  assert.equal(decodePng(readFileSync(res('icon.png'))).w, 512);
});

test('icon.ico holds PNG entries 16–256 px whose directory sizes match the images', () => {
  const ico = readFileSync(res('icon.ico'));
  assert.equal(ico.readUInt16LE(2), 1, 'type icon');
  const n = ico.readUInt16LE(4);
  const sizes: number[] = [];
  for (let k = 0; k < n; k++) {
    const o = 6 + k * 16;
    const declared = ico[o] === 0 ? 256 : ico[o]!;
    const png = decodePng(ico.subarray(ico.readUInt32LE(o + 12), ico.readUInt32LE(o + 12) + ico.readUInt32LE(o + 8)));
    assert.equal(png.w, declared);
    sizes.push(declared);
  }
  assert.deepEqual(sizes, [16, 24, 32, 48, 64, 128, 256]);
});

test('icon.icns holds a PNG for every macOS slot, each at its size', () => {
  const icns = readFileSync(res('icon.icns'));
  assert.equal(icns.toString('ascii', 0, 4), 'icns');
  assert.equal(icns.readUInt32BE(4), icns.length);
  const seen = new Map<string, number>();
  for (let off = 8; off < icns.length; ) {
    const type = icns.toString('ascii', off, off + 4);
    const len = icns.readUInt32BE(off + 4);
    seen.set(type, decodePng(icns.subarray(off + 8, off + len)).w);
    off += len;
  }
  assert.deepEqual(Object.fromEntries(seen), Object.fromEntries(Object.entries(ICNS_TYPES).map(([s, t]) => [t, Number(s)])));
});

test('the committed icon set is exactly what scripts/make-icons.mjs draws', () => {
  for (const [name, bytes] of renderIconSet() as Map<string, Buffer>) assert.ok(readFileSync(res(name)).equals(bytes), `${name} is up to date (run node scripts/make-icons.mjs)`);
});

test('packaging and the window use the icon set', () => {
  const yml = readFileSync(join(root, 'electron-builder.yml'), 'utf8');
  for (const [key, path] of [['linux', 'resources/icons'], ['mac', 'resources/icon.icns'], ['win', 'resources/icon.ico']] as const) {
    assert.match(yml, new RegExp(`^${key}:\\n(?:  .*\\n)*?  icon: ${path.replace('.', '\\.')}$`, 'm'), `${key} icon is ${path}`);
    assert.ok(existsSync(join(root, path)), path);
  }
  assert.match(yml, /^ {2}- resources\/icon\.png$/m, 'the window icon is packed into the app');
  assert.ok(existsSync(join(root, APP_ICON)), 'the window icon exists');
  assert.equal(buildWindowOptions('/p.cjs', { icon: '/x/icon.png' }).icon, '/x/icon.png');
  assert.equal('icon' in buildWindowOptions('/p.cjs'), false);
});
