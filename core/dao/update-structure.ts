// The Yjs half of the update gate: decodes an update (Y.decodeUpdate: its structs and its delete set) and
// checks, against the document it would be applied to, that it only adds keyed entries to `ledger`, edits
// texts, and deletes text. Nothing here changes the document.
//
// Yjs subtleties this file exists for:
// - A decoded item names its parent only when it has no left or right origin. Otherwise Yjs copies parent
//   and map key (parentSub) from the origin item when it integrates, whatever the item claims; so an item's
//   place is found by following its origin into the document's store or into this same update.
// - Setting a map key that already holds an item makes the new item the value and deletes the old one, with
//   no entry in the delete set: an overwrite is seen on the new item, not in the deletions.
// - Yjs does not refuse what it cannot place: items whose origins are missing, and deletions of items it has
//   not seen, wait in the store (pendingStructs, pendingDs) and apply later, when some other update brings
//   what they need. A deletion held that way could remove a ledger record that arrives afterwards, so the
//   gate refuses anything that does not resolve now (MISSING_UPDATES: retry after catch-up).
// - Items that refer to themselves or to later items of the same client make Yjs throw halfway through
//   applying: they are refused as malformed before that.
// - Yjs decodes a delete set as it comes, unsorted and unmerged: one range repeated R times would cost the
//   check R walks of it. Deletions must be as Yjs writes them (sorted, merged, apart; checkDeletions).
//
// The update a host writes for one record is recognised by its bytes and checked without that decode
// (single-record-update.ts); whatever it does not accept at once goes through the decode.
import * as Y from 'yjs';
import { ledgerMap, ledgerRootName, textNameOfRoot } from './dao-doc.ts';
import { GateRefusal } from './gate-rejection.ts';
import { maxUpdateBytes } from './envelope.ts';
import { sha256 } from '@noble/hashes/sha2.js';
import { recordIdFromHash } from '../ledger/record.ts';
import type { Sha256 } from '../ledger/verifier.ts';
import { checkLedgerCopies, checkTextCost, checkTextsWritten } from './integration-cost.ts';
import { isClientOf } from './yjs-client.ts';
import { keyIs, readSingleRecordUpdate, type SingleRecordUpdate } from './single-record-update.ts';

/** A ledger item the update adds (`bytes` a view of the update): `known` when the ledger already holds these bytes (a harmless repeat). */
export type LedgerEntry = { readonly id: string; readonly hash: Uint8Array; readonly bytes: Uint8Array; readonly known: boolean };

export type UpdateStructure = {
  readonly ledgerEntries: readonly LedgerEntry[];
  /** True when the update inserts, formats or deletes text. */
  readonly touchesText: boolean;
  /** The Yjs client the update writes as (null when it only deletes). */
  readonly client: number | null;
  /** The update's one item, when it is a host's one-record update (single-record-update.ts). */
  readonly single: SingleRecordUpdate | null;
};

/** Where an item lands: a root of the document and, for map entries, the key. */
type Place = { readonly root: string; readonly key: string | null };

type Decoded = { structs: Array<Y.Item | Y.GC | Y.Skip>; ds: { clients: Map<number, Array<{ clock: number; len: number }>> } };

/** The texts the next ViewingUpdateDecoder expects (see withExpectedTexts); taken by its constructor. */
let textsForNextDecoder: readonly string[] | null = null;

/**
 * Runs `apply` (a Y.applyUpdateV2 with ViewingUpdateDecoder) so that its decoder returns these very strings
 * for texts with the same characters, met in this order: an envelope's ledger keys are its records' ids, which
 * the gate made already, so the document and the fold share one string per record instead of two.
 */
export function withExpectedTexts<T>(texts: readonly string[], apply: () => T): T {
  textsForNextDecoder = texts;
  try {
    return apply();
  } finally {
    textsForNextDecoder = null;
  }
}

/**
 * Yjs's V1 update decoder, except that binary contents — the record bytes — are views of the update rather
 * than copies: the gate only reads them, and applying keeps them (the envelope's bytes never change after
 * the gate took them); and that texts the caller expects, and the ledger root's name that every ledger entry
 * repeats, come back as existing strings instead of new ones (withExpectedTexts).
 * Reads lib0's decoder state (`arr`, `pos`) as lib0's own readBuf does.
 */
