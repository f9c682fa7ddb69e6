// A lock that comes while writes are under way: they finish with the whole key, and the device key they
// derive and delegate is the member key's, never one made from the scrubbed key.
import assert from 'node:assert/strict';
import { hkdfSync } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
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
