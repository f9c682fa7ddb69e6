// A peer the DAO serves (a member's node, or any device with a valid invite) can try to hold a node's one
// catch-up session for the DAO: by no longer reading what it is sent, by sending envelopes it was not asked
// for, or by trickling them just inside the read timeout. Each is cut off (timeouts are shortened here through
// the options) and the node goes on syncing with its honest peers. Real libp2p nodes on 127.0.0.1.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, test } from 'node:test';
import { generateKeyPair } from '@libp2p/crypto/keys';
import type { Stream } from '@libp2p/interface';
import { lpStream } from '@libp2p/utils';
import { sha256 } from '@noble/hashes/sha2.js';
import { base64urlnopad } from '@scure/base';
import { recordHashFromId } from '../core/ledger/record.ts';
import { IdSet } from '../core/sync/id-set.ts';
import { RangeReconciler } from '../core/sync/range-reconcile.ts';
import { decodeSyncMessage, encodeSyncMessage, maxSyncFrameBytes, syncProtocolVersion, type SyncMessage } from '../core/sync/sync-messages.ts';
import { DaoSync, type DaoSyncHost, type DaoSyncOptions, type GossipOutcome } from '../p2p/dao-sync.ts';
import { daoSyncProtocol, type AcceptOutcome } from '../p2p/dao-sync-session.ts';
import { createMeshNode, type MeshNode } from '../p2p/mesh-node.ts';

const dao = base64urlnopad.encode(sha256(new TextEncoder().encode('slow peer dao')));

/** Envelopes of random bytes: deflate cannot shrink them, so they fill a stream's window as they are. */
function envelopes(count: number, size = 1024): Uint8Array[] {
  return Array.from({ length: count }, () => new Uint8Array(randomBytes(size)));
}

/** Serves and accepts anything (who may sync and what the gate lets in are not what these tests are about). */
class OpenStore implements DaoSyncHost {
  readonly order: Uint8Array[] = [];
  readonly #ids = new Set<string>();

  constructor(held: readonly Uint8Array[] = []) {
    for (const envelope of held) this.#add(envelope);
  }
  has(envelope: Uint8Array): boolean {
    return this.#ids.has(base64urlnopad.encode(sha256(envelope)));
  }
  mayServe() {
    return { ok: true } as const;
  }
  envelopeIds(): Uint8Array[] {
    return this.order.map((envelope) => sha256(envelope));
  }
  async *envelopes(_dao: string, ids: readonly Uint8Array[]): AsyncIterable<Uint8Array> {
    const wanted = new Set(ids.map((id) => base64urlnopad.encode(id)));
    for (const envelope of this.order) if (wanted.has(base64urlnopad.encode(sha256(envelope)))) yield envelope;
  }
  async accept(_dao: string, envelope: Uint8Array): Promise<AcceptOutcome> {
    if (this.has(envelope)) return 'held';
    this.#add(envelope);
    return 'accepted';
  }
  async acceptGossip(dao: string, envelope: Uint8Array): Promise<GossipOutcome> {
    return this.accept(dao, envelope);
  }
  gossipKey() {
    return null;
  }
  gossipKeyById() {
    return undefined;
  }
  #add(envelope: Uint8Array): void {
    this.order.push(envelope);
    this.#ids.add(base64urlnopad.encode(sha256(envelope)));
  }
}

const nodes: MeshNode[] = [];
const syncs: DaoSync[] = [];
after(async () => {
  await Promise.all(syncs.map((sync) => sync.stop()));
  await Promise.all(nodes.map((node) => node.stop()));
});

async function startMeshNode(): Promise<MeshNode> {
  const node = await createMeshNode({ privateKey: await generateKeyPair('Ed25519'), listen: ['/ip4/127.0.0.1/tcp/0'], bootstrap: [], mdns: false });
  await node.start();
  nodes.push(node);
  return node;
}

async function startDaoNode(held: readonly Uint8Array[], options: DaoSyncOptions = {}): Promise<{ node: MeshNode; sync: DaoSync; store: OpenStore; lines: string[] }> {
  const node = await startMeshNode();
  const store = new OpenStore(held);
  const lines: string[] = [];
  const sync = new DaoSync(node, store, { intervalMs: 600_000, log: (line) => lines.push(line), ...options });
  await sync.start();
  syncs.push(sync);
  sync.join(dao);
  return { node, sync, store, lines };
}