export class ViewingUpdateDecoder extends Y.UpdateDecoderV1 {
  private readonly expected: readonly string[] | null;
  private nextExpected = 0;

  constructor(decoder: ConstructorParameters<typeof Y.UpdateDecoderV1>[0]) {
    super(decoder);
    this.expected = textsForNextDecoder;
    textsForNextDecoder = null;
  }

  override readString(): string {
    const expected = this.expected;
    if (expected !== null && this.nextExpected < expected.length && this.takeText(expected[this.nextExpected]!)) return expected[this.nextExpected++]!;
    // Every ledger entry names its parent, the ledger root, by name.
    if (this.takeText(ledgerRootName)) return ledgerRootName;
    return super.readString();
  }

  /** True (and past it) when the next string is `text`, which must be ASCII. */
  private takeText(text: string): boolean {
    const decoder = this.restDecoder as unknown as { arr: Uint8Array; pos: number };
    const bytes = decoder.arr;
    const start = decoder.pos + 1;
    // A length under 128 is one byte of lib0's varUint; texts are UTF-8, so ASCII compares byte for character.
    if (text.length >= 128 || bytes[decoder.pos] !== text.length || start + text.length > bytes.length) return false;
    for (let i = 0; i < text.length; i++) if (bytes[start + i] !== text.charCodeAt(i) || text.charCodeAt(i) >= 0x80) return false;
    decoder.pos = start + text.length;
    return true;
  }

  override readBuf(): Uint8Array {
    const decoder = this.restDecoder as unknown as { arr: Uint8Array; pos: number };
    const bytes = decoder.arr;
    const reader = { at: decoder.pos };
    const length = readVarUint(bytes, reader);
    // As lib0's readUint8Array: a RangeError when it runs past the end of the update. The view's buffer goes
    // on (the envelope's signature, the arena's other envelopes), so the buffer would not catch it.
    if (length > bytes.length - reader.at) throw new RangeError('Unexpected end of array');
    const view = new Uint8Array(bytes.buffer, bytes.byteOffset + reader.at, length);
    decoder.pos = reader.at + length;
    return view;
  }
}

/** lib0's readVarUint (little-endian base 128, at most a safe integer), with lib0's RangeErrors. */
function readVarUint(bytes: Uint8Array, reader: { at: number }): number {
  let value = 0;
  let scale = 1;
  for (;;) {
    if (reader.at >= bytes.length) throw new RangeError('Unexpected end of array');
    const byte = bytes[reader.at++]!;
    value += (byte & 0x7f) * scale;
    scale *= 128;
    if (byte < 0x80) return value;
    if (value > Number.MAX_SAFE_INTEGER) throw new RangeError('Integer out of Range');
  }
}

/**
 * True when the update's bytes hold `id` as a Yjs string (varUint length, then the characters): an update
 * that sets a ledger key the document does not hold names it so. A record id is 43 base64url characters, and
 * its length byte (43, '+') is none of them, so this plain search is linear.
 */
export function updateNamesRecordId(update: Uint8Array, id: string): boolean {
  const length = id.length;
  if (length >= 0x80) return false;
  const last = update.length - length - 1;
  search: for (let at = 0; at <= last; at++) {
    if (update[at] !== length) continue;
    for (let i = 0; i < length; i++) if (update[at + 1 + i] !== id.charCodeAt(i)) continue search;
    return true;
  }
  return false;
}

/** How many client blocks a V1 update lists (its first number); 0 when the header does not decode (the decode then says why). */
function clientBlocks(update: Uint8Array): number {
  try {
    return readVarUint(update, { at: 0 });
  } catch {
    return 0;
  }
}

/**
 * True when the update's first struct starts past what the document holds of its Yjs client: an earlier
 * update of that client has not arrived (the full check then says MISSING_UPDATES). Reads only the header;
 * false for an update with no structs or whose header does not decode.
 */
export function continuesPastDocument(doc: Y.Doc, update: Uint8Array): boolean {
  try {
    const reader = { at: 0 };
    if (readVarUint(update, reader) === 0 || readVarUint(update, reader) === 0) return false; // clients, then that client's structs
    const client = readVarUint(update, reader);
    return readVarUint(update, reader) > Y.getState(doc.store, client);
  } catch {
    return false;
  }
}

/**
 * Throws GateRefusal for anything the schema does not allow; `maxEntries` bounds the records to verify, and
 * `signer` (the key that signed the envelope) names the Yjs clients the update may write as (yjs-client.ts).
 */
