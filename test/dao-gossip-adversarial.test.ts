// A stranger on a DAO's gossip topic, next to two real hosts of the DAO: it reads only ciphertext, and every
// kind of message it injects (malformed, oversized, sealed with a key it made up, a replay of a real message)
// is rejected, never stored, and costs it gossip score at the host; silent sockets it holds open keep no member out.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { generateKeyPair } from '@libp2p/crypto/keys';
import { recordHashFromId } from '../core/ledger/record.ts';
import { daoTopic, gossipScore, maxGossipBytes } from '../p2p/dao-sync.ts';
import { gossipKeyId, groupKeyId, sealGossip } from '../p2p/gossip-cipher.ts';
import { BoundedDatastore } from '../p2p/bounded-datastore.ts';
import { createMeshNode, type MeshNode } from '../p2p/mesh-node.ts';
import { CID } from 'multiformats/cid';
import * as raw from 'multiformats/codecs/raw';
import { sha256 } from 'multiformats/hashes/sha2';
import { startHostMesh, until, type HostMesh } from './fixtures/host-mesh.ts';

let mesh: HostMesh;
let stranger: MeshNode;

before(async () => {
  mesh = await startHostMesh(2);
  stranger = await createMeshNode({ privateKey: await generateKeyPair('Ed25519'), listen: ['/ip4/127.0.0.1/tcp/0'], bootstrap: [], mdns: false });
  await stranger.start();
});

after(async () => {
  await stranger?.stop();
  await mesh?.stop();
});

test('a stranger on the topic reads only ciphertext, and what it injects is rejected and costs it score', async () => {
  const { hosts, dao } = mesh;
  const [a, b] = hosts as [NonNullable<HostMesh['hosts'][number]>, NonNullable<HostMesh['hosts'][number]>];
  const heard: Uint8Array[] = [];
  stranger.services.pubsub.addEventListener('message', (event) => heard.push(event.detail.data));
  stranger.services.pubsub.subscribe(daoTopic(dao));
  await stranger.dial(a.mesh.getMultiaddrs()[0]!);
  await until('the stranger to see A on the topic', () => stranger.services.pubsub.getSubscribers(daoTopic(dao)).length > 0, 20_000);
  await new Promise((resolve) => setTimeout(resolve, 2500)); // heartbeats: the stranger joins A's mesh

  const title = 'Budget for the secret garden';
  await a.call('dao.propose', { dao, title, params: { kind: 'signal', text: 'members only' } });
  await until('the stranger to be sent something', () => heard.length > 0, 20_000);
  for (const message of heard) {
    assert.equal(Buffer.from(message).includes(Buffer.from(title)), false);
    assert.notEqual(gossipKeyId(message), null);
  }

  const before = a.daos.replica(dao)!.ledger.size;
  const ownKey = new Uint8Array(randomBytes(32));
  const injections = [
    new Uint8Array([0xde, 0xad, 0xbe, 0xef]), // malformed
    new Uint8Array(maxGossipBytes + 1024).fill(1), // oversized
    sealGossip({ id: groupKeyId(ownKey), key: ownKey }, recordHashFromId(dao), new Uint8Array(200).fill(7)), // a key it made up
  ];
  let sent = 0;
  await until('A to score the stranger down', async () => {
    const next = injections[sent % injections.length]!;
    sent++;
    // Each repeat differs by a byte at the end (the seen-cache would drop exact repeats unvalidated).
    const variant = new Uint8Array(next.length + 1);
    variant.set(next);
    variant[next.length] = sent & 0xff;
    await stranger.services.pubsub.publish(daoTopic(dao), variant).catch(() => {});
    await new Promise((resolve) => setTimeout(resolve, 100));
    return gossipScore(a.mesh, stranger.peerId.toString()) < 0;
  }, 30_000);
  assert.equal(a.daos.replica(dao)!.ledger.size, before, 'nothing the stranger sent was stored');
  assert.equal(b.daos.replica(dao)!.ledger.size >= before, true);
  // The members keep working: a new record still reaches B.
  const { proposal } = await a.call('dao.propose', { dao, title: 'After the noise', params: { kind: 'signal', text: '' } });
  await until('B to receive it', () => b.daos.replica(dao)!.ledger.has(proposal), 20_000);
});

