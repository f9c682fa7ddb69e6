import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as dagCbor from '@ipld/dag-cbor';
import { sha256 } from '@noble/hashes/sha2.js';
import fc from 'fast-check';
import { IdSet } from './id-set.ts';
import { RangeReconciler, type RangeItem, type ReconcileMessage } from './range-reconcile.ts';
import { decodeSyncMessage, encodeSyncMessage, maxHandshakeFrameBytes, maxHelloFrameBytes, maxRangesFrameBytes, maxSyncFrameBytes, SyncProtocolError, syncProtocolVersion } from './sync-messages.ts';

const dao = new Uint8Array(32).fill(9);
const id = (n: number): Uint8Array => sha256(new Uint8Array([n]));

test('ranges round-trip: ids back to back in one byte string, wants as a bitmap', () => {
  const ids = [id(1), id(2), id(3)].sort((a, b) => a[0]! - b[0]!);
  const message = {
    t: 'ranges' as const,
    reconcile: {
      ranges: [
        { upper: new Uint8Array([7]), mode: 'skip' as const },
        { upper: new Uint8Array([9]), mode: 'fingerprint' as const, fingerprint: new Uint8Array(16).fill(3) },
        { upper: null, mode: 'ids' as const, ids },
      ],
      want: new Uint8Array([0b101]),
    },
  };
  const frame = encodeSyncMessage(message);
  const wire = dagCbor.decode(frame) as { r: unknown[][] };
  assert.ok(wire.r[2]![2] instanceof Uint8Array && wire.r[2]![2].length === 96, 'one byte string of 3 × 32 bytes');
  const decoded = decodeSyncMessage(frame);
  assert.equal(decoded.t, 'ranges');
  if (decoded.t !== 'ranges') return;
  assert.deepEqual(decoded.reconcile.want, message.reconcile.want);
  const last = decoded.reconcile.ranges[2]!;
  assert.ok(last.mode === 'ids');
  assert.deepEqual(last.ids.map((x) => [...x]), ids.map((x) => [...x]));
});

test('ids that are not whole 32-byte ids, wants that are not a bitmap and unknown fields are refused', () => {
  const ranges = (r: unknown[], w: unknown = new Uint8Array(0)) => dagCbor.encode({ t: 'ranges', r, w });
  assert.throws(() => decodeSyncMessage(ranges([[null, 2, new Uint8Array(33)]])), SyncProtocolError);
  assert.throws(() => decodeSyncMessage(ranges([[null, 2, [id(1)]]])), SyncProtocolError);
  assert.throws(() => decodeSyncMessage(ranges([[null, 0]], [id(1)])), SyncProtocolError);
  assert.throws(() => decodeSyncMessage(dagCbor.encode({ t: 'hello', v: syncProtocolVersion, dao, keys: [] })), SyncProtocolError);
  assert.throws(() => decodeSyncMessage(dagCbor.encode({ t: 'welcome', secret: 1 })), SyncProtocolError);
  assert.deepEqual(decodeSyncMessage(dagCbor.encode({ t: 'hello', v: syncProtocolVersion, dao })), { t: 'hello', v: syncProtocolVersion, dao });
});

test('the largest hello, welcome and refusal the schema takes (ASCII, as peer ids and addresses are) fit a handshake frame; the hello, one of a hello\'s size', () => {
  const peers = Array.from({ length: 64 }, () => ({ id: 'x'.repeat(128), addrs: Array.from({ length: 8 }, () => 'a'.repeat(300)) }));
  // The largest version number CBOR holds: the schema takes any integer there.
  const hello = encodeSyncMessage({ t: 'hello', v: Number.MAX_SAFE_INTEGER, dao, invite: new Uint8Array(4096) });
  assert.ok(hello.length <= maxHelloFrameBytes, `${hello.length} bytes`);
  const largest = [
    hello,
    encodeSyncMessage({ t: 'welcome', peers }),
    encodeSyncMessage({ t: 'refuse', code: 'INVITE_REVOKED', message: 'x'.repeat(500) }),
  ];
  for (const frame of largest) {
    assert.ok(frame.length <= maxHandshakeFrameBytes, `${frame.length} bytes`);
    decodeSyncMessage(frame);
  }
});

const frameOf = (reconcile: ReconcileMessage) => encodeSyncMessage({ t: 'ranges', reconcile }).length;