export function inspectUpdate(doc: Y.Doc, update: Uint8Array, maxEntries: number, signer: Uint8Array, hash: Sha256 = sha256): UpdateStructure {
  const single = readSingleRecordUpdate(update);
  const quick = single !== null ? inspectSingleRecord(doc, single, maxEntries, signer, hash) : null;
  if (quick !== null) return quick;
  // Yjs keeps only the last block of a client listed twice, where the decode below sees every block's items: the
  // gate would judge items that Yjs never applies, and place others where Yjs does not (one block, one client).
  if (clientBlocks(update) > 1) throw new GateRefusal('MALFORMED_UPDATE', 'The update lists several Yjs clients, or one client twice; an envelope carries one local transaction: one block of one client.');
  let decoded: Decoded;
  try {
    decoded = Y.decodeUpdateV2(update, ViewingUpdateDecoder);
  } catch (error) {
    throw new GateRefusal('MALFORMED_UPDATE', `The update does not decode as a Yjs update (${describe(error)}).`);
  }
  const items = checkItems(doc, decoded.structs);
  const places = new Places(doc, items);
  const ledger = ledgerMap(doc);
  const ledgerEntries: LedgerEntry[] = [];
  // The keys this update sets: looked through while few (one, nearly always), a Set once many.
  let keysInUpdate: Set<string> | null = null;
  const setHere = (key: string): boolean => (keysInUpdate !== null ? keysInUpdate.has(key) : ledgerEntries.some((entry) => entry.id === key));
  let newEntries = 0;
  let touchesText = false;
  const textItems: Y.Item[] = [];
  const textsWritten = new Set<string>();

  for (let index = 0; index < items.length; index++) {
    const item = items[index]!;
    const place = places.placeNew(index);
    if (place.root === ledgerRootName) {
      if (place.key === null) throw new GateRefusal('FORBIDDEN_CONTENT', 'The update inserts an unkeyed item into the ledger; ledger entries are keyed by record id.');
      if (!(item.content instanceof Y.ContentBinary)) {
        throw new GateRefusal('FORBIDDEN_CONTENT', `The update sets ledger entry ${clip(place.key)} to ${contentName(item.content)}; ledger values are record bytes.`);
      }
      const bytes = item.content.content;
      const digest = hash(bytes);
      const id = recordIdFromHash(digest);
      if (id !== place.key) {
        if (ledger.has(place.key) || setHere(place.key)) throw new GateRefusal('LEDGER_OVERWRITE', `The update sets ledger entry ${clip(place.key)}, which already holds a record, to other bytes; ledger records are never changed.`);
        throw new GateRefusal('BAD_LEDGER_KEY', `Ledger key ${clip(place.key)} is not the id of its value (${id}).`);
      }
      // Looked up by id, not by the equal key: the document and the fold keep the id string (withExpectedTexts),
      // so its string hash, computed here, serves them too.
      if (setHere(id)) throw new GateRefusal('MALFORMED_UPDATE', `The update sets ledger entry ${clip(id)} twice; one local transaction sets a record once.`);
      const taken = ledger.has(id);
      if (taken) checkLedgerCopies(ledger, id);
      // The same key set again to the same bytes (two devices appending one record concurrently) changes nothing.
      ledgerEntries.push({ id, hash: digest, bytes, known: taken });
      if (keysInUpdate !== null) keysInUpdate.add(id);
      else if (ledgerEntries.length > 8) keysInUpdate = new Set(ledgerEntries.map((entry) => entry.id));
      if (!taken) newEntries++;
      if (newEntries > maxEntries) {
        throw new GateRefusal('TOO_MANY_RECORDS', `The update adds more than ${maxEntries} records; an envelope may carry at most ${maxEntries}.`);
      }
    } else if (textNameOfRoot(place.root) !== null) {
      if (place.key !== null) throw new GateRefusal('FORBIDDEN_CONTENT', `The update sets attribute ${clip(place.key)} on text ${clip(place.root)}; texts have no attributes.`);
      const content = item.content;
      if (!(content instanceof Y.ContentString || content instanceof Y.ContentFormat || content instanceof Y.ContentDeleted)) {
        throw new GateRefusal('FORBIDDEN_CONTENT', `The update inserts ${contentName(content)} into text ${clip(place.root)}; texts hold characters and formatting only.`);
      }
      textItems.push(item);
      textsWritten.add(place.root);
      touchesText = true;
    } else {
      throw new GateRefusal('UNKNOWN_ROOT', `The update writes under ${JSON.stringify(clip(place.root))}, which is not part of a DAO document (only ${ledgerRootName} and text:<name>).`);
    }
  }

  if (touchesText) {
    checkTextsWritten(textsWritten);
    checkTextCost(textItems);
  }
  if (checkDeletions(doc, decoded.ds.clients, items, places)) touchesText = true;
  if (items.length === 0 && decoded.ds.clients.size === 0) throw new GateRefusal('MALFORMED_UPDATE', 'The update is empty.');
  // Yjs keeps the first item it gets at a position: writing as another key's client at that client's next
  // clock would make peers that got it first refuse the real update there, for good (yjs-client.ts).
  const client = items[0]?.id.client;
  if (client !== undefined && !isClientOf(signer, client)) {
    throw new GateRefusal('FOREIGN_CLIENT', `The update writes as Yjs client ${client}, which is not one of the clients of the key that signed it.`);
  }
  return { ledgerEntries, touchesText, client: client ?? null, single: null };
}