test("a message from one of the DAO's nodes that the key it names does not open is ignored, not scored: two keys sharing an id must not split the mesh", async () => {
  // A member who finds two keys with one 8-byte id (about 2^32 hashes) can box one to some members and the other
  // to the rest; each side's messages then fail to open on the other. Such a message from a DAO node now costs
  // it nothing and asks it for catch-up; rejecting it had cost honest nodes their gossip score.
  const { hosts, dao } = mesh;
  const [a, b] = hosts as [NonNullable<HostMesh['hosts'][number]>, NonNullable<HostMesh['hosts'][number]>];
  const heard: Uint8Array[] = [];
  const listen = (event: CustomEvent<{ topic: string; data: Uint8Array }>): void => {
    if (event.detail.topic === daoTopic(dao)) heard.push(event.detail.data);
  };
  b.mesh.services.pubsub.addEventListener('message', listen);
  // Gossip needs the two in each other's mesh (heartbeats); until then records go by catch-up: write until one is heard.
  let written = 0;
  await until('B to hear A on gossip', async () => {
    if (heard.length === 0) await a.call('dao.propose', { dao, title: `Which key? ${written++}`, params: { kind: 'signal', text: '' } });
    await new Promise((resolve) => setTimeout(resolve, 500));
    return heard.length > 0;
  }, 30_000);
  b.mesh.services.pubsub.removeEventListener('message', listen);
  const keyId = gossipKeyId(heard[0]!)!;
  const otherKey = new Uint8Array(randomBytes(32));
  for (let i = 0; i < 20; i++) {
    const message = sealGossip({ id: keyId, key: otherKey }, recordHashFromId(dao), new Uint8Array(200).fill(i));
    await b.mesh.services.pubsub.publish(daoTopic(dao), message).catch(() => {});
  }
  await new Promise((resolve) => setTimeout(resolve, 2000));
  assert.ok(gossipScore(a.mesh, b.mesh.peerId.toString()) >= 0, `B's score at A: ${gossipScore(a.mesh, b.mesh.peerId.toString())}`);
  const { proposal } = await b.call('dao.propose', { dao, title: 'Still heard', params: { kind: 'signal', text: '' } });
  await until('A to receive it', () => a.daos.replica(dao)!.ledger.has(proposal), 20_000);
});

test('a stranger holding many silent sockets open does not keep a member from connecting', async () => {
  const [a, b] = mesh.hosts as [NonNullable<HostMesh['hosts'][number]>, NonNullable<HostMesh['hosts'][number]>];
  const target = a.mesh.getMultiaddrs()[0]!;
  const [, , host, , port] = target.toString().split('/') as [string, string, string, string, string];
  // Sixty connections that never say a word (libp2p let ten such keep out every inbound connection), opened
  // under the per-address rate, and opened again as soon as the node drops one.
  const sockets = new Set<Socket>();
  let attacking = true;
  const open = (): void => {
    if (!attacking) return;
    const socket = connect({ host, port: Number(port) });
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => {
      sockets.delete(socket);
      setTimeout(open, 50);
    });
  };
  try {
    for (let i = 0; i < 60; i++) {
      open();
      await new Promise((resolve) => setTimeout(resolve, 60));
    }
    for (let attempt = 0; attempt < 3; attempt++) {
      for (const connection of b.mesh.getConnections(a.mesh.peerId)) await connection.close();
      const connection = await b.mesh.dial(target, { signal: AbortSignal.timeout(10_000) });
      assert.equal(connection.remotePeer.toString(), a.mesh.peerId.toString());
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    assert.ok(sockets.size >= 50, `the attack held ${sockets.size} sockets`);
  } finally {
    attacking = false;
    for (const socket of sockets) socket.destroy();
  }
});

test("a stranger that provides thousands of keys on a node's DHT gets only its share of the node's memory", async () => {
  const [a] = mesh.hosts as [NonNullable<HostMesh['hosts'][number]>];
  const flooder = await createMeshNode({ privateKey: await generateKeyPair('Ed25519'), listen: ['/ip4/127.0.0.1/tcp/0'], bootstrap: [], mdns: false });
  await flooder.start();
  try {
    await flooder.dial(a.mesh.getMultiaddrs()[0]!);
    const datastore = (a.mesh as unknown as { components: { datastore: BoundedDatastore } }).components.datastore;
    const held = async (): Promise<number> => {
      let count = 0;
      for await (const key of datastore.queryKeys({ prefix: '/dht/provider' })) if (key.toString().endsWith(`/${flooder.peerId.toString()}`)) count++;
      return count;
    };
    // Each provide asks the closest DHT servers it knows (A alone) to keep a record that the flooder provides it.
    for (let i = 0; i < 320; i++) {
      const key = CID.createV1(raw.code, await sha256.digest(randomBytes(32)));
      for await (const _event of flooder.services.dht.provide(key, { signal: AbortSignal.timeout(5_000) })) {
        // drained: the provide runs as its events are read
      }
    }
    await until('A to take in what it was sent', async () => (await held()) >= 256, 20_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(await held(), 256, "the flooder's share, no more");
  } finally {
    await flooder.stop();
  }
});
