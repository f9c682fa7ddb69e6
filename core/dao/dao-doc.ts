// The schema of one DAO's Y.Doc (DESIGN.md §4, §4a).
//
// - Root Y.Map `ledger`: key = record id (base64url SHA-256 of the bytes, 43 characters), value = the record
//   bytes. Set once, never changed or deleted. A Y.Map, not a Y.Array: appends one at a time are quadratic in
//   a Y.Array at 100k items (TOOLCHAIN.md).
// - Collaborative texts are root Y.Texts named `text:<name>` (`text:charter`, `text:draft:<id>`), not
//   Y.Texts inside a `texts` map. A nested Y.Text is created by setting a map key, and Yjs settles two
//   concurrent creations of the same key by deleting one of them with everything typed into it; a root type
//   is never created by an update, so that loss cannot happen, no one can replace a whole text by setting its
//   key again, and every text item in an update resolves to a root name (the update gate needs no rule for
//   who may create or replace a text).
import * as decoding from 'lib0/decoding';
import * as Y from 'yjs';
import { DaomeshError } from '../errors.ts';
import { decodeRecord, type LedgerRecord } from '../ledger/record.ts';

export const ledgerRootName = 'ledger';
export const textRootPrefix = 'text:';

/** A text's name inside a DAO document: the charter, or the draft of a proposal (by proposal or draft id). */
export type TextName = 'charter' | `draft:${string}`;

const textNamePattern = /^(charter|draft:[A-Za-z0-9_-]{1,64})$/;

export function isTextName(name: string): name is TextName {
  return textNamePattern.test(name);
}

/** The root name of a text, or null when `rootName` is not a text of this schema. */
export function textNameOfRoot(rootName: string): TextName | null {
  if (!rootName.startsWith(textRootPrefix)) return null;
  const name = rootName.slice(textRootPrefix.length);
  return isTextName(name) ? name : null;
}

/** A fresh DAO document. Garbage collection stays on: deleted text shrinks to its length, ledger items are never deleted. */
export function createDaoDoc(): Y.Doc {
  const doc = new Y.Doc({ gc: true });
  doc.getMap(ledgerRootName);
  return doc;
}

/**
 * Yjs's decoder of version-1 updates, except that byte contents (ledger records) are views of the update rather
 * than copies. Yjs copies each so that a doc does not keep a large update alive; for a DAO's whole state, read
 * once on a cold open, the records are most of that update anyway, and 100,000 small copies cost ~0.3 s of
 * allocation and garbage collection. What the views keep alive besides the records: the state's other bytes,
 * item headers and the texts' content (a tenth of the benchmark DAO's state; about half of one whose members
 * have written long texts).
 */
class ViewingDecoderV1 extends Y.UpdateDecoderV1 {
  override readBuf(): Uint8Array {
    return decoding.readVarUint8Array(this.restDecoder);
  }

  /**
   * Short ASCII strings (the ledger's keys are record ids, 43 characters) straight from the bytes: Yjs makes a
   * view of each and decodes it as UTF-8, ~0.5 µs apiece, 10% of applying a 100,000-record state. ASCII is its
   * own UTF-8, so the result is the same; anything else is read as Yjs reads it.
   */
  override readString(): string {
    const decoder = this.restDecoder;
    const start = decoder.pos;
    const length = decoding.readVarUint(decoder);
    const { arr, pos } = decoder;
    if (length < asciiCodes.length && pos + length <= arr.length) {
      const codes = asciiCodes[length]!;
      let ascii = true;
      for (let at = 0; at < length; at++) {
        const byte = arr[pos + at]!;
        if (byte > 0x7f) {
          ascii = false;
          break;
        }
        codes[at] = byte;
      }
      if (ascii) {
        decoder.pos = pos + length;
        return String.fromCharCode.apply(null, codes);
      }
    }
    decoder.pos = start;
    return decoding.readVarString(decoder);
  }
}

/** One reused list of character codes per length up to 64, for ViewingDecoderV1.readString. */
const asciiCodes: number[][] = Array.from({ length: 65 }, (_, length) => new Array<number>(length).fill(0));

/**
 * Applies a whole document state (Y.encodeStateAsUpdate) to `doc`, keeping its byte contents as views of
 * `state`: for states read once and kept, such as a snapshot's; `state` must not change afterwards. A state
 * that is part of a larger buffer (a small read comes from Node's shared pool) is copied first, so that the
 * records share their buffer with nothing else.
 */
