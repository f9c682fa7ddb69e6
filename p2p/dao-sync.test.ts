// Catch-up sync and DAO gossip between real libp2p nodes on 127.0.0.1. The store here is a small stand-in
// for the host's (test/dao-sync-nodes.test.ts runs the real host, gate and fold): an envelope is accepted only
// when the one it names as its predecessor is already held, so any ordering mistake shows as a rejection.
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
import { decodeSyncMessage, encodeSyncMessage, maxHelloFrameBytes, maxSyncFrameBytes, syncProtocolVersion, type SyncMessage } from '../core/sync/sync-messages.ts';
import { createMeshNode, type MeshNode } from './mesh-node.ts';
import { DaoSync, daoTopic, gossipScore, type DaoSyncHost, type DaoSyncOptions, type GossipOutcome } from './dao-sync.ts';
import { daoSyncProtocol, initiateSync, lengthPrefixed, maxRefusedPerSession, serveSync, SyncRefusedError, type AcceptOutcome } from './dao-sync-session.ts';
import { groupKeyId, type GroupKey } from './gossip-cipher.ts';
import { bytesToHex } from '@noble/hashes/utils.js';

const dao = base64urlnopad.encode(sha256(new TextEncoder().encode('test dao')));

/** An envelope stand-in: [1, predecessor id (32 bytes, zeros for none), payload]. */
function chain(label: string, length: number, from: Uint8Array = new Uint8Array(32)): Uint8Array[] {
  const out: Uint8Array[] = [];
  let previous = from;
  for (let i = 0; i < length; i++) {
    const bytes = new Uint8Array(1 + 32 + 40);
    bytes[0] = 1;
    bytes.set(previous, 1);
    bytes.set(new TextEncoder().encode(`${label}:${i}`.padEnd(40, '.')), 33);
    out.push(bytes);
    previous = sha256(bytes);
  }
  return out;
}

class TestStore implements DaoSyncHost {
  readonly order: Uint8Array[] = [];
  /** Gossip keys by epoch (hex); the host learns them from `group.key` records (group-keys.ts), here they are given. */
  readonly keys = new Map<string, Uint8Array>();
  readonly byId = new Map<string, Uint8Array>();
  readonly members = new Set<string>();
  /** Whether this node's member has left the DAO (DaoSyncHost.departed). */
  left = false;
  rejected = 0;
  /** A gate that takes any envelope, for tests about frames and streams rather than order. */
  readonly #takesAny: boolean;

  constructor(envelopes: Uint8Array[] = [], options: { takesAny?: boolean } = {}) {
    this.#takesAny = options.takesAny ?? false;
    for (const envelope of envelopes) this.#add(envelope);
  }

  mayServe(_dao: string, peer: string) {
    return this.members.has(peer) ? ({ ok: true } as const) : ({ ok: false, code: 'NOT_A_MEMBER', message: 'not a node of this DAO' } as const);
  }
  envelopeIds(): Uint8Array[] {
    return this.order.map((envelope) => sha256(envelope));
  }
  async *envelopes(_dao: string, ids: readonly Uint8Array[]): AsyncIterable<Uint8Array> {
    const wanted = new Set(ids.map((id) => base64urlnopad.encode(id)));
    for (const envelope of this.order) if (wanted.has(base64urlnopad.encode(sha256(envelope)))) yield envelope;
  }
  async accept(_dao: string, envelope: Uint8Array): Promise<AcceptOutcome> {
    const outcome = this.#check(envelope);
    return outcome === 'waiting' ? 'rejected' : outcome;
  }
  async acceptGossip(_dao: string, envelope: Uint8Array): Promise<GossipOutcome> {
    return this.#check(envelope);
  }
  gossipKey(): GroupKey | null {
    const key = [...this.keys.values()][0];
    return key ? { id: groupKeyId(key), key } : null;
  }
  gossipKeyById(_dao: string, id: Uint8Array): GroupKey | undefined {
    const key = [...this.keys.values()].find((candidate) => bytesToHex(groupKeyId(candidate)) === bytesToHex(id));
    return key ? { id: groupKeyId(key), key } : undefined;
  }
  departed(): boolean {
    return this.left;
  }
  has(envelope: Uint8Array): boolean {
    return this.byId.has(base64urlnopad.encode(sha256(envelope)));
  }
  #check(envelope: Uint8Array): AcceptOutcome | 'waiting' {
    if (this.#takesAny) {
      if (this.has(envelope)) return 'held';
      this.#add(envelope);
      return 'accepted';
    }
    if (envelope.length !== 73 || envelope[0] !== 1) {
      this.rejected++;
      return 'rejected';
    }
    if (this.has(envelope)) return 'held';
    const previous = envelope.subarray(1, 33);
    if (previous.some((byte) => byte !== 0) && !this.byId.has(base64urlnopad.encode(previous))) return 'waiting';
    this.#add(envelope);
    return 'accepted';
  }
  #add(envelope: Uint8Array): void {
    this.order.push(envelope);
    this.byId.set(base64urlnopad.encode(sha256(envelope)), envelope);
  }
}

const nodes: MeshNode[] = [];
const syncs: DaoSync[] = [];
after(async () => {
  await Promise.all(syncs.map((sync) => sync.stop()));
  await Promise.all(nodes.map((node) => node.stop()));
});

async function startNode(store: TestStore, intervalMs = 60_000, options: Omit<DaoSyncOptions, 'intervalMs'> = {}): Promise<{ node: MeshNode; sync: DaoSync; peer: string }> {
  const node = await createMeshNode({ privateKey: await generateKeyPair('Ed25519'), listen: ['/ip4/127.0.0.1/tcp/0'], bootstrap: [], mdns: false });
  await node.start();
  const sync = new DaoSync(node, store, { intervalMs, ...options });
  await sync.start();
  nodes.push(node);
  syncs.push(sync);
  return { node, sync, peer: node.peerId.toString() };
}

/** A node with no DaoSync: the tests' own end of a session, honest or not. */
async function startMeshNode(): Promise<MeshNode> {
  const node = await createMeshNode({ privateKey: await generateKeyPair('Ed25519'), listen: ['/ip4/127.0.0.1/tcp/0'], bootstrap: [], mdns: false });
  await node.start();
  nodes.push(node);
  return node;
}

