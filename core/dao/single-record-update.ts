// The update a host writes for one member action: one Yjs item that sets a new ledger key to a record's bytes,
// with no neighbours and no deletions. Hosts write every action as its own envelope, so nearly every update a
// DAO ever receives has this shape. The gate recognises it byte for byte, as Yjs's V1 encoding of exactly that
// item, and integrates the item itself: decoding it through Yjs twice, once to inspect and once to apply, took
// about a sixth of the JS a one-record envelope costs. Anything else, however close, is not recognised and
// goes through the full decode (update-structure.ts) and Y.applyUpdate. Recognising only accepts a shape;
// every check on what it says is the gate's (update-structure.ts).
import * as Y from 'yjs';
import { DaomeshError } from '../errors.ts';
import { ledgerMap, ledgerRootName } from './dao-doc.ts';

/** What a one-record update says: the item's Yjs id, its ledger key (as bytes of the update) and the record's bytes. */
export type SingleRecordUpdate = {
  readonly client: number;
  readonly clock: number;
  /** The key's bytes: ASCII, under 128 of them (a record id has 43). */
  readonly key: Uint8Array;
  /** A view of the update. */
  readonly bytes: Uint8Array;
};

// The root's name is ASCII: its UTF-8 bytes are its character codes.
const ledgerRootBytes = Uint8Array.from(ledgerRootName, (character) => character.charCodeAt(0));

// Yjs's V1 encoding, for one client with one item and an empty delete set:
//   varUint 1 (clients), varUint 1 (structs), varUint client, varUint clock,
//   info 0x23 (binary content, has a map key, no origins), varUint 1 (the parent is a root, named next),
//   varString "ledger", varString key, varUint length, the bytes, varUint 0 (delete set: no clients).
const infoBinaryWithKey = 0x23;
const parentIsRootName = 0x01;

/** The update's one item, when the update is exactly the encoding above; null for any other update. */
export function readSingleRecordUpdate(update: Uint8Array): SingleRecordUpdate | null {
  if (update.length < 4 || update[0] !== 1 || update[1] !== 1) return null;
  const reader = { at: 2 };
  const client = readVarUint(update, reader);
  const clock = readVarUint(update, reader);
  if (client === null || clock === null) return null;
  let at = reader.at;
  if (update[at] !== infoBinaryWithKey || update[at + 1] !== parentIsRootName || update[at + 2] !== ledgerRootBytes.length) return null;
  at += 3;
  for (let i = 0; i < ledgerRootBytes.length; i++) if (update[at + i] !== ledgerRootBytes[i]) return null;
  at += ledgerRootBytes.length;
  // A one-byte length (under 128) and ASCII: what a record id is, and what makes the bytes the string's characters.
  const keyLength = update[at];
  if (keyLength === undefined || keyLength >= 0x80) return null;
  const keyStart = at + 1;
  const keyEnd = keyStart + keyLength;
  if (keyEnd > update.length) return null;
  for (let i = keyStart; i < keyEnd; i++) if (update[i]! >= 0x80) return null;
  reader.at = keyEnd;
  const length = readVarUint(update, reader);
  if (length === null) return null;
  const start = reader.at;
  // Then exactly one byte, the empty delete set, and nothing after it.
  if (start + length + 1 !== update.length || update[start + length] !== 0) return null;
  return { client, clock, key: update.subarray(keyStart, keyEnd), bytes: update.subarray(start, start + length) };
}

/** True when the key's bytes are the characters of `id` (ASCII). */
export function keyIs(update: SingleRecordUpdate, id: string): boolean {
  const key = update.key;
  if (key.length !== id.length) return false;
  for (let i = 0; i < key.length; i++) if (key[i] !== id.charCodeAt(i)) return false;
  return true;
}

/**
 * Integrates the update's item into `doc` as Y.applyUpdate would: the same Item (same id, no origins, the
 * ledger as parent, `id` as key, the record's bytes as binary content) in a remote transaction. For the
 * gate only, after it accepted the update: the item's clock must be its client's next, and Yjs must hold no
 * pending structs or deletions (the gate's invariant), which is when Yjs integrates such an item at once.
 */
export function integrateSingleRecord(doc: Y.Doc, update: SingleRecordUpdate, id: string, origin: unknown): void {
  if (Y.getState(doc.store, update.client) !== update.clock || doc.store.pendingStructs !== null || doc.store.pendingDs !== null) {
    throw new DaomeshError('INTERNAL', `The one-record update of Yjs client ${update.client} at ${update.clock} is not the next thing this document can take.`);
  }
  Y.transact(
    doc,
    (transaction) => {
      // As Yjs's readUpdate: an applied update is never local, also inside a local transaction.
      transaction.local = false;
      const item = new Y.Item(Y.createID(update.client, update.clock), null, null, null, null, ledgerMap(doc), id, new Y.ContentBinary(update.bytes));
      item.integrate(transaction, 0);
    },
    origin,
    false,
  );
}

/** lib0's readVarUint (little-endian base 128, at most a safe integer); null where lib0 would throw. */
function readVarUint(bytes: Uint8Array, reader: { at: number }): number | null {
  let value = 0;
  let scale = 1;
  while (reader.at < bytes.length) {
    const byte = bytes[reader.at++]!;
    value += (byte & 0x7f) * scale;
    scale *= 128;
    if (byte < 0x80) return value;
    if (value > Number.MAX_SAFE_INTEGER) return null;
  }
  return null;
}
