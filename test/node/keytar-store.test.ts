// The keytar adapter's error handling, with an injected keytar whose errors are libsecret's real messages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createKeytarSecretStore } from '../../src-main/adapters/keytar-secret-store.ts';
import { AppError } from '../../src-main/rpc/app-error.ts';

type Keytar = typeof import('keytar');
const fake = (impl: Partial<Keytar>): (() => Keytar) => () => impl as Keytar;

test('an item deleted by another process mid-enumeration: list enumerates again instead of calling the keychain unavailable', async () => {
  let calls = 0;
  const store = createKeytarSecretStore({
    load: fake({
      findCredentials: async () => {
        calls++;
        if (calls === 1) throw new Error('No such secret item at path: /org/freedesktop/secrets/collection/login/498');
        return [{ account: 'ws:a', password: 'x' }, { account: '__grantdesk_probe__1_0', password: 'probe' }];
      },
    }),
  });
  assert.deepEqual(await store.list(), ['ws:a']);
  assert.equal(calls, 2);
});

test('list gives up after bounded retries with a typed error', async () => {
  let calls = 0;
  const store = createKeytarSecretStore({ load: fake({ findCredentials: async () => { calls++; throw new Error('No such secret item at path: /x'); } }) });
  await assert.rejects(store.list(), (e: unknown) => e instanceof AppError && e.code === 'keychain_unavailable');
  assert.equal(calls, 8);
});

test('get of an item that vanished returns null; a dead Secret Service stays a typed failure', async () => {
  const gone = createKeytarSecretStore({ load: fake({ getPassword: async () => { throw new Error('No such secret item at path: /x'); } }) });
  assert.equal(await gone.get('ws:a'), null);
  const dead = createKeytarSecretStore({ load: fake({ getPassword: async () => { throw new Error('Cannot autolaunch D-Bus without X11 $DISPLAY'); } }) });
  await assert.rejects(dead.get('ws:a'), (e: unknown) => e instanceof AppError && e.code === 'keychain_unavailable');
});

test('every call has a deadline: a hung keychain becomes keychain_timeout', async () => {
  const hung = createKeytarSecretStore({ timeoutMs: 50, load: fake({ setPassword: () => new Promise<void>(() => {}) }) });
  await assert.rejects(hung.set('ws:a', 'secret'), (e: unknown) => e instanceof AppError && e.code === 'keychain_timeout');
});
