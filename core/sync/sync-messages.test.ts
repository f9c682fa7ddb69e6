import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as dagCbor from '@ipld/dag-cbor';
import { decodeSyncMessage, SyncProtocolError, syncProtocolVersion } from './sync-messages.ts';

const dao = new Uint8Array(32).fill(9);
const legacyKeys = [{ epoch: new Uint8Array(16), key: new Uint8Array(32).fill(1) }];

test("a peer of an earlier version that still hands over group keys in hello and welcome is heard, its keys dropped", () => {
  const hello = decodeSyncMessage(dagCbor.encode({ t: 'hello', v: syncProtocolVersion, dao, keys: legacyKeys }));
  assert.deepEqual(hello, { t: 'hello', v: syncProtocolVersion, dao });
  const welcome = decodeSyncMessage(dagCbor.encode({ t: 'welcome', keys: legacyKeys }));
  assert.deepEqual(welcome, { t: 'welcome' });
});

test('the legacy field stays bounded, and other unknown fields are still refused', () => {
  assert.throws(() => decodeSyncMessage(dagCbor.encode({ t: 'welcome', keys: new Array(17).fill(legacyKeys[0]) })), SyncProtocolError);
  assert.throws(() => decodeSyncMessage(dagCbor.encode({ t: 'hello', v: syncProtocolVersion, dao, secret: 1 })), SyncProtocolError);
});
