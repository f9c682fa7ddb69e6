import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as dagCbor from '@ipld/dag-cbor';
import { sha256 } from '@noble/hashes/sha2.js';
import { decodeSyncMessage, encodeSyncMessage, maxHandshakeFrameBytes, SyncProtocolError, syncProtocolVersion } from './sync-messages.ts';

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

test('the largest hello, welcome and refusal the schema takes (ASCII, as peer ids and addresses are) fit a handshake frame', () => {
  const peers = Array.from({ length: 64 }, () => ({ id: 'x'.repeat(128), addrs: Array.from({ length: 8 }, () => 'a'.repeat(300)) }));
  const largest = [
    encodeSyncMessage({ t: 'hello', v: syncProtocolVersion, dao, invite: new Uint8Array(4096) }),
    encodeSyncMessage({ t: 'welcome', peers }),
    encodeSyncMessage({ t: 'refuse', code: 'INVITE_REVOKED', message: 'x'.repeat(500) }),
  ];
  for (const frame of largest) {
    assert.ok(frame.length <= maxHandshakeFrameBytes, `${frame.length} bytes`);
    decodeSyncMessage(frame);
  }
});