/**
 * The checks the full decode makes, for a one-record update: its clock is its client's next, the client is
 * one of the signer's and not this document's own writer, and the key is the id of the bytes. Null when any
 * fails, and the full decode then says why (the same refusal, in one place).
 */
function inspectSingleRecord(doc: Y.Doc, single: SingleRecordUpdate, maxEntries: number, signer: Uint8Array, hash: Sha256): UpdateStructure | null {
  const { client, clock, bytes } = single;
  if (maxEntries < 1 || client === doc.clientID || clock !== Y.getState(doc.store, client) || !isClientOf(signer, client)) return null;
  const digest = hash(bytes);
  const id = recordIdFromHash(digest);
  if (!keyIs(single, id)) return null;
  const ledger = ledgerMap(doc);
  const known = ledger.has(id);
  if (known) checkLedgerCopies(ledger, id);
  return { ledgerEntries: [{ id, hash: digest, bytes, known }], touchesText: false, client, single };
}

/**
 * One local transaction writes as one Yjs client, continuing right where that client stopped: no gaps
 * (Skip), no collected ranges (GC); one client, as inspectUpdate took only one block. Returns the items, in clock order.
 */
function checkItems(doc: Y.Doc, structs: Decoded['structs']): Y.Item[] {
  const items: Y.Item[] = [];
  for (const struct of structs) {
    if (struct instanceof Y.Skip) throw new GateRefusal('MALFORMED_UPDATE', 'The update has gaps (Skip structs); one local transaction has none.');
    if (!(struct instanceof Y.Item)) throw new GateRefusal('MALFORMED_UPDATE', 'The update carries garbage-collected ranges (GC structs); one local transaction has none.');
    if (!(struct.length >= 1 && struct.length <= maxUpdateBytes)) throw new GateRefusal('MALFORMED_UPDATE', `The update has an item of length ${struct.length}.`);
    items.push(struct);
  }
  if (items.length === 0) return items;
  const { client, clock } = items[0]!.id;
  if (client === doc.clientID) throw new GateRefusal('CLOCK_CONFLICT', `The update writes as Yjs client ${client}, which is this document's own writer.`);
  const state = Y.getState(doc.store, client);
  if (clock > state) {
    throw new GateRefusal('MISSING_UPDATES', `The update continues Yjs client ${client} at ${clock}, but this document holds that client only up to ${state}: earlier updates are missing.`);
  }
  if (clock < state) {
    throw new GateRefusal('CLOCK_CONFLICT', `The update rewrites Yjs client ${client} from ${clock}, which this document already holds up to ${state}: a duplicate of an applied envelope (dedupe by envelope id first) or a conflicting one.`);
  }
  return items;
}

/** Finds where items land, following origins into the document's store or into the update itself. */
class Places {
  private readonly doc: Y.Doc;
  private readonly items: readonly Y.Item[];
  private readonly places: Place[] = [];
  private rootNames: Map<unknown, string> | undefined;

  constructor(doc: Y.Doc, items: readonly Y.Item[]) {
    this.doc = doc;
    this.items = items;
  }

