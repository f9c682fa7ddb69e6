// A peer the DAO serves (a member's node, or any device with a valid invite) can try to hold a node's one
// catch-up session for the DAO: by no longer reading what it is sent, by sending envelopes it was not asked
// for, or by trickling them just inside the read timeout. Each is cut off (timeouts are shortened here through
// the options), left alone for a while after it ran out of time, and the node goes on syncing with its honest
// peers; an honest peer on a slow link is not cut off while its bytes keep coming. Real libp2p nodes on 127.0.0.1.
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
import { DaoSync, type DaoSyncHost, type DaoSyncOptions, type GossipOutcome } from '../p2p/dao-sync.ts';
import { daoSyncProtocol, lengthPrefixed, maxRefusedPerSession, type AcceptOutcome } from '../p2p/dao-sync-session.ts';
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
  /** What its gate refuses: envelopes whose first byte is 0xff, when `refusing`. */
  refusing = false;

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
    if (this.refusing && envelope[0] === 0xff) return 'rejected';
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
  departed() {
    return false;
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
/** For tests that break the protocol from one peer several times, each a session of its own: no pause between. */
const noCoolOff = { firstMs: 0, maxMs: 0 };

/** An honest node holding `held` meets the victim; resolves once the victim holds `news`. */
async function honestNodeBrings(victim: { node: MeshNode; store: OpenStore }, held: readonly Uint8Array[], news: Uint8Array): Promise<void> {
  const honest = await startDaoNode(held, shortTimeouts);
  await honest.node.dial(victim.node.getMultiaddrs()[0]!);
  // Refused BUSY while the victim's slot is held; asked again until it is free.
  await eventually('the victim to take the honest node\'s new envelope', () => victim.store.has(news), 20_000);
}

test('a peer that stops reading while it is served loses the session, and an honest node syncs with the victim after it', async () => {
  // ~4 MB: more than the stream's window (256 KiB, doubled at most once before the pause below; with 2 MB a run
  // now and then found the window grown enough to take it all), so the victim has to wait for window it is never
  // granted.
  const history = envelopes(4000);
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
  const victim = await startDaoNode(history, { ...shortTimeouts, timeoutCoolOff: noCoolOff });
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

test('a peer that trickles what it was asked for, each frame just inside the read timeout, is cut off at the session limit and refused when it comes back', async () => {
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
  // Back at once for another session: refused, saying why (it is left alone for a while).
  const again = rawWire(await attacker.dialProtocol(victim.node.getMultiaddrs()[0]!, daoSyncProtocol));
  await again.send(hello());
  const refusal = await again.read();
  assert.ok(refusal.t === 'refuse' && refusal.code === 'BUSY' && refusal.message.includes('ran out of time'), JSON.stringify(refusal));
});

/** A message's frame as it goes on the wire. */
function framed(message: SyncMessage): Uint8Array {
  return lengthPrefixed(encodeSyncMessage(message));
}

/** Sends `bytes` a chunk at a time, as a slow link would, pausing `pauseMs(i)` after chunk i. */
async function trickle(stream: Stream, bytes: Uint8Array, chunkBytes: number, pauseMs: (chunk: number) => number): Promise<void> {
  for (let at = 0, chunk = 0; at < bytes.length; at += chunkBytes, chunk++) {
    if (!stream.send(bytes.subarray(at, at + chunkBytes))) await new Promise((resolve) => stream.addEventListener('drain', resolve, { once: true }));
    await new Promise((resolve) => setTimeout(resolve, pauseMs(chunk)));
  }
}

/**
 * A peer dials the victim and lists `wanted`, which the victim lacks: the victim asks for them all. Resolves
 * once the peer has offered them, with its stream.
 */
async function askedBy(victim: { node: MeshNode }, peer: MeshNode, wanted: readonly Uint8Array[]): Promise<{ stream: Stream; wire: ReturnType<typeof rawWire> }> {
  const stream = await peer.dialProtocol(victim.node.getMultiaddrs()[0]!, daoSyncProtocol);
  const wire = rawWire(stream);
  await wire.send(hello());
  assert.equal((await wire.read()).t, 'welcome');
  await wire.send({ t: 'ranges', reconcile: new RangeReconciler(new IdSet(wanted.map((envelope) => sha256(envelope)))).start() });
  assert.equal((await wire.read()).t, 'ranges');
  await wire.send({ t: 'offer', n: wanted.length });
  return { stream, wire };
}

test('a large frame on a slow link, each pause inside the read timeout but the whole past it, is taken', async () => {
  // ~1 MiB in one frame, 64 KiB every 150 ms: about 2.5 s for a frame, with a read timeout of 1 s.
  const large = envelopes(16, 64 * 1024);
  const victim = await startDaoNode([], { sessionTimeouts: { readTimeoutMs: 1_000, writeTimeoutMs: 1_000 } });
  const slow = await startMeshNode();
  const { stream, wire } = await askedBy(victim, slow, large);
  await trickle(stream, framed({ t: 'envelopes', envelopes: large }), 64 * 1024, () => 150);
  await wire.send({ t: 'end' });
  await eventually('the victim to take the whole frame', () => large.every((envelope) => victim.store.has(envelope)), 15_000);
  assert.ok(!victim.lines.some((line) => line.includes('sent nothing')), victim.lines.join('\n'));
});

test('a peer that stalls in the middle of a frame for longer than the read timeout loses the session, and none of the frame is taken', async () => {
  const large = envelopes(16, 64 * 1024);
  const victim = await startDaoNode([], { sessionTimeouts: { readTimeoutMs: 1_000, writeTimeoutMs: 1_000 } });
  const staller = await startMeshNode();
  const { stream } = await askedBy(victim, staller, large);
  // Half the frame at the pace of the test above, then nothing for 2.5 s.
  await trickle(stream, framed({ t: 'envelopes', envelopes: large }).subarray(0, 8 * 64 * 1024), 64 * 1024, (chunk) => (chunk === 7 ? 2_500 : 150)).catch(() => {});
  await eventually('the victim to cut the session', () => victim.lines.some((line) => line.startsWith('served sync with') && line.includes('sent nothing for 1 s')));
  assert.ok(large.every((envelope) => !victim.store.has(envelope)));
});

test('a peer that closes its stream in the middle of a frame ends the session with words a user can read, and none of the frame is taken', async () => {
  const large = envelopes(16, 64 * 1024);
  const victim = await startDaoNode([], shortTimeouts);
  const quitter = await startMeshNode();
  const { stream } = await askedBy(victim, quitter, large);
  await trickle(stream, framed({ t: 'envelopes', envelopes: large }).subarray(0, 4 * 64 * 1024), 64 * 1024, () => 50);
  await stream.close();
  await eventually('the victim to end the session', () => victim.lines.some((line) => line.startsWith('served sync with')));
  const ended = victim.lines.find((line) => line.startsWith('served sync with'))!;
  assert.match(ended, /closed the stream in the middle of a message/);
  assert.doesNotMatch(ended, /EOF/);
  assert.ok(large.every((envelope) => !victim.store.has(envelope)));
});

test('a peer not let in yet holds no stream with its hello: one claiming more than a hello holds is refused from its length, one trickled is cut off at the read timeout', async () => {
  // Before the hello, anyone may open 16 sync streams on each connection: each may make the node hold a frame's
  // worth, for as long as it keeps bytes coming. A hello is a few KB; it has the read timeout to arrive whole.
  const victim = await startDaoNode([], { sessionTimeouts: { readTimeoutMs: 1_000, writeTimeoutMs: 1_000 } });
  const stranger = await startMeshNode();
  const large = await stranger.dialProtocol(victim.node.getMultiaddrs()[0]!, daoSyncProtocol);
  large.send(lengthPrefixed(new Uint8Array(64 * 1024)).subarray(0, 1024));
  await eventually('the victim to refuse the large hello', () => victim.lines.some((line) => line.includes(`over the ${maxHelloFrameBytes}-byte cap before the session begins`)));
  await eventually('that stream to close', () => large.status !== 'open');

  // The largest hello there is, 100 bytes every 500 ms: about 20 s for all of it.
  const slow = await stranger.dialProtocol(victim.node.getMultiaddrs()[0]!, daoSyncProtocol);
  const bytes = framed({ t: 'hello', v: syncProtocolVersion, dao: recordHashFromId(dao), invite: new Uint8Array(4096) });
  let sent = 0;
  const trickling = trickle(slow, bytes, 100, () => ((sent += 100), 500)).catch(() => {});
  await eventually('the victim to cut the hello off', () => victim.lines.some((line) => line.startsWith('served sync with') && line.includes('did not arrive whole within 1 s')), 15_000);
  assert.ok(sent < bytes.length, `the whole hello (${bytes.length} bytes) went out before the victim cut it off`);
  slow.abort(new Error('test over'));
  await trickling;
});

test('a peer that never closes its end after a session loses the stream at the write timeout: it cannot leave streams, and what it sends, on the node', async () => {
  // Each session leaves its stream half closed until the peer closes its end: one that never does kept up to 16 a
  // connection, with the few MiB it pushed after its end in each, for as long as the connection lasted.
  const history = envelopes(1, 100);
  const victim = await startDaoNode(history, { sessionTimeouts: { readTimeoutMs: 1_000, writeTimeoutMs: 1_000 } });
  const lingerer = await startMeshNode();
  const syncStreams = () => victim.node.getConnections(lingerer.peerId).flatMap((connection) => connection.streams.filter((stream) => stream.protocol === daoSyncProtocol));
  const stream = await lingerer.dialProtocol(victim.node.getMultiaddrs()[0]!, daoSyncProtocol);
  const wire = rawWire(stream);
  await wire.send(hello());
  assert.equal((await wire.read()).t, 'welcome');
  await wire.send({ t: 'ranges', reconcile: new RangeReconciler(new IdSet(history.map((envelope) => sha256(envelope)))).start() });
  assert.equal((await wire.read()).t, 'ranges');
  await wire.send({ t: 'offer', n: 0 });
  await wire.send({ t: 'end' });
  assert.equal((await wire.read()).t, 'offer');
  assert.equal((await wire.read()).t, 'end');
  // The session is over; the peer keeps its end open, and sends what nobody asked for.
  stream.send(new Uint8Array(1024 * 1024));
  await eventually("the victim to drop the lingering stream", () => syncStreams().length === 0, 15_000);
  await eventually("the lingerer's stream to be reset", () => stream.status !== 'open', 15_000);
});

test('a peer that trickles one frame\'s bytes, each just inside the read timeout, is cut off at the session limit', async () => {
  const large = envelopes(16, 64 * 1024);
  const victim = await startDaoNode([], { sessionTimeouts: { readTimeoutMs: 1_000, writeTimeoutMs: 1_000, sessionTimeoutMs: 2_500 } });
  const trickler = await startMeshNode();
  const { stream } = await askedBy(victim, trickler, large);
  // 16 KiB every 600 ms: the frame would take 40 s.
  const trickling = trickle(stream, framed({ t: 'envelopes', envelopes: large }), 16 * 1024, () => 600).catch(() => {});
  await eventually('the victim to end the session at its limit', () => victim.lines.some((line) => line.startsWith('served sync with') && line.includes('ran past its 2.5 s limit')), 15_000);
  stream.abort(new Error('test over'));
  await trickling;
  assert.ok(large.every((envelope) => !victim.store.has(envelope)));
});

/** A random envelope whose id's first byte is below 0x80 (`low`) or not. */
function envelopeInHalf(low: boolean): Uint8Array {
  for (;;) {
    const envelope = envelopes(1, 100)[0]!;
    if (sha256(envelope)[0]! < 0x80 === low) return envelope;
  }
}

test('where the victim listed its own ids, a peer that sends envelopes outside them, or one twice, is cut off before any of that frame is taken', async () => {
  const history = envelopes(10, 100);
  const victim = await startDaoNode(history, { ...shortTimeouts, timeoutCoolOff: noCoolOff });
  const attacker = await startMeshNode();
  const lower = Uint8Array.of(0x80);
  /** A session in which the victim lists its ids below 0x80 and nothing else: only there may it be sent anything. */
  const listedBelow = async (): Promise<ReturnType<typeof rawWire>> => {
    const stream = await attacker.dialProtocol(victim.node.getMultiaddrs()[0]!, daoSyncProtocol);
    const wire = rawWire(stream);
    await wire.send(hello());
    assert.equal((await wire.read()).t, 'welcome');
    // A fingerprint that cannot match below 0x80, and the rest skipped: the victim answers with its ids there.
    await wire.send({ t: 'ranges', reconcile: { ranges: [{ upper: lower, mode: 'fingerprint', fingerprint: new Uint8Array(16) }, { upper: null, mode: 'skip' }], want: new Uint8Array(0) } });
    const answer = await wire.read();
    assert.ok(answer.t === 'ranges' && answer.reconcile.ranges[0]?.mode === 'ids', 'the victim lists its ids below 0x80');
    await wire.send({ t: 'ranges', reconcile: { ranges: [], want: new Uint8Array(0) } });
    return wire;
  };

  // Asked for: anything below 0x80 the victim lacks. Not asked for: anything above it.
  const asked = envelopeInHalf(true);
  const unasked = envelopeInHalf(false);
  const first = await listedBelow();
  await first.send({ t: 'offer', n: 2 });
  await first.send({ t: 'envelopes', envelopes: [asked] });
  await first.send({ t: 'envelopes', envelopes: [unasked] });
  await first.send({ t: 'end' }).catch(() => {});
  await eventually('the victim to cut the session', () => victim.lines.some((line) => line.startsWith('served sync with') && line.includes('did not ask for')));
  assert.ok(victim.store.has(asked), 'what was asked for is taken');
  assert.equal(victim.store.has(unasked), false);

  // Twice in one frame: the first copy is not taken either (a frame is checked whole before the gate).
  const twice = envelopeInHalf(true);
  const second = await listedBelow();
  await second.send({ t: 'offer', n: 2 });
  await second.send({ t: 'envelopes', envelopes: [twice, twice] });
  await second.send({ t: 'end' }).catch(() => {});
  await eventually('the victim to cut the second session', () => victim.lines.filter((line) => line.startsWith('served sync with') && line.includes('did not ask for')).length === 2);
  assert.equal(victim.store.has(twice), false);
  assert.equal(victim.store.order.length, history.length + 1);
});

test('a peer whose session ran out of time is left alone for a while, twice as long the next time, and forgiven by a session that completes', async () => {
  const victim = await startDaoNode([], { sessionTimeouts: { readTimeoutMs: 500, writeTimeoutMs: 500 }, timeoutCoolOff: { firstMs: 1_500, maxMs: 10_000 } });
  const peer = await startMeshNode();
  const peerId = peer.peerId.toString();
  let asked = 0;
  await peer.handle(daoSyncProtocol, (stream) => {
    asked++;
    stream.abort(new Error('not now'));
  });
  const leftAlone = (seconds: string) => victim.lines.filter((line) => line.includes(peerId) && line.includes(`no session with it for ${seconds}`)).length;
  /** Says hello: the victim's answer, and the wire to go on with (a refused stream is closed, as a peer would). */
  const hi = async (): Promise<{ wire: ReturnType<typeof rawWire>; reply: SyncMessage }> => {
    const stream = await peer.dialProtocol(victim.node.getMultiaddrs()[0]!, daoSyncProtocol);
    const wire = rawWire(stream);
    await wire.send(hello());
    const reply = await wire.read();
    if (reply.t === 'refuse') await stream.close();
    return { wire, reply };
  };
  /** Says hello until it is welcomed (refused BUSY while it is left alone). */
  const welcomed = async (): Promise<ReturnType<typeof rawWire>> => {
    for (;;) {
      const { wire, reply } = await hi();
      if (reply.t === 'welcome') return wire;
      assert.ok(reply.t === 'refuse' && reply.code === 'BUSY', JSON.stringify(reply));
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  };

  // Welcomed, then quiet: the victim's read times out.
  await welcomed();
  await eventually('the victim to leave the peer alone', () => leftAlone('1.5 s') === 1);
  // At once: refused, saying why; and the victim starts none with it either.
  const { reply: refusal } = await hi();
  assert.ok(refusal.t === 'refuse' && refusal.code === 'BUSY' && refusal.message.includes('ran out of time'), JSON.stringify(refusal));
  victim.sync.syncNow(dao, [peerId]);
  assert.notEqual(victim.sync.status(dao).state, 'syncing', 'no session started with a peer left alone');

  // Once the pause is over it is served again; quiet a second time, it is left alone twice as long.
  await welcomed();
  await eventually('the victim to leave the peer alone for longer', () => leftAlone('3 s') === 1);

  // A session that completes forgets the timeouts: after the next, the pause is the first one again.
  const wire = await welcomed();
  await wire.send({ t: 'ranges', reconcile: new RangeReconciler(new IdSet([])).start() });
  assert.equal((await wire.read()).t, 'ranges');
  await wire.send({ t: 'offer', n: 0 });
  await wire.send({ t: 'end' });
  assert.equal((await wire.read()).t, 'offer');
  assert.equal((await wire.read()).t, 'end');
  await eventually('the victim to settle', () => victim.sync.status(dao).state !== 'syncing');
  await welcomed();
  await eventually('the victim to leave the peer alone, from the first pause again', () => leftAlone('1.5 s') === 2);
  assert.equal(asked, 0, 'the victim started no session with the peer');
});

test('where the victim listed its own ids, a peer that sends more envelopes its gate refuses than it takes is cut off', async () => {
  const victim = await startDaoNode(envelopes(10, 100), shortTimeouts);
  victim.store.refusing = true;
  const attacker = await startMeshNode();
  const stream = await attacker.dialProtocol(victim.node.getMultiaddrs()[0]!, daoSyncProtocol);
  const wire = rawWire(stream);
  await wire.send(hello());
  assert.equal((await wire.read()).t, 'welcome');
  // Nothing matches anywhere: the victim lists all its ids, and may then be sent anything it lacks.
  await wire.send({ t: 'ranges', reconcile: { ranges: [{ upper: null, mode: 'fingerprint', fingerprint: new Uint8Array(16) }], want: new Uint8Array(0) } });
  const answer = await wire.read();
  assert.ok(answer.t === 'ranges' && answer.reconcile.ranges[0]?.mode === 'ids', 'the victim lists its ids');
  await wire.send({ t: 'ranges', reconcile: { ranges: [], want: new Uint8Array(0) } });
  const refused = Array.from({ length: maxRefusedPerSession + 64 }, () => {
    const envelope = envelopes(1, 100)[0]!;
    envelope[0] = 0xff;
    return envelope;
  });
  await wire.send({ t: 'offer', n: refused.length }).catch(() => {});
  for (let at = 0; at < refused.length; at += 32) await wire.send({ t: 'envelopes', envelopes: refused.slice(at, at + 32) }).catch(() => {});
  await wire.send({ t: 'end' }).catch(() => {});
  await eventually('the victim to cut the session', () => victim.lines.some((line) => line.startsWith('served sync with') && line.includes('refused, more than it took')));
  assert.equal(victim.store.order.length, 10);
});
