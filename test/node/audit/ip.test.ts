// ipHex's fast paths must give exactly what ipaddr.js gives.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ipHex, slowIpHex } from '../../../src-main/services/audit/ip.ts';

test('ipHex agrees with ipaddr.js on IPv6 forms, odd forms and random strings', () => {
  const fixed = ['::', '::1', '1::', '2001:db8::1', '2001:DB8::ABCD', '2001:0db8:0000:0000:0000:0000:0000:0001', '1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7::', '::2:3:4:5:6:7:8',
    '1:2:3:4:5:6::8', '1:2:3::4:5:6:7', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7', ':1:2:3:4:5:6:7', '1:2:3:4:5:6:7:', '1::2::3', ':::', '12345::1', 'g::1', '::ffff:10.0.0.1',
    'fe80::1%eth0', '00000::1', '0:0:0:0:0:0:0:0', 'abcd:ef01:2345:6789:abcd:ef01:2345:6789', '1:', ':1', '::0:0:0:0:0:0:0', '0:0:0:0:0:0:0::'];
  let seed = 42;
  const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const alphabet = '0123456789abcdefABCDEF::::g.';
  const random: string[] = [];
  for (let i = 0; i < 20_000; i++) {
    const n = 1 + Math.floor(rnd() * 40);
    let s = '';
    for (let j = 0; j < n; j++) s += alphabet[Math.floor(rnd() * alphabet.length)];
    random.push(s);
    // well-formed ones too: 1–8 groups with or without one '::'
    const groups = Array.from({ length: 1 + Math.floor(rnd() * 8) }, () => Math.floor(rnd() * 65536).toString(16).slice(0, 1 + Math.floor(rnd() * 4)));
    const at = Math.floor(rnd() * (groups.length + 2));
    random.push(at > groups.length ? groups.join(':') : `${groups.slice(0, at).join(':')}::${groups.slice(at).join(':')}`);
  }
  let valid = 0;
  for (const ip of [...fixed, ...random]) {
    const want = slowIpHex(ip);
    assert.equal(ipHex(ip), want, ip);
    if (want !== null) valid++;
  }
  assert.ok(valid > 5000, String(valid));
});