  /** The place of the update's item `index`; items must be placed in order (each may refer back only). */
  placeNew(index: number): Place {
    const item = this.items[index]!;
    let place: Place;
    if (item.origin !== null) {
      place = this.placeOf(item.origin, index);
      // Yjs takes the parent from the left origin; a right origin elsewhere would link two lists together.
      if (item.rightOrigin !== null && !samePlace(place, this.placeOf(item.rightOrigin, index))) {
        throw new GateRefusal('MALFORMED_UPDATE', 'The update has an item whose left and right neighbours are in different places.');
      }
    } else if (item.rightOrigin !== null) {
      place = this.placeOf(item.rightOrigin, index);
    } else if (typeof item.parent === 'string') {
      place = { root: item.parent, key: item.parentSub };
    } else {
      // The parent is the id of an item holding a nested type: a DAO document has none (dao-doc.ts).
      throw new GateRefusal('FORBIDDEN_CONTENT', 'The update writes inside a nested type; a DAO document has none.');
    }
    this.places[index] = place;
    return place;
  }

  /** The place of an update item already placed (clock within the update). */
  placeOfNewAt(clock: number): { place: Place; index: number } | null {
    const index = this.indexAt(clock);
    return index === -1 ? null : { place: this.places[index]!, index };
  }

  /** Where the item with `id`, referred to by the update's item `selfIndex`, lives. */
  private placeOf(id: Y.ID, selfIndex: number): Place {
    const first = this.items[0]!.id;
    if (id.client === first.client && id.clock >= first.clock) {
      if (id.clock >= this.items[selfIndex]!.id.clock) {
        throw new GateRefusal('MALFORMED_UPDATE', `The update has an item that refers to itself or to a later item (${id.client}:${id.clock}).`);
      }
      return this.places[this.indexAt(id.clock)]!;
    }
    if (id.clock >= Y.getState(this.doc.store, id.client)) {
      throw new GateRefusal('MISSING_UPDATES', `The update builds on item ${id.client}:${id.clock}, which this document has not received yet.`);
    }
    return this.placeOfStored(Y.getItem(this.doc.store, id));
  }

  /** Where an item of the document lives. */
  placeOfStored(struct: Y.Item | Y.GC): Place {
    // A DAO document never collects whole items (its roots are never deleted): a GC struct means foreign state.
    if (!(struct instanceof Y.Item)) throw new GateRefusal('FORBIDDEN_CONTENT', 'The update refers to garbage-collected content, which a DAO document does not have.');
    const parent = struct.parent;
    if (!(parent instanceof Y.AbstractType) || parent._item !== null) {
      throw new GateRefusal('UNKNOWN_ROOT', 'The update refers to an item inside a nested type, which a DAO document does not have.');
    }
    const root = this.rootName(parent);
    if (root === undefined) throw new GateRefusal('UNKNOWN_ROOT', 'The update refers to an item under no known root.');
    return { root, key: struct.parentSub };
  }

  private rootName(type: unknown): string | undefined {
    if (this.rootNames === undefined) {
      this.rootNames = new Map();
      for (const [name, root] of this.doc.share) this.rootNames.set(root, name);
    }
    return this.rootNames.get(type);
  }

  /** Index of the update item covering `clock` (items are contiguous and in clock order), or -1. */
  private indexAt(clock: number): number {
    let low = 0;
    let high = this.items.length - 1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      const item = this.items[middle]!;
      if (clock < item.id.clock) high = middle - 1;
      else if (clock >= item.id.clock + item.length) low = middle + 1;
      else return middle;
    }
    return -1;
  }
}

/**
 * Most delete ranges one update may carry. A transaction's delete set has one range per run of consecutive
 * clocks of a client that it deletes, so at most one per character: deleting a whole text of maxTextChars
 * (text-limits.ts, 20,000) characters is at most 20,000 ranges however it was typed, and three such texts at
 * once still fit. Without a cap an update of the maximum size could carry half a million (2 bytes each).
 */
export const maxDeleteRanges = 65_536;

/**
 * Deletions may remove text, never a ledger item. A ledger item that is already deleted may be named again:
 * that is the losing copy of a key two peers set at once, which Yjs deleted while its twin stayed the value,
 * so naming it changes nothing. Returns true when live text is deleted.
 *
 * Yjs neither sorts nor merges the delete set it decodes, so each range is walked as given: the same range
 * repeated R times would cost R walks of it. Yjs writes a transaction's deletions per client sorted by clock,
 * merged and apart (sortAndMergeDeleteSet before writeDeleteSet; Y.mergeUpdates does the same), and
 * anything else is refused: each item is then visited at most once, and the walk is bounded by the items
 * plus the ranges.
 */
