#!/usr/bin/env node
// Draws Grantdesk's app icon (a key-holed shield on an indigo tile) and writes the icon set into resources/:
// PNGs at every size the platforms ask for, icon.ico (PNG-compressed entries) and icon.icns (PNG entries).
// Pure Node (zlib only), deterministic: running it twice writes identical bytes. `node scripts/make-icons.mjs`.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const OUT = join(dirname(fileURLToPath(import.meta.url)), '..', 'resources');
export const PNG_SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024];

// CRC-32 for PNG chunks
const CRC = new Uint32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (buf) => {
  let c = 0xffffffff;
  for (const b of buf) c = CRC[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}
function encodePng(size, rgba) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  const raw = Buffer.alloc((size * 4 + 1) * size);
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0; // filter: none
    rgba.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  }
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

// Signed distances in a unit square (0..1), negative inside.
const roundedBox = (x, y, cx, cy, hw, hh, r) => {
  const qx = Math.abs(x - cx) - hw + r;
  const qy = Math.abs(y - cy) - hh + r;
  return Math.min(Math.max(qx, qy), 0) + Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) - r;
};
const circle = (x, y, cx, cy, r) => Math.hypot(x - cx, y - cy) - r;
/** a shield: a rounded top box merged with a circle-pointed bottom */
function shield(x, y) {
  const top = roundedBox(x, y, 0.5, 0.4, 0.26, 0.17, 0.05);
  // the lower half narrows to a point: intersection of two large circles
  const left = circle(x, y, 0.5 + 0.33, 0.42, 0.59);
  const right = circle(x, y, 0.5 - 0.33, 0.42, 0.59);
  const lower = Math.max(left, right, 0.4 - y);
  return Math.min(top, lower);
}
function keyhole(x, y) {
  const head = circle(x, y, 0.5, 0.43, 0.075);
  const stem = roundedBox(x, y, 0.5, 0.56, 0.035, 0.1, 0.02);
  return Math.min(head, stem);
}

function draw(size) {
  const px = Buffer.alloc(size * size * 4);
  const ss = size <= 64 ? 4 : 2; // supersampling for clean edges at small sizes
  for (let j = 0; j < size; j++) {
    for (let i = 0; i < size; i++) {
      let r = 0, g = 0, b = 0, a = 0;
      for (let sy = 0; sy < ss; sy++) {
        for (let sx = 0; sx < ss; sx++) {
          const x = (i + (sx + 0.5) / ss) / size;
          const y = (j + (sy + 0.5) / ss) / size;
          if (roundedBox(x, y, 0.5, 0.5, 0.47, 0.47, 0.2) > 0) continue; // outside the tile: transparent
          // tile: indigo, lighter towards the top
          let cr = 67 - 20 * y, cg = 56 - 18 * y, cb = 202 - 40 * y;
          if (shield(x, y) < 0 && keyhole(x, y) >= 0) (cr = 246), (cg = 247), (cb = 252);
          r += cr; g += cg; b += cb; a += 255;
        }
      }
      const n = ss * ss;
      const o = (j * size + i) * 4;
      const cov = a / n / 255;
      // store straight (non-premultiplied) colour: average over covered samples only
      const covered = a / 255 || 1;
      px[o] = Math.round(r / covered);
      px[o + 1] = Math.round(g / covered);
      px[o + 2] = Math.round(b / covered);
      px[o + 3] = Math.round(cov * 255);
    }
  }
  return encodePng(size, px);
}

function ico(entries) {
  const header = Buffer.alloc(6);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2); // icon
  header.writeUInt16LE(entries.length, 4);
  const dir = Buffer.alloc(16 * entries.length);
  let offset = 6 + dir.length;
  entries.forEach(({ size, png }, k) => {
    const o = k * 16;
    dir[o] = size >= 256 ? 0 : size;
    dir[o + 1] = size >= 256 ? 0 : size;
    dir.writeUInt16LE(1, o + 4); // planes
    dir.writeUInt16LE(32, o + 6); // bits per pixel
    dir.writeUInt32LE(png.length, o + 8);
    dir.writeUInt32LE(offset, o + 12);
    offset += png.length;
  });
  return Buffer.concat([header, dir, ...entries.map((e) => e.png)]);
}

// icns entry types that hold PNG data
export const ICNS_TYPES = { 16: 'icp4', 32: 'icp5', 64: 'icp6', 128: 'ic07', 256: 'ic08', 512: 'ic09', 1024: 'ic10' };
function icns(pngs) {
  const parts = Object.entries(ICNS_TYPES).map(([size, type]) => {
    const png = pngs.get(Number(size));
    const head = Buffer.alloc(8);
    head.write(type, 0, 'ascii');
    head.writeUInt32BE(png.length + 8, 4);
    return Buffer.concat([head, png]);
  });
  const body = Buffer.concat(parts);
  const head = Buffer.alloc(8);
  head.write('icns', 0, 'ascii');
  head.writeUInt32BE(body.length + 8, 4);
  return Buffer.concat([head, body]);
}

/** every file of the icon set, by its path inside resources/ */
export function renderIconSet() {
  const pngs = new Map(PNG_SIZES.map((s) => [s, draw(s)]));
  const files = new Map([...pngs].map(([s, png]) => [`icons/${s}x${s}.png`, png]));
  files.set('icon.png', pngs.get(512));
  files.set('icon.ico', ico([16, 24, 32, 48, 64, 128, 256].map((size) => ({ size, png: pngs.get(size) }))));
  files.set('icon.icns', icns(pngs));
  return files;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  mkdirSync(join(OUT, 'icons'), { recursive: true });
  const files = renderIconSet();
  for (const [name, bytes] of files) writeFileSync(join(OUT, name), bytes);
  console.log(`wrote ${files.size} files to ${OUT}`);
}