/** A sync stream's frames, raw: what a peer sends is not checked. */
function rawWire(stream: Stream) {
  const lp = lpStream(stream, { maxDataLength: maxSyncFrameBytes });
  return {
    send: (message: SyncMessage) => lp.write(encodeSyncMessage(message)),
    read: async () => decodeSyncMessage((await lp.read({ signal: AbortSignal.timeout(10_000) })).subarray()),
  };
}

const hello = (): SyncMessage => ({ t: 'hello', v: syncProtocolVersion, dao: recordHashFromId(dao) });

/** Envelopes of random bytes (deflate cannot shrink them). */
function randomEnvelopes(count: number, size: number): Uint8Array[] {
  return Array.from({ length: count }, () => new Uint8Array(randomBytes(size)));
}

async function eventually(what: string, check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

test('two nodes that each wrote while apart exchange exactly what the other lacks, in an order that applies', async () => {
  const shared = chain('shared', 100);
  const onlyA = chain('a', 400, sha256(shared[99]!));
  const onlyB = chain('b', 300, sha256(shared[99]!));
  const storeA = new TestStore([...shared, ...onlyA]);
  const storeB = new TestStore([...shared, ...onlyB]);
  const a = await startNode(storeA);
  const b = await startNode(storeB);
  storeA.members.add(b.peer);
  storeB.members.add(a.peer);

  const stream = await a.node.dialProtocol(b.node.getMultiaddrs()[0]!, daoSyncProtocol);
  const report = await initiateSync(stream, dao, b.peer, storeA);
  assert.equal(report.sent, 400);
  assert.equal(report.received, 300);
  assert.equal(report.accepted, 300);
  assert.equal(report.rejected, 0);
  await eventually('B to take all of A', () => storeB.order.length === 800);
  assert.equal(storeB.rejected, 0);
  assert.ok(onlyA.every((envelope) => storeB.has(envelope)));
  assert.ok(onlyB.every((envelope) => storeA.has(envelope)));
  // The envelopes themselves are 700 × 73 bytes; reconciliation adds ids only for the ranges that differ.
  const payload = 700 * 73;
  assert.ok(report.bytesIn + report.bytesOut < payload * 1.6, `${report.bytesIn + report.bytesOut} bytes on the wire for ${payload}`);

  const again = await initiateSync(await a.node.dialProtocol(b.node.getMultiaddrs()[0]!, daoSyncProtocol), dao, b.peer, storeA);
  assert.deepEqual([again.sent, again.received, again.rounds], [0, 0, 2]);
});

test('after a session both nodes say when they last synced, the one that served it too', async () => {
  const storeA = new TestStore(chain('a', 5));
  const storeB = new TestStore();
  const a = await startNode(storeA);
  const b = await startNode(storeB);
  storeA.members.add(b.peer);
  storeB.members.add(a.peer);
  a.sync.join(dao);
  b.sync.join(dao);
  await a.node.dial(b.node.getMultiaddrs()[0]!);
  await eventually('B to take all of A', () => storeB.order.length === 5);
  // One of the two asked and the other served (the smaller peer id's session goes on when both ask at once).
  await eventually('both to have a last sync', () => a.sync.status(dao).lastSyncAt !== null && b.sync.status(dao).lastSyncAt !== null);
  await eventually('both to be in sync', () => a.sync.status(dao).state === 'in-sync' && b.sync.status(dao).state === 'in-sync');
});

test('joining a DAO syncs with its nodes, gossip carries new envelopes live, and a gap is repaired', async () => {
  const history = chain('history', 50);
  const stores = [new TestStore(history), new TestStore(), new TestStore()];
  // Every node holds the DAO's gossip key (the host's come from group.key records; test/group-keys tests those).
  for (const store of stores) store.keys.set('00'.repeat(16), sha256(new TextEncoder().encode('group key')));
  const started = await Promise.all(stores.map((store) => startNode(store)));
  for (const store of stores) for (const { peer } of started) store.members.add(peer);
  for (const { sync } of started) sync.join(dao);
  await started[1]!.node.dial(started[0]!.node.getMultiaddrs()[0]!);
  await started[2]!.node.dial(started[1]!.node.getMultiaddrs()[0]!);
  await eventually('the history to reach every node', () => stores.every((store) => store.order.length === 50));

  // Live: C hears what A publishes through B, once the gossip mesh has formed.
  await eventually('the gossip mesh', () => started.every(({ node }) => node.services.pubsub.getSubscribers(daoTopic(dao)).length > 0));
  const next = chain('live', 3, sha256(history[49]!));
  for (const envelope of next) {
    stores[0]!.accept(dao, envelope);
    await started[0]!.sync.publish(dao, envelope);
  }
  await eventually('live envelopes at every node', () => stores.every((store) => next.every((envelope) => store.has(envelope))));

  // A gap: A writes two envelopes but gossips only the second; the others see it waits on the first and fetch it.
  const gap = chain('gap', 2, sha256(next[2]!));
  await stores[0]!.accept(dao, gap[0]!);
  await stores[0]!.accept(dao, gap[1]!);
  await started[0]!.sync.publish(dao, gap[1]!);
  await eventually('the gap to be repaired everywhere', () => stores.every((store) => gap.every((envelope) => store.has(envelope))));
  await eventually('A to settle in sync', () => started[0]!.sync.status(dao).state === 'in-sync');
  assert.ok(started[0]!.sync.status(dao).peers.includes(started[1]!.peer));
});

test('five nodes that all meet at once take each envelope once: one session per DAO at a time, the busy asked again', async () => {
  const history = chain('common', 20);
  const own = Array.from({ length: 5 }, (_, i) => chain(`node${i}`, 120, sha256(history[19]!)));
  const stores = own.map((envelopes) => new TestStore([...history, ...envelopes]));
  const started = await Promise.all(stores.map((store) => startNode(store)));
  for (const store of stores) for (const { peer } of started) store.members.add(peer);
  for (const { sync } of started) sync.join(dao);
  // Everyone dials everyone: every connection starts a session, and each node is asked by four at once.
  await Promise.all(started.flatMap((from, i) => started.slice(i + 1).map((to) => from.node.dial(to.node.getMultiaddrs()[0]!))));
  const total = 20 + 5 * 120;
  await eventually('every node to hold every envelope', () => stores.every((store) => store.order.length === total), 60_000);
  await eventually('every node to settle in sync', () => started.every(({ sync }) => sync.status(dao).state === 'in-sync'), 30_000);
  for (const [i, { sync }] of started.entries()) {
    assert.equal(sync.traffic.repeatsIn, 0, `node ${i} received envelopes it held`);
    assert.equal(stores[i]!.rejected, 0);
  }
});

test('sixteen nodes on one IP address (one machine, one NAT, one relay) take a new envelope by gossip, not by catch-up', async () => {
  // gossipsub's default IP colocation penalty graylists every peer past the tenth on one address: here gossip
  // then reached nobody and every vote travelled by catch-up sessions, seconds late.
  const history = chain('history', 5);
  const stores = Array.from({ length: 16 }, () => new TestStore(history));
  for (const store of stores) store.keys.set('00'.repeat(16), sha256(new TextEncoder().encode('group key')));
  const started = await Promise.all(stores.map((store) => startNode(store)));
  for (const store of stores) for (const { peer } of started) store.members.add(peer);
  for (const { sync } of started) sync.join(dao);
  // Everyone dials everyone; a dial that crosses one the other end started (nodes also dial the peers a
  // welcome names) can fail, and is tried again until each node has all fifteen.
  const connectAll = () => Promise.all(started.flatMap((from, i) => started.slice(i + 1).filter((to) => from.node.getConnections(to.node.peerId).length === 0).map((to) => from.node.dial(to.node.getMultiaddrs()[0]!).catch(() => {}))));
  for (let round = 0; round < 20 && started.some(({ sync }) => sync.peersOf(dao).length < 15); round++) await connectAll();
  await eventually('every node to see the topic at every other', () => started.every(({ node }) => node.services.pubsub.getSubscribers(daoTopic(dao)).length === 15), 30_000);
  await eventually('every node to settle in sync', () => started.every(({ sync }) => sync.status(dao).state === 'in-sync'), 30_000);
  const caughtUp = started.map(({ sync }) => sync.traffic.syncEnvelopesIn);

  const next = chain('live', 3, sha256(history[4]!));
  for (const envelope of next) {
    await stores[0]!.accept(dao, envelope);
    await started[0]!.sync.publish(dao, envelope);
  }
  await eventually('the live envelopes at every node', () => stores.every((store) => next.every((envelope) => store.has(envelope))), 30_000);
  for (const [i, { sync, peer }] of started.entries()) {
    assert.equal(sync.traffic.syncEnvelopesIn, caughtUp[i], `node ${i} took envelopes by catch-up`);
    for (const other of started) if (other.peer !== peer) assert.ok(gossipScore(other.node, peer) >= 0, `node ${i} is scored down for sharing an address`);
  }
});

test('the periodic round compares with two of the DAO\'s nodes, picked at random, not with all of them', async () => {
  const history = chain('history', 5);
  const stores = Array.from({ length: 7 }, () => new TestStore(history));
  const [watched, ...peers] = await Promise.all(stores.map((store, i) => startNode(store, i === 0 ? 500 : 600_000)));
  // The others know only the watched node as the DAO's: sessions among them (the DHT connects them too) would
  // blur the count.
  for (const { peer } of peers) stores[0]!.members.add(peer);
  for (const store of stores.slice(1)) store.members.add(watched!.peer);
  for (const { sync } of [watched!, ...peers]) sync.join(dao);
  for (const { node } of peers) await node.dial(watched!.node.getMultiaddrs()[0]!);
  await eventually('the first sessions to end', () => [watched!, ...peers].every(({ sync }) => sync.status(dao).state === 'in-sync'));
  // Sessions the others take part in from now on are the watched node's periodic ones (theirs are an hour apart).
  const served = peers.map(() => 0);
  for (const [i, store] of stores.slice(1).entries()) {
    const envelopeIds = store.envelopeIds.bind(store);
    store.envelopeIds = () => {
      served[i]!++;
      return envelopeIds();
    };
  }
  const started = performance.now();
  await new Promise((resolve) => setTimeout(resolve, 5_000));
  const rounds = Math.ceil((performance.now() - started) / 500);
  const total = served.reduce((sum, count) => sum + count, 0);
  assert.ok(total >= 2, `the periodic round ran (${total} sessions)`);
  assert.ok(total <= 2 * rounds, `${total} sessions in ${rounds} rounds of at most two`);
  // Picked at random: over ten rounds the same two are unlikely to be the only ones asked.
  assert.ok(served.filter((count) => count > 0).length > 2, `sessions by peer: ${served.join(', ')}`);
});

test('a stranger is refused catch-up, its gossip is rejected and costs it score, and garbage frames do not hurt', async () => {
  const storeA = new TestStore(chain('a', 10));
  const a = await startNode(storeA);
  const strangerStore = new TestStore();
  const stranger = await startNode(strangerStore);
  strangerStore.members.add(a.peer); // the stranger believes A will talk to it; A does not know it
  a.sync.join(dao);
  stranger.sync.join(dao);
  await stranger.node.dial(a.node.getMultiaddrs()[0]!);

  await assert.rejects(initiateSync(await stranger.node.dialProtocol(a.node.getMultiaddrs()[0]!, daoSyncProtocol), dao, a.peer, strangerStore), (error: unknown) => {
    assert.ok(error instanceof SyncRefusedError);
    assert.equal(error.code, 'NOT_A_MEMBER');
    return true;
  });
  assert.equal(strangerStore.order.length, 0);

  await eventually('the stranger to see the topic', () => stranger.node.services.pubsub.getSubscribers(daoTopic(dao)).length > 0);
  // Published until A has seen one (a first message can go out before the stranger's gossip stream is up).
  const forged = chain('forged', 200).map((envelope) => Uint8Array.of(2, ...envelope.subarray(1)));
  let sent = 0;
  await eventually('the stranger to lose score at A', () => {
    if (sent < forged.length) void stranger.node.services.pubsub.publish(daoTopic(dao), forged[sent++]!).catch(() => {});
    return gossipScore(a.node, stranger.peer) < 0;
  });
  assert.ok(forged.every((envelope) => !storeA.has(envelope)));

  // Garbage on the sync protocol: A drops the stream and goes on serving members.
  for (const frame of [new Uint8Array([0xff, 0xff, 0xff]), new Uint8Array(10).fill(7)]) {
    const stream = await stranger.node.dialProtocol(a.node.getMultiaddrs()[0]!, daoSyncProtocol);
    const lp = lpStream(stream);
    await lp.write(frame).catch(() => {});
    await lp.read({ signal: AbortSignal.timeout(5000) }).then(
      () => assert.fail('A answered garbage'),
      () => {},
    );
  }
  const memberStore = new TestStore();
  const member = await startNode(memberStore);
  storeA.members.add(member.peer);
  memberStore.members.add(a.peer);
  // (A may start the session itself on the new connection; either way the member ends with everything.)
  const report = await initiateSync(await member.node.dialProtocol(a.node.getMultiaddrs()[0]!, daoSyncProtocol), dao, a.peer, memberStore);
  await eventually('the member to hold A\'s envelopes', () => memberStore.order.length === 10);
  assert.equal(report.rejected + memberStore.rejected, 0);
});

test('a peer that always answers BUSY is asked again a few times, then left to the next round', async () => {
  const store = new TestStore(chain('a', 3));
  const lines: string[] = [];
  const a = await startNode(store, 60_000, { busyRetry: { firstMs: 10, maxMs: 20, maxTries: 4 }, log: (line) => lines.push(line) });
  // B serves the protocol but is always busy, and follows the DAO's topic like any of its nodes.
  const busyStore = new TestStore();
  const b = await createMeshNode({ privateKey: await generateKeyPair('Ed25519'), listen: ['/ip4/127.0.0.1/tcp/0'], bootstrap: [], mdns: false });
  await b.start();
  nodes.push(b);
  let asked = 0;
  await b.handle(daoSyncProtocol, (stream, connection) => {
    asked++;
    void serveSync(stream, connection.remotePeer.toString(), busyStore, { beginServing: () => ({ busy: 'This node is in a session for this DAO with another node.' }) });
  });
  busyStore.members.add(a.peer);
  b.services.pubsub.subscribe(daoTopic(dao));
  store.members.add(b.peerId.toString());
  a.sync.join(dao);
  await a.node.dial(b.getMultiaddrs()[0]!);

  await eventually('A to give up on B for now', () => lines.some((line) => line.includes('busy 4 times in a row')));
  const settled = asked;
  // Uncapped, A would ask every ~20 ms; it asks no more (a subscription seen late may start one more series).
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  assert.ok(asked <= settled + 4, `asked ${asked} times after ${settled}`);
  assert.ok(asked >= 4 && asked <= 8, `asked ${asked} times`);
  assert.equal(store.order.length, 3, 'nothing taken from a busy peer');
});

type Refusal = Extract<ReturnType<DaoSyncHost['mayServe']>, { ok: false }>;

/**
 * Node A, holding a DAO and asking every 50 ms, connected to B, one of the DAO's nodes by A's records, which answers
 * every session with `refusal()`; `asked` counts B's sessions.
 */
async function refusedByPeer(refusal: () => Refusal, options: Omit<DaoSyncOptions, 'intervalMs' | 'log'> = {}) {
  const store = new TestStore(chain('a', 3));
  const lines: string[] = [];
  const a = await startNode(store, 50, { ...options, log: (line) => lines.push(line) });
  const otherStore = new TestStore();
  otherStore.mayServe = () => refusal() as unknown as ReturnType<TestStore['mayServe']>;
  const b = await startMeshNode();
  const counter = { asked: 0 };
  await b.handle(daoSyncProtocol, (stream, connection) => {
    counter.asked++;
    void serveSync(stream, connection.remotePeer.toString(), otherStore);
  });
  b.services.pubsub.subscribe(daoTopic(dao));
  store.members.add(b.peerId.toString());
  a.sync.join(dao);
  await a.node.dial(b.getMultiaddrs()[0]!);
  return { a, b: b.peerId.toString(), lines, counter };
}

test('a peer that refuses every round for a reason that does not change (it lacks the DAO) is logged once, and again only when the reason changes', async () => {
  let refusal: Refusal = { ok: false, code: 'DAO_NOT_FOUND', message: 'This node does not hold the DAO.' };
  const { b, lines, counter } = await refusedByPeer(() => refusal);
  await eventually('A to ask B several rounds', () => counter.asked >= 5);
  const about = (code: string) => lines.filter((line) => line.includes(b) && line.includes(code));
  assert.equal(about('DAO_NOT_FOUND').length, 1, lines.join('\n'));
  assert.match(about('DAO_NOT_FOUND')[0]!, /said once while it answers the same/);
  refusal = { ok: false, code: 'BAD_REQUEST', message: 'Something else.' };
  const askedThen = counter.asked;
  await eventually('A to ask B again', () => counter.asked >= askedThen + 3);
  assert.equal(about('BAD_REQUEST').length, 1);
  assert.equal(about('DAO_NOT_FOUND').length, 1);
});

test('a device whose invite every peer refuses (revoked, voided, expired) is shown as refused by them, offline, and left alone a while', async () => {
  const { a, b, lines, counter } = await refusedByPeer(() => ({ ok: false, code: 'INVITE_REVOKED', message: 'The invite was voided by an exit.' }), { notMemberBackOff: { firstMs: 60_000, maxMs: 600_000 } });
  await eventually('A to show B as refusing', () => a.sync.status(dao).refusedBy.includes(b));
  const status = a.sync.status(dao);
  assert.equal(status.state, 'offline', 'in sync with nobody');
  assert.match(status.lastError ?? '', /^INVITE_REVOKED/);
  // Left alone for the pause (a minute here), not asked every 50 ms round.
  const askedThen = counter.asked;
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  assert.ok(counter.asked <= askedThen + 1, `asked ${counter.asked - askedThen} more times`);
  assert.equal(lines.filter((line) => line.includes('INVITE_REVOKED')).length, 1);
});

test("a peer that refuses this node as not one of the DAO's nodes is left alone, longer after each refusal, said once a pause, and shown as refusing", async () => {
  const history = chain('history', 3);
  const store = new TestStore(history);
  const lines: string[] = [];
  const a = await startNode(store, 50, { notMemberBackOff: { firstMs: 60_000, maxMs: 600_000 }, log: (line) => lines.push(line) });
  // B follows the DAO's topic and serves the protocol, but does not count A as one of the DAO's nodes (its records
  // say A's member left, say), while A counts B as one.
  const bStore = new TestStore();
  const b = await startMeshNode();
  let asked = 0;
  await b.handle(daoSyncProtocol, (stream, connection) => {
    asked++;
    void serveSync(stream, connection.remotePeer.toString(), bStore);
  });
  b.services.pubsub.subscribe(daoTopic(dao));
  // C is one of the DAO's nodes both ways: A's periodic rounds ask it every time, so its sessions count the rounds.
  const cStore = new TestStore(history);
  const c = await startNode(cStore, 600_000);
  let rounds = 0;
  const envelopeIds = cStore.envelopeIds.bind(cStore);
  cStore.envelopeIds = () => {
    rounds++;
    return envelopeIds();
  };
  store.members.add(b.peerId.toString());
  store.members.add(c.peer);
  cStore.members.add(a.peer);
  a.sync.join(dao);
  c.sync.join(dao);
  await a.node.dial(b.getMultiaddrs()[0]!);
  await a.node.dial(c.node.getMultiaddrs()[0]!);
  await eventually('B to refuse A', () => a.sync.status(dao).refusedBy.length === 1);
  const settled = rounds;
  await eventually('ten of A\'s rounds', () => rounds >= settled + 10);
  const refusals = () => lines.filter((line) => line.includes(`with ${b.peerId.toString()}: refused (NOT_A_MEMBER`));
  assert.equal(asked, 1, 'B is not asked again every round');
  assert.equal(refusals().length, 1);
  assert.match(refusals()[0]!, /: refused \(NOT_A_MEMBER: not a node of this DAO\); not asking it again for 60 s, or until a new record arrives$/);
  await eventually('A to settle in sync with C', () => a.sync.status(dao).state === 'in-sync');
  assert.deepEqual(a.sync.status(dao).refusedBy, [b.peerId.toString()], 'B is shown as refusing A');

  // A new record may change B's answer: B is asked at the next round, and refusing again is left alone twice as long.
  const next = chain('next', 2, sha256(history[2]!));
  await store.accept(dao, next[0]!);
  await a.sync.publish(dao, next[0]!);
  await eventually('B to be asked again', () => asked === 2 && refusals().length === 2);
  assert.match(refusals()[1]!, /not asking it again for 120 s/);
  const again = rounds;
  await eventually('ten more rounds', () => rounds >= again + 10);
  assert.equal(asked, 2);

  // Once B counts A as the DAO's, the next change brings a session, and A no longer shows B as refusing.
  bStore.members.add(a.peer);
  await store.accept(dao, next[1]!);
  await a.sync.publish(dao, next[1]!);
  await eventually('B to take what A holds', () => bStore.order.length === 5);
  await eventually('A to stop showing B as refusing', () => a.sync.status(dao).refusedBy.length === 0);
});

test('a node whose member left the DAO hands the departure once to each DAO node, then starts no sessions for it, says so once, and still serves the nodes that ask', async () => {
  const history = chain('history', 3);
  const store = new TestStore(history);
  const lines: string[] = [];
  const a = await startNode(store, 50, { log: (line) => lines.push(line) });
  // D counts the sessions A starts with it; B, one of the DAO's nodes that has not heard A left, asks A every round.
  const dStore = new TestStore(history);
  const d = await startMeshNode();
  let asked = 0;
  await d.handle(daoSyncProtocol, (stream, connection) => {
    asked++;
    void serveSync(stream, connection.remotePeer.toString(), dStore);
  });
  d.services.pubsub.subscribe(daoTopic(dao));
  const bStore = new TestStore(history);
  const b = await startNode(bStore, 100);
  let served = 0;
  const envelopeIds = store.envelopeIds.bind(store);
  store.envelopeIds = () => {
    served++;
    return envelopeIds();
  };
  store.members.add(d.peerId.toString());
  store.members.add(b.peer);
  dStore.members.add(a.peer);
  bStore.members.add(a.peer);
  a.sync.join(dao);
  b.sync.join(dao);
  await a.node.dial(d.getMultiaddrs()[0]!);
  await a.node.dial(b.node.getMultiaddrs()[0]!);
  await eventually('A to sync with D while its member is one', () => asked >= 1);

  // A's member rage quits: the record is written at A and not gossiped (gossip may lose it); B fetches it, and A
  // hands it to D in one session (D may not have it: nobody else would bring it to D while A's node is the one that has it).
  store.left = true;
  const quit = chain('rage quit', 1, sha256(history[2]!))[0]!;
  const askedAtLeave = asked;
  await store.accept(dao, quit);
  await eventually('A to hand the rage quit to D', () => dStore.has(quit));
  // A session with D running as the member left hands nothing over: one more may follow, no more than that.
  const leftAt = served;
  await eventually('A to serve B', () => served > leftAt);
  const handedOver = asked;
  assert.ok(handedOver - askedAtLeave >= 1 && handedOver - askedAtLeave <= 2, `A asked D ${handedOver - askedAtLeave} times after its member left`);
  await eventually('ten sessions of B\'s', () => served >= leftAt + 11);
  assert.equal(asked, handedOver, 'A asked D for nothing once D held the departure');
  assert.ok(bStore.has(quit), 'B fetched the rage quit from A');
  assert.equal(lines.filter((line) => line.includes('is no longer a member')).length, 1, 'said once');
  for (let i = 0; i < 10; i++) {
    const status = a.sync.status(dao);
    assert.equal(status.left, true);
    assert.notEqual(status.state, 'in-sync', 'a node that syncs with nobody is not in sync');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
});

test('joining a DAO whose history takes longer than one session goes on with new sessions until it holds all of it', async () => {
  const history = chain('large', 500);
  const timing: Omit<DaoSyncOptions, 'intervalMs'> = {
    sessionTimeouts: { sessionTimeoutMs: 1_500 },
    timeoutCoolOff: { firstMs: 200, maxMs: 1_000 },
    busyRetry: { firstMs: 50, maxMs: 200, maxTries: 10 },
  };
  const inviterStore = new TestStore(history);
  const inviter = await startNode(inviterStore, 60_000, timing);
  inviter.sync.join(dao);
  // The joiner takes each envelope slowly (a slow disk, a slow gate): the whole history takes several sessions.
  const joinerStore = new TestStore();
  const accept = joinerStore.accept.bind(joinerStore);
  joinerStore.accept = async (...args) => {
    await new Promise((resolve) => setTimeout(resolve, 5));
    return accept(...args);
  };
  const lines: string[] = [];
  const joiner = await startNode(joinerStore, 60_000, { ...timing, log: (line) => lines.push(line) });
  inviterStore.members.add(joiner.peer);

  const progress: number[] = [];
  const report = await joiner.sync.joinVia(dao, inviter.node.getMultiaddrs(), new Uint8Array([1]), (update) => progress.push(update.received));
  assert.equal(joinerStore.order.length, history.length);
  assert.equal(joinerStore.rejected, 0);
  assert.equal(report.accepted, history.length, 'the report counts every session of the join');
  assert.ok(lines.some((line) => line.includes('starting the next')), lines.join('\n'));
  // Progress counts across the sessions: it never goes back, and ends at the whole history.
  assert.ok(progress.every((received, i) => i === 0 || received >= progress[i - 1]!), progress.join(', '));
  assert.equal(progress.at(-1), history.length);
});

test('a join goes on when the inviter, not the joiner, cuts the sessions at its shorter time limit', async () => {
  // 24 MiB, twice what the stream holds unread: the inviter's sending waits on the joiner's gate, and its 1.5-s
  // sessions end before the joiner's (10 minutes, the default) would.
  const history = randomEnvelopes(96, 256 * 1024);
  const inviterStore = new TestStore(history, { takesAny: true });
  const inviter = await startNode(inviterStore, 60_000, { sessionTimeouts: { sessionTimeoutMs: 1_500 }, timeoutCoolOff: { firstMs: 200, maxMs: 1_000 } });
  inviter.sync.join(dao);
  const joinerStore = new TestStore([], { takesAny: true });
  const accept = joinerStore.accept.bind(joinerStore);
  joinerStore.accept = async (...args) => {
    await new Promise((resolve) => setTimeout(resolve, 40));
    return accept(...args);
  };
  const lines: string[] = [];
  const joiner = await startNode(joinerStore, 60_000, { busyRetry: { firstMs: 50, maxMs: 200, maxTries: 10 }, log: (line) => lines.push(line) });
  inviterStore.members.add(joiner.peer);

  const report = await joiner.sync.joinVia(dao, inviter.node.getMultiaddrs(), new Uint8Array([1]));
  assert.equal(joinerStore.order.length, history.length);
  assert.equal(report.accepted, history.length, 'the report counts every session of the join');
  assert.ok(lines.some((line) => line.includes('was cut short') && line.includes('starting the next')), lines.join('\n'));
});

test('a frame at exactly the 4 MiB cap, with the next frame right behind it, is read; one a byte over, or a large one before the session, is refused and its stream closed', async () => {
  const store = new TestStore([], { takesAny: true });
  const lines: string[] = [];
  // No cool-off after a broken session: each case below is a session of its own from the same peer.
  const a = await startNode(store, 60_000, { log: (line) => lines.push(line), timeoutCoolOff: { firstMs: 0, maxMs: 0 } });
  a.sync.join(dao);
  const peer = await startMeshNode();
  store.members.add(peer.peerId.toString());
  /** A session in which A asks for `envelopes` (it lacks them), up to the peer's offer. */
  const offering = async (envelopes: Uint8Array[]): Promise<Stream> => {
    const stream = await peer.dialProtocol(a.node.getMultiaddrs()[0]!, daoSyncProtocol);
    const wire = rawWire(stream);
    await wire.send(hello());
    assert.equal((await wire.read()).t, 'welcome');
    await wire.send({ t: 'ranges', reconcile: new RangeReconciler(new IdSet(envelopes.map((envelope) => sha256(envelope)))).start() });
    assert.equal((await wire.read()).t, 'ranges');
    await wire.send({ t: 'offer', n: envelopes.length });
    return stream;
  };
  /** A frame of envelopes of exactly `bytes` bytes: one envelope, sized to fit. */
  const frameOf = (bytes: number): { envelope: Uint8Array; frame: Uint8Array } => {
    const overhead = encodeSyncMessage({ t: 'envelopes', envelopes: [new Uint8Array(1 << 20)] }).length - (1 << 20);
    const envelope = new Uint8Array(randomBytes(bytes - overhead));
    const frame = encodeSyncMessage({ t: 'envelopes', envelopes: [envelope] });
    assert.equal(frame.length, bytes);
    return { envelope, frame };
  };

  // Before the session begins, a frame past the handshake's cap: refused the same way, whoever sends it.
  const large = await peer.dialProtocol(a.node.getMultiaddrs()[0]!, daoSyncProtocol);
  large.send(lengthPrefixed(new Uint8Array(maxHelloFrameBytes + 1)));
  await eventually('A to refuse the large hello', () => lines.some((line) => line.includes(`over the ${maxHelloFrameBytes}-byte cap before the session begins`)));
  await eventually('that stream to close', () => large.status !== 'open');

  // A byte over: refused from its length alone, before any of it is waited for, and the stream closed.
  const over = frameOf(maxSyncFrameBytes + 1);
  const refused = await offering([over.envelope]);
  refused.send(lengthPrefixed(over.frame));
  await eventually('A to refuse the frame', () => lines.some((line) => line.includes(`over the ${maxSyncFrameBytes}-byte cap`)));
  await eventually('the stream to close', () => refused.status !== 'open');
  assert.equal(store.has(over.envelope), false);

  // At the cap, with the next frame and the end in the same write: the read buffer holds more than the cap.
  const atCap = frameOf(maxSyncFrameBytes);
  const next = randomEnvelopes(1, 1000)[0]!;
  const stream = await offering([atCap.envelope, next]);
  const frames = [atCap.frame, encodeSyncMessage({ t: 'envelopes', envelopes: [next] }), encodeSyncMessage({ t: 'end' })].map(lengthPrefixed);
  const bytes = new Uint8Array(frames.reduce((sum, frame) => sum + frame.length, 0));
  frames.reduce((at, frame) => (bytes.set(frame, at), at + frame.length), 0);
  stream.send(bytes);
  await eventually('A to take both', () => store.has(atCap.envelope) && store.has(next));
  await eventually('the session to end', () => a.sync.status(dao).state !== 'syncing');
  assert.equal(lines.filter((line) => line.startsWith('served sync')).length, 2, lines.join('\n'));
});

test('a history larger than the read buffer, sent faster than the gate takes it, is held back by the stream, not cut off', async () => {
  // 12 MiB: three times a frame, and past what the stream's window lets arrive before the node pauses it.
  const history = randomEnvelopes(3_000, 4096);
  const senderStore = new TestStore(history, { takesAny: true });
  const sender = await startNode(senderStore);
  sender.sync.join(dao);
  const node = await startMeshNode();
  senderStore.members.add(node.peerId.toString());
  // A gate slower than a loopback link (a real one takes ~2-3 MB/s with its log).
  const store = new TestStore([], { takesAny: true });
  const accept = store.accept.bind(store);
  let taken = 0;
  store.accept = async (...args) => {
    if (++taken % 64 === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    return accept(...args);
  };
  const report = await initiateSync(await node.dialProtocol(sender.node.getMultiaddrs()[0]!, daoSyncProtocol), dao, sender.peer, store);
  assert.equal(report.accepted, history.length);
  assert.equal(store.order.length, history.length);
});

test('a BUSY refusal says whose session holds the slot: the asking peer\'s own, or another node\'s', async () => {
  const store = new TestStore(chain('a', 5));
  const a = await startNode(store);
  a.sync.join(dao);
  const holder = await startMeshNode();
  const asker = await startMeshNode();
  store.members.add(holder.peerId.toString());
  store.members.add(asker.peerId.toString());
  // Welcomed, then quiet: A waits for its ranges, and the DAO's one session slot is the holder's.
  const held = await holder.dialProtocol(a.node.getMultiaddrs()[0]!, daoSyncProtocol);
  const wire = rawWire(held);
  await wire.send(hello());
  assert.equal((await wire.read()).t, 'welcome');

  await assert.rejects(initiateSync(await asker.dialProtocol(a.node.getMultiaddrs()[0]!, daoSyncProtocol), dao, a.peer, new TestStore()), (error: unknown) => {
    assert.ok(error instanceof SyncRefusedError);
    assert.equal(error.code, 'BUSY');
    assert.match(error.message, /with another node/);
    return true;
  });
  const again = rawWire(await holder.dialProtocol(a.node.getMultiaddrs()[0]!, daoSyncProtocol));
  await again.send(hello());
  const refusal = await again.read();
  assert.ok(refusal.t === 'refuse' && refusal.code === 'BUSY' && /between us/.test(refusal.message), JSON.stringify(refusal));

  held.abort(new Error('test over'));
  await eventually('A to free the slot', () => a.sync.status(dao).state !== 'syncing');
});

/** Two DAO nodes, A and B, holding `history` and in sync; A logs into `lines`. */
async function twoNodesInSync(history: Uint8Array[], optionsA: Omit<DaoSyncOptions, 'intervalMs'> = {}) {
  const lines: string[] = [];
  const storeA = new TestStore(history);
  const storeB = new TestStore(history);
  const a = await startNode(storeA, 60_000, { ...optionsA, log: (line) => lines.push(line) });
  const b = await startNode(storeB);
  storeA.members.add(b.peer);
  storeB.members.add(a.peer);
  a.sync.join(dao);
  b.sync.join(dao);
  await b.node.dial(a.node.getMultiaddrs()[0]!);
  await eventually('A and B to settle in sync', () => [a, b].every(({ sync }) => sync.status(dao).state === 'in-sync'));
  return { a, storeA, storeB, lines };
}

test('what a session cut at its time limit accepted spreads to the DAO\'s other nodes, as a completed session\'s does', async () => {
  const history = chain('history', 5);
  const news = chain('news', 300, sha256(history[4]!));
  const { a, storeA, storeB, lines } = await twoNodesInSync(history, { sessionTimeouts: { sessionTimeoutMs: 3_000 } });
  // The source sends two batches of its news (64 envelopes each, dao-sync-session.ts), then stalls (a slow disk)
  // until A's session with it has ended at A's time limit, part way. Stalling rather than a fixed pace: on a
  // loaded machine a paced source had not filled a batch in time, and A took nothing.
  const sourceStore = new TestStore([...history, ...news]);
  const envelopes = sourceStore.envelopes.bind(sourceStore);
  let release = (): void => {};
  const released = new Promise<void>((resolve) => (release = resolve));
  sourceStore.envelopes = async function* (dao, ids) {
    let sent = 0;
    for await (const envelope of envelopes(dao, ids)) {
      if (sent++ === 128) await released;
      yield envelope;
    }
  };
  const source = await startMeshNode();
  await source.handle(daoSyncProtocol, (stream, connection) => void serveSync(stream, connection.remotePeer.toString(), sourceStore));
  sourceStore.members.add(a.peer);
  storeA.members.add(source.peerId.toString());
  // A dials, so A starts the session: one of its background sessions, as the periodic round's are.
  await a.node.dial(source.getMultiaddrs()[0]!);
  await eventually('A\'s session with the source to end at its limit', () => lines.some((line) => line.includes('ran past its 3 s limit')));
  release();
  const taken = news.filter((envelope) => storeA.has(envelope));
  assert.ok(taken.length > 0 && taken.length < news.length, `A took ${taken.length} of ${news.length}: ${lines.join(" | ")}`);
  // The periodic round is a minute away and there is no gossip key: only A's spread brings them to B.
  await eventually('B to hold what A took', () => taken.every((envelope) => storeB.has(envelope)), 10_000);
});

test('a peer cut off for sending what the gate refuses has its valid envelopes spread all the same, to every node but itself', async () => {
  const history = chain('history', 5);
  const news = chain('news', 3, sha256(history[4]!));
  const { a, storeA, storeB, lines } = await twoNodesInSync(history);
  const attacker = await startMeshNode();
  let sessionsWithAttacker = 0;
  await attacker.handle(daoSyncProtocol, (stream) => {
    sessionsWithAttacker++;
    stream.abort(new Error('not taking sessions'));
  });
  storeA.members.add(attacker.peerId.toString());
  const wire = rawWire(await attacker.dialProtocol(a.node.getMultiaddrs()[0]!, daoSyncProtocol));
  await wire.send(hello());
  assert.equal((await wire.read()).t, 'welcome');
  // Nothing matches: A lists all its ids, and may then be sent anything it lacks.
  await wire.send({ t: 'ranges', reconcile: { ranges: [{ upper: null, mode: 'fingerprint', fingerprint: new Uint8Array(16) }], want: new Uint8Array(0) } });
  const answer = await wire.read();
  assert.ok(answer.t === 'ranges' && answer.reconcile.ranges[0]?.mode === 'ids', 'A lists its ids');
  await wire.send({ t: 'ranges', reconcile: { ranges: [], want: new Uint8Array(0) } });
  // Three valid envelopes, then more the gate refuses (not the shape it takes) than the session allows.
  const refused = randomEnvelopes(maxRefusedPerSession + 64, 100);
  await wire.send({ t: 'offer', n: news.length + refused.length });
  await wire.send({ t: 'envelopes', envelopes: news });
  for (let at = 0; at < refused.length; at += 32) await wire.send({ t: 'envelopes', envelopes: refused.slice(at, at + 32) }).catch(() => {});
  await wire.send({ t: 'end' }).catch(() => {});
  await eventually('A to cut the attacker off', () => lines.some((line) => line.startsWith('served sync with') && line.includes('refused, more than it took')));
  assert.ok(news.every((envelope) => storeA.has(envelope)));
  await eventually('B to hold the valid envelopes', () => news.every((envelope) => storeB.has(envelope)), 10_000);
  assert.equal(sessionsWithAttacker, 0, 'A started no session with the peer it cut off');
});

test('a peer whose ranges answer more than it was asked (thousands of ranges, or one outside) loses the session to a protocol error, and an honest node syncs after it', async () => {
  const history = chain('history', 100); // more ids than fit a list: the victim answers a differing fingerprint with 16
  const news = chain('news', 3, sha256(history[99]!));
  const lines: string[] = [];
  const store = new TestStore(history);
  const victim = await startNode(store, 60_000, { log: (line) => lines.push(line) });
  victim.sync.join(dao);
  // A member's nodes, one per attempt: a node that broke the protocol is left alone for a while (below).
  const attackers: MeshNode[] = [];
  const welcomed = async () => {
    const attacker = await startMeshNode();
    store.members.add(attacker.peerId.toString());
    attackers.push(attacker);
    const stream = await attacker.dialProtocol(victim.node.getMultiaddrs()[0]!, daoSyncProtocol);
    const wire = rawWire(stream);
    await wire.send(hello());
    assert.equal((await wire.read()).t, 'welcome');
    return { stream, wire };
  };
  const cutOff = (why: string) => lines.filter((line) => attackers.some((attacker) => line.startsWith(`served sync with ${attacker.peerId.toString()}`)) && line.includes(why)).length;
  const wrong = new Uint8Array(16);

  /** `count` ranges with tiny rising bounds and wrong fingerprints, as the first message. */
  const crafted = (count: number): SyncMessage => ({
    t: 'ranges',
    reconcile: {
      ranges: Array.from({ length: count }, (_, i) => {
        const v = Math.floor(((i + 1) * 0xffffff) / count);
        return { upper: i === count - 1 ? null : Uint8Array.of(v >> 16, (v >> 8) & 255, v & 255), mode: 'fingerprint' as const, fingerprint: wrong };
      }),
      want: new Uint8Array(0),
    },
  });
  // The review's frame: 170k ranges, just under the frame cap. A first message asks about one range (the whole
  // id space): past what any answer to that takes, refused from its length before it is decoded.
  const oversized = await welcomed();
  await oversized.wire.send(crafted(170_000));
  await assert.rejects(oversized.wire.read(), 'the victim ends the stream instead of answering');
  await eventually('the victim to end the session with a protocol error', () => cutOff('cap for an answer to what this node asked') === 1);
  // That node is left alone for a while: asked again at once, the victim says it is busy, and why.
  const again = rawWire(await attackers[0]!.dialProtocol(victim.node.getMultiaddrs()[0]!, daoSyncProtocol));
  await again.send(hello());
  const refused = await again.read();
  assert.ok(refused.t === 'refuse' && refused.code === 'BUSY' && /broke the sync protocol/.test(refused.message), JSON.stringify(refused));
  // Five hundred, in a frame small enough (~12 KB): refused by count before any is hashed.
  const tooMany = await welcomed();
  await tooMany.wire.send(crafted(500));
  await assert.rejects(tooMany.wire.read());
  await eventually('the victim to end that session too', () => cutOff('500 ranges in answer to 1 this node asked about') === 1);

  // Asked about the ids below 0x80, the victim sends 16 fingerprints there; a range above them is not an answer.
  const outside = await welcomed();
  await outside.wire.send({ t: 'ranges', reconcile: { ranges: [{ upper: Uint8Array.of(0x80), mode: 'fingerprint', fingerprint: wrong }, { upper: null, mode: 'skip' }], want: new Uint8Array(0) } });
  const answer = await outside.wire.read();
  assert.ok(answer.t === 'ranges' && answer.reconcile.ranges.filter((range) => range.mode === 'fingerprint').length === 16, 'the victim splits the range below 0x80');
  await outside.wire.send({ t: 'ranges', reconcile: { ranges: [{ upper: Uint8Array.of(0x80), mode: 'skip' }, { upper: null, mode: 'fingerprint', fingerprint: wrong }], want: new Uint8Array(0) } });
  await assert.rejects(outside.wire.read());
  await eventually('the victim to end the third session too', () => cutOff('did not ask about') === 1);
  await eventually('the victim to free its session slot', () => victim.sync.status(dao).state !== 'syncing');

  // The slot is free: an honest node brings its news.
  const honestStore = new TestStore([...history, ...news]);
  const honest = await startNode(honestStore);
  store.members.add(honest.peer);
  honestStore.members.add(victim.peer);
  honest.sync.join(dao);
  await honest.node.dial(victim.node.getMultiaddrs()[0]!);
  await eventually('the victim to take the honest node\'s news', () => news.every((envelope) => store.has(envelope)));
  assert.equal(store.rejected, 0);
});
