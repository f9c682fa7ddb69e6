// A lock that comes while writes are under way: they finish with the whole key, and the device key they
// derive and delegate is the member key's, never one made from the scrubbed key. A lock that comes while an
// unlock derives its key stands.
import assert from 'node:assert/strict';
import { hkdfSync } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { connectApi, readApiEndpoint } from './api-client.ts';
import { startHost } from './host.ts';
import { createNativeEd25519Signer } from './native-ed25519.ts';

const fast = { N: 2 ** 12, r: 8, p: 1 };

test('a lock while a DAO is being created scrubs nothing the create still uses, and the device key is the member key\'s', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'daomesh-lock-'));
  const host = await startHost({ dataDir, listen: ['/ip4/127.0.0.1/tcp/0'], mdns: false, scryptParams: fast });
  try {
    const { address } = await host.keystore.create('correct horse battery');
    const key = host.keystore.key;
    // The create takes the key, then waits for the device salt on disk: the lock lands in between.
    const creating = host.daos.create({ name: 'Race', preset: 'simple-majority' });
    host.keystore.lock();
    const { dao } = await creating;
    await host.keystore.unlock('correct horse battery');
    const salt = await readFile(join(dataDir, 'device-signing-salt'));
    const deviceKey = (privateKey: Uint8Array) => createNativeEd25519Signer(new Uint8Array(hkdfSync('sha256', privateKey, salt, 'daomesh device signing key v1', 32))).publicKey;
    const replica = host.daos.replica(dao)!;
    assert.ok(replica.delegationOf(address, deviceKey(key.privateKey)), 'the member key delegates its own device key');
    assert.equal(replica.delegationOf(address, deviceKey(new Uint8Array(32))), undefined, 'no device key made from zeros');
    // Writes after the unlock use the same device key.
    const { dao: second } = await host.daos.create({ name: 'After', preset: 'simple-majority' });
    assert.ok(host.daos.replica(second)!.delegationOf(address, deviceKey(key.privateKey)));
  } finally {
    await host.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
});

test('a lock that comes while the identity is being unlocked wins: the identity stays locked and signs nothing', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'daomesh-lock-'));
  // Slow enough a key derivation that the lock lands while it runs.
  const host = await startHost({ dataDir, listen: ['/ip4/127.0.0.1/tcp/0'], mdns: false, scryptParams: { N: 2 ** 16, r: 8, p: 1 } });
  const endpoint = await readApiEndpoint(dataDir);
  const unlocking = await connectApi(endpoint);
  const locking = await connectApi(endpoint);
  try {
    await unlocking.call('identity.create', { passphrase: 'correct horse battery' });
    const { dao } = await unlocking.call('dao.create', { name: 'Locked', preset: 'simple-majority' });
    await locking.call('identity.lock', {});
    // Another window (or `daomesh identity lock` from a script) locks the node while this unlock derives its key.
    const unlocked = unlocking.call('identity.unlock', { passphrase: 'correct horse battery' });
    let settled = false;
    void unlocked.finally(() => (settled = true)).catch(() => {});
    await locking.call('identity.lock', {});
    assert.equal(settled, false, 'the lock was answered while the unlock still ran');
    await assert.rejects(unlocked, { code: 'IDENTITY_LOCKED' });
    assert.equal((await locking.call('node.status', {})).identity, 'locked');
    await assert.rejects(locking.call('dao.propose', { dao, title: 'After the lock', params: { kind: 'signal', text: 'x' } }), { code: 'IDENTITY_LOCKED' });
    // An unlock asked for after the lock works as ever.
    await unlocking.call('identity.unlock', { passphrase: 'correct horse battery' });
    assert.equal((await locking.call('node.status', {})).identity, 'unlocked');
  } finally {
    unlocking.close();
    locking.close();
    await host.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
});