function checkDeletions(doc: Y.Doc, clients: Decoded['ds']['clients'], items: readonly Y.Item[], places: Places): boolean {
  let ranges = 0;
  for (const deletions of clients.values()) ranges += deletions.length;
  if (ranges > maxDeleteRanges) throw new GateRefusal('MALFORMED_UPDATE', `The update deletes ${ranges} ranges; an update may delete at most ${maxDeleteRanges}.`);
  let touchesText = false;
  const updateStart = items[0]?.id;
  const updateEnd = items.length > 0 ? items[items.length - 1]!.id.clock + items[items.length - 1]!.length : 0;
  const checkPlace = (place: Place, what: string): void => {
    if (place.root === ledgerRootName) throw new GateRefusal('LEDGER_DELETE', `The update deletes ${what} ledger record ${clip(place.key ?? '')}; ledger records are never removed.`);
    if (textNameOfRoot(place.root) === null) throw new GateRefusal('UNKNOWN_ROOT', `The update deletes an item under ${JSON.stringify(clip(place.root))}, which is not part of a DAO document.`);
  };
  for (const [client, deletions] of clients) {
    const stored = doc.store.clients.get(client) ?? [];
    const state = Y.getState(doc.store, client);
    // Where the previous range ended; the next must start after it, not at it (adjacent ranges are merged).
    let previousEnd = -1;
    for (const { clock, len } of deletions) {
      if (!(len >= 1)) throw new GateRefusal('MALFORMED_UPDATE', `The update deletes an empty range of Yjs client ${client} at ${clock}; Yjs never writes one.`);
      if (clock <= previousEnd) {
        throw new GateRefusal(
          'MALFORMED_UPDATE',
          `The update's deletions of Yjs client ${client} are not sorted, merged and apart (a range at ${clock} after one ending at ${previousEnd}); Yjs writes them so.`,
        );
      }
      const end = clock + len;
      previousEnd = end;
      if (clock < state) {
        for (let index = Y.findIndexSS(stored, clock); index < stored.length; index++) {
          const struct = stored[index]!;
          if (struct.id.clock >= end) break;
          if (struct instanceof Y.GC || struct.deleted) continue; // already gone: deleting it again changes nothing
          checkPlace(places.placeOfStored(struct), 'the');
          touchesText = true;
        }
      }
      // Whatever lies beyond the document must be this update's own items, or Yjs would keep the deletion
      // pending and apply it to whatever arrives there later.
      const from = Math.max(clock, state);
      if (from >= end) continue;
      if (updateStart === undefined || client !== updateStart.client || end > updateEnd) {
        throw new GateRefusal('MISSING_UPDATES', `The update deletes items ${client}:${from}-${end - 1}, which this document has not received yet.`);
      }
      for (let at = from; at < end; ) {
        const found = places.placeOfNewAt(at);
        if (found === null) throw new GateRefusal('MALFORMED_UPDATE', `The update deletes ${client}:${at}, which it does not hold.`);
        checkPlace(found.place, 'the new');
        touchesText = true;
        at = items[found.index]!.id.clock + items[found.index]!.length;
      }
    }
  }
  return touchesText;
}

function samePlace(a: Place, b: Place): boolean {
  return a.root === b.root && a.key === b.key;
}

function contentName(content: unknown): string {
  if (content instanceof Y.ContentType) return 'a nested type';
  if (content instanceof Y.ContentDoc) return 'a subdocument';
  if (content instanceof Y.ContentEmbed) return 'an embed';
  if (content instanceof Y.ContentAny || content instanceof Y.ContentJSON) return 'a JSON value';
  if (content instanceof Y.ContentBinary) return 'binary data';
  if (content instanceof Y.ContentString) return 'text';
  if (content instanceof Y.ContentFormat) return 'formatting';
  if (content instanceof Y.ContentDeleted) return 'deleted content';
  return 'unknown content';
}

function clip(text: string): string {
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}

function describe(error: unknown): string {
  return clip(error instanceof Error ? error.message : String(error));
}