test('the largest answer to a message fits the frame cap the session reads it under, and an answer to a first message is small', () => {
  for (const limits of [
    { fingerprints: 1, branching: 16, idListThreshold: 32, listed: 0 },
    { fingerprints: 3, branching: 16, idListThreshold: 32, listed: 40 },
    { fingerprints: 7, branching: 4, idListThreshold: 8, listed: 1000 },
  ]) {
    // Every fingerprint taken apart into lists as long as they go, skips between, 32-byte bounds.
    const ranges: RangeItem[] = [];
    const parts = limits.fingerprints * limits.branching;
    const bound = (i: number) => new Uint8Array(32).fill(1).map((byte, at) => (at === 31 ? i & 255 : at === 30 ? i >> 8 : byte));
    for (let i = 0; i < parts; i++) {
      ranges.push({ upper: bound(2 * i), mode: 'skip' });
      ranges.push({ upper: bound(2 * i + 1), mode: 'ids', ids: Array.from({ length: limits.idListThreshold }, (_, n) => id(n)) });
    }
    ranges.push({ upper: null, mode: 'skip' });
    const largest = frameOf({ ranges, want: new Uint8Array(Math.ceil(limits.listed / 8)).fill(255) });
    const cap = maxRangesFrameBytes(limits);
    assert.ok(largest <= cap && cap - largest < 64, `${largest} bytes under a cap of ${cap}`);
  }
  // The initiator's first message takes one range apart: ~18 KB, where a crafted one fills the 4 MiB frame.
  assert.ok(maxRangesFrameBytes({ fingerprints: 1, branching: 16, idListThreshold: 32, listed: 0 }) < 20_000);
  assert.equal(maxRangesFrameBytes({ fingerprints: 10_000, branching: 16, idListThreshold: 32, listed: 0 }), maxSyncFrameBytes);
});

test('every message of an honest reconciliation fits the cap its receiver reads it under', () => {
  const hash = (n: number): Uint8Array => sha256(new Uint8Array(new Uint32Array([n]).buffer));
  const check = (mine: number[], theirs: number[], options = {}) => {
    const initiator = new RangeReconciler(new IdSet(mine.map(hash)), options);
    const responder = new RangeReconciler(new IdSet(theirs.map(hash)), options);
    let message: ReconcileMessage | null = initiator.start();
    let receiver = responder;
    while (message !== null) {
      const cap = maxRangesFrameBytes(receiver.answerLimits);
      assert.ok(frameOf(message) <= cap, `${frameOf(message)} bytes over a cap of ${cap}`);
      message = receiver.receive(message);
      receiver = receiver === responder ? initiator : responder;
    }
  };
  fc.assert(
    fc.property(fc.uniqueArray(fc.nat(20_000), { maxLength: 2000, size: 'max' }), fc.uniqueArray(fc.nat(20_000), { maxLength: 2000, size: 'max' }), fc.integer({ min: 2, max: 16 }), fc.integer({ min: 1, max: 40 }), fc.integer({ min: 40, max: 4000 }), (a, b, branching, idListThreshold, maxListedIds) =>
      check(a, b, { branching, idListThreshold, maxListedIds, maxRounds: 200 }),
    ),
    { numRuns: 100 },
  );
  // 20k each, 6k different on each side.
  const shared = Array.from({ length: 14_000 }, (_, n) => n);
  check([...shared, ...shared.slice(0, 6000).map((n) => n + 100_000)], [...shared, ...shared.slice(0, 6000).map((n) => n + 200_000)]);
});

test('sets that differ by 50k ids on each side reconcile in frames under the cap (a message listing all at once would be 5.5 MB)', () => {
  // Random 32-byte ids, made cheaply: hashing 300k of them would take longer than the reconciliation.
  const next = seededBytes(7);
  const ids = (count: number) => Array.from({ length: count }, () => next());
  const shared = ids(150_000);
  const initiator = new RangeReconciler(new IdSet([...shared, ...ids(50_000)]));
  const responder = new RangeReconciler(new IdSet([...shared, ...ids(50_000)]));
  let message: ReconcileMessage | null = initiator.start();
  let receiver = responder;
  let largest = 0;
  while (message !== null) {
    const bytes = frameOf(message);
    largest = Math.max(largest, bytes);
    assert.ok(bytes <= maxRangesFrameBytes(receiver.answerLimits), `${bytes} bytes over its cap`);
    message = receiver.receive(message);
    receiver = receiver === responder ? initiator : responder;
  }
  assert.ok(largest <= maxSyncFrameBytes);
  assert.equal(initiator.toSend().length, 50_000);
  assert.equal(responder.toSend().length, 50_000);
});

/** 32-byte ids from a seeded xorshift generator. */
function seededBytes(seed: number): () => Uint8Array {
  let state = seed >>> 0 || 1;
  return () => {
    const id = new Uint8Array(32);
    for (let i = 0; i < 32; i += 4) {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      id[i] = state & 255;
      id[i + 1] = (state >>> 8) & 255;
      id[i + 2] = (state >>> 16) & 255;
      id[i + 3] = (state >>> 24) & 255;
    }
    return id;
  };
}