/** The misbehaving peer's end of a sync stream: raw frames, no checks. */
function rawWire(stream: Stream) {
  const lp = lpStream(stream, { maxDataLength: maxSyncFrameBytes });
  return {
    send: (message: SyncMessage) => lp.write(encodeSyncMessage(message)),
    read: async () => decodeSyncMessage((await lp.read({ signal: AbortSignal.timeout(10_000) })).subarray()),
  };
}

async function eventually(what: string, check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const hello = (): SyncMessage => ({ t: 'hello', v: syncProtocolVersion, dao: recordHashFromId(dao) });

const shortTimeouts: DaoSyncOptions = { sessionTimeouts: { readTimeoutMs: 2_000, writeTimeoutMs: 1_000 } };

/** An honest node holding `held` meets the victim; resolves once the victim holds `news`. */
async function honestNodeBrings(victim: { node: MeshNode; store: OpenStore }, held: readonly Uint8Array[], news: Uint8Array): Promise<void> {
  const honest = await startDaoNode(held, shortTimeouts);
  await honest.node.dial(victim.node.getMultiaddrs()[0]!);
  // Refused BUSY while the victim's slot is held; asked again until it is free.
  await eventually('the victim to take the honest node\'s new envelope', () => victim.store.has(news), 20_000);
}

test('a peer that stops reading while it is served loses the session, and an honest node syncs with the victim after it', async () => {
  // ~2 MB: more than the stream's window (256 KiB, doubled at most once before the pause below), so the
  // victim has to wait for window it is never granted.
  const history = envelopes(2000);
  const news = envelopes(1, 100)[0]!;
  const victim = await startDaoNode(history, shortTimeouts);
  const attacker = await startMeshNode();
  const stream = await attacker.dialProtocol(victim.node.getMultiaddrs()[0]!, daoSyncProtocol);
  const wire = rawWire(stream);
  await wire.send(hello());
  assert.equal((await wire.read()).t, 'welcome');
  // Holding nothing, it is sent the whole history, and grants no more window (yamux grows it with every frame
  // that arrives while the stream is not paused). It reads nothing more, not even the reply.
  stream.pause();
  await wire.send({ t: 'ranges', reconcile: new RangeReconciler(new IdSet([])).start() });
  await wire.send({ t: 'offer', n: 0 });
  await wire.send({ t: 'end' });
  assert.equal(victim.sync.status(dao).state, 'syncing', 'the victim serves the attacker');

  await honestNodeBrings(victim, [...history, news], news);
  assert.ok(victim.lines.some((line) => line.includes('served sync with') && line.includes('stopped reading')), victim.lines.join('\n'));
});

test('a peer that stops reading in a session we started loses it, and an honest node syncs with the victim after it', async () => {
  const history = envelopes(2000);
  const news = envelopes(1, 100)[0]!;
  const victim = await startDaoNode(history, shortTimeouts);
  const attacker = await startMeshNode();
  let attacked = false;
  await attacker.handle(daoSyncProtocol, async (stream) => {
    // Only the victim's first session; any later one (the honest node meets it through the victim) is dropped.
    if (attacked) return stream.abort(new Error('not this time'));
    attacked = true;
    const wire = rawWire(stream);
    assert.equal((await wire.read()).t, 'hello');
    await wire.send({ t: 'welcome' });
    const first = await wire.read();
    assert.equal(first.t, 'ranges');
    // Holding nothing: the victim finds it lacks everything and starts sending, into a window never granted.
    stream.pause();
    await wire.send({ t: 'ranges', reconcile: new RangeReconciler(new IdSet([])).receive(first.reconcile)! });
    await wire.send({ t: 'offer', n: 0 });
    await wire.send({ t: 'end' });
  });
  await victim.node.dial(attacker.getMultiaddrs()[0]!);
  await eventually('the victim to be sending to the attacker', () => attacked && victim.sync.status(dao).state === 'syncing');

  await honestNodeBrings(victim, [...history, news], news);
  assert.ok(victim.lines.some((line) => line.includes(attacker.peerId.toString()) && line.includes('stopped reading')), victim.lines.join('\n'));
});

test('a peer that offers envelopes it was not asked for is cut off with a protocol error, and none of them is taken', async () => {
  const history = envelopes(40, 100); // more ids than fit a list: the first message is a fingerprint
  const unasked = envelopes(1, 100)[0]!;
  const victim = await startDaoNode(history, shortTimeouts);
  const attacker = await startMeshNode();
  const sameAsVictim = () => new RangeReconciler(new IdSet(history.map((envelope) => sha256(envelope))));

  // As the responder: the victim asked for nothing (the fingerprints match), and is offered one anyway.
  let served = false;
  await attacker.handle(daoSyncProtocol, async (stream) => {
    served = true;
    const wire = rawWire(stream);
    await wire.read();
    await wire.send({ t: 'welcome' });
    const first = await wire.read();
    assert.equal(first.t, 'ranges');
    await wire.send({ t: 'ranges', reconcile: sameAsVictim().receive(first.reconcile)! });
    await wire.send({ t: 'offer', n: 1 });
    await wire.send({ t: 'envelopes', envelopes: [unasked] });
    await wire.send({ t: 'end' });
  });
  await victim.node.dial(attacker.getMultiaddrs()[0]!);
  await eventually('the victim to cut off the session it started', () => victim.lines.some((line) => line.includes('offered 1 envelopes; this node asked for 0')));
  assert.ok(served);

  // As the initiator: the same, with the victim serving.
  const stream = await attacker.dialProtocol(victim.node.getMultiaddrs()[0]!, daoSyncProtocol);
  const wire = rawWire(stream);
  await wire.send(hello());
  assert.equal((await wire.read()).t, 'welcome');
  await wire.send({ t: 'ranges', reconcile: sameAsVictim().start() });
  assert.equal((await wire.read()).t, 'ranges');
  await wire.send({ t: 'offer', n: 1 });
  await wire.send({ t: 'envelopes', envelopes: [unasked] });
  await wire.send({ t: 'end' });
  await eventually('the victim to cut off the session it served', () => victim.lines.some((line) => line.startsWith('served sync with') && line.includes('offered 1 envelopes; this node asked for 0')));
  assert.equal(victim.store.has(unasked), false);
  assert.equal(victim.store.order.length, history.length);
});

test('a peer that trickles what it was asked for, each frame just inside the read timeout, is cut off at the session limit', async () => {
  const history = envelopes(40, 100);
  const trickled = envelopes(20, 100);
  const victim = await startDaoNode(history, { sessionTimeouts: { readTimeoutMs: 1_000, writeTimeoutMs: 1_000, sessionTimeoutMs: 3_000 } });
  const attacker = await startMeshNode();
  const stream = await attacker.dialProtocol(victim.node.getMultiaddrs()[0]!, daoSyncProtocol);
  const wire = rawWire(stream);
  await wire.send(hello());
  assert.equal((await wire.read()).t, 'welcome');
  // It lists 20 ids the victim lacks, so the victim asks for them all; then it sends one every 600 ms.
  await wire.send({ t: 'ranges', reconcile: new RangeReconciler(new IdSet(trickled.map((envelope) => sha256(envelope)))).start() });
  assert.equal((await wire.read()).t, 'ranges');
  await wire.send({ t: 'offer', n: trickled.length });
  const trickling = (async () => {
    for (const envelope of trickled) {
      await wire.send({ t: 'envelopes', envelopes: [envelope] });
      await new Promise((resolve) => setTimeout(resolve, 600));
    }
    await wire.send({ t: 'end' });
  })().catch(() => {});
  await eventually('the victim to end the session at its limit', () => victim.lines.some((line) => line.startsWith('served sync with') && line.includes('ran past its 3 s limit')), 15_000);
  await trickling;
  const taken = trickled.filter((envelope) => victim.store.has(envelope)).length;
  assert.ok(taken > 0 && taken < trickled.length, `took ${taken} of ${trickled.length}: what arrived in time is kept, the rest is not waited for`);
});