export function applyWholeState(doc: Y.Doc, state: Uint8Array, origin?: unknown): void {
  const own = state.byteOffset === 0 && state.byteLength === state.buffer.byteLength ? state : state.slice();
  Y.applyUpdateV2(doc, own, origin, ViewingDecoderV1);
}

/** Each document's ledger, found once: Y.Doc.getMap allocates on every call, and the gate asks several times per envelope. */
const ledgers = new WeakMap<Y.Doc, Y.Map<Uint8Array>>();

export function ledgerMap(doc: Y.Doc): Y.Map<Uint8Array> {
  let ledger = ledgers.get(doc);
  if (ledger === undefined) ledgers.set(doc, (ledger = doc.getMap<Uint8Array>(ledgerRootName)));
  return ledger;
}

export function hasRecord(doc: Y.Doc, id: string): boolean {
  return ledgerMap(doc).has(id);
}

export function recordBytes(doc: Y.Doc, id: string): Uint8Array | undefined {
  const value = ledgerMap(doc).get(id);
  return value instanceof Uint8Array ? value : undefined;
}

/** How many records the ledger holds. Y.Map counts them one by one: not for a hot path. */
export function ledgerSize(doc: Y.Doc): number {
  return ledgerMap(doc).size;
}

/** Every ledger entry as [id, bytes], in Y.Map order (not a canonical order: the fold sorts). */
export function* ledgerEntries(doc: Y.Doc): Generator<[string, Uint8Array]> {
  for (const [id, value] of ledgerMap(doc).entries()) {
    if (value instanceof Uint8Array) yield [id, value];
  }
}

/**
 * Every ledger entry decoded. Signatures are not re-checked: what is in the document was either written by
 * the local member or passed the update gate, which verified it.
 */
export function* ledgerRecords(doc: Y.Doc): Generator<LedgerRecord> {
  for (const [id, bytes] of ledgerEntries(doc)) {
    const record = decodeRecord(bytes);
    if (record.id !== id) throw new DaomeshError('INTERNAL', `Ledger entry ${id} holds the bytes of ${record.id}.`);
    yield record;
  }
}

/**
 * Appends records in one transaction. Ids already in the ledger, and repeats in `records`, are skipped: an
 * existing key is never set again (setting it again would delete the first item, and the update gate
 * refuses updates that delete ledger items). Returns the ids it added, in order.
 */
export function appendRecords(doc: Y.Doc, records: readonly LedgerRecord[], origin?: unknown): string[] {
  const ledger = ledgerMap(doc);
  const added: string[] = [];
  doc.transact(() => {
    const seen = new Set<string>();
    for (const record of records) {
      if (seen.has(record.id) || ledger.has(record.id)) continue;
      seen.add(record.id);
      // Yjs picks binary content by exact constructor: a Buffer (a Uint8Array subclass) would be refused.
      ledger.set(record.id, record.bytes.constructor === Uint8Array ? record.bytes : Uint8Array.from(record.bytes));
      added.push(record.id);
    }
  }, origin);
  return added;
}

export function textRootName(name: TextName): string {
  if (!isTextName(name)) throw new DaomeshError('BAD_REQUEST', `Not a text of a DAO document: ${String(name).slice(0, 80)}.`, "Use 'charter' or 'draft:<id>'.");
  return textRootPrefix + name;
}

/** The shared text `name` (created on first use; every peer's copy of it is the same root). */
export function daoText(doc: Y.Doc, name: TextName): Y.Text {
  return doc.getText(textRootName(name));
}

/** Names of the texts this document holds. */
export function textNames(doc: Y.Doc): TextName[] {
  const names: TextName[] = [];
  for (const rootName of doc.share.keys()) {
    const name = textNameOfRoot(rootName);
    if (name !== null) names.push(name);
  }
  return names.sort();
}

/**
 * Runs `change` as one local transaction and returns the Yjs update it produced (V1 encoding), or null when
 * it changed nothing. This is what the local writer wraps in an envelope. Call it outside any transaction.
 */
export function localUpdate(doc: Y.Doc, change: () => void, origin?: unknown): Uint8Array | null {
  // Inside another transaction the update would only come out when that one ends.
  if (doc._transaction !== null) throw new DaomeshError('INTERNAL', 'localUpdate was called inside a transaction.');
  const updates: Uint8Array[] = [];
  const listener = (update: Uint8Array): void => {
    updates.push(update);
  };
  doc.on('update', listener);
  try {
    doc.transact(change, origin);
  } finally {
    doc.off('update', listener);
  }
  if (updates.length === 0) return null;
  // Observers that write inside the transaction's cleanup emit a second update; both are this writer's.
  return updates.length === 1 ? updates[0]! : Y.mergeUpdates(updates);
}
