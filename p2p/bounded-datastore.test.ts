import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Key } from 'interface-datastore';
import { BoundedDatastore } from './bounded-datastore.ts';

const value = new Uint8Array([1]);
const provider = (peer: string, n: number) => new Key(`/dht/provider/KEY${n}/${peer}`);

async function count(store: BoundedDatastore, prefix: string): Promise<number> {
  let n = 0;
  for await (const _ of store.queryKeys({ prefix })) n++;
  return n;
}

test('one peer keeps at most its share of provider records; all peers together at most the total, oldest out first', async () => {
  const store = new BoundedDatastore({ perPeer: 3, total: 5 });
  for (let n = 0; n < 10; n++) await store.put(provider('mallory', n), value);
  assert.equal(await count(store, '/dht/provider'), 3, 'mallory keeps three');
  assert.ok(await store.has(provider('mallory', 0)));
  for (let n = 0; n < 3; n++) await store.put(provider(`peer${n}`, n), value);
  assert.equal(store.providerRecords, 5);
  assert.equal(await store.has(provider('mallory', 0)), false, 'the oldest went first');
  assert.ok(await store.has(provider('peer2', 2)));
  // A record put again is not counted twice; one deleted frees its place.
  await store.put(provider('peer2', 2), value);
  assert.equal(store.providerRecords, 5);
  await store.delete(provider('peer2', 2));
  assert.equal(store.providerRecords, 4);
  // Anything else (the peer store, the DHT's other records) is not bounded here.
  for (let n = 0; n < 20; n++) await store.put(new Key(`/peers/peer${n}`), value);
  assert.equal(await count(store, '/peers'), 20);
  // Through a batch too (libp2p's peer store writes in batches).
  const batch = store.batch();
  for (let n = 10; n < 20; n++) batch.put(provider('mallory', n), value);
  await batch.commit();
  assert.ok((await count(store, '/dht/provider')) <= 5);
});
