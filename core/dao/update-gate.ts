// The update gate (DESIGN.md §4, §4a, §5): runs on every envelope that comes from outside the local writer,
// before anything is applied, stored or forwarded. It keeps strangers out and the ledger append-only; whether
// a member's record counts is the fold's business, not the gate's.
//
// Order: cheap checks first (size, envelope shape, DAO, membership), then one signature, then the envelope's
// device delegation when the document holds it (a stranger signing with any key, naming a member and a made-up
// delegation, is refused there, before any work on the update), then the update's structure
// (update-structure.ts; it writes only as a Yjs client of the signing key, yjs-client.ts), then the
// signatures of new records that another key signed. A record signed by the envelope's own key is taken on the
// envelope's signature, which covers its bytes: checking its own signature as well would prove again what
// that one proved, at the cost of a second signature per record (hosts write one record per envelope).
// Applying: Y.applyUpdate, except for a host's one-record update, whose one item is integrated directly
// (single-record-update.ts) rather than decoded a second time.
// Nothing in here throws out: every failure, expected or not, comes back as a rejection with a code and a
// sentence, and the document is never touched (the gate only reads it).
import * as Y from 'yjs';
import { DaomeshError } from '../errors.ts';
import { compareBytes, decodeRecord, recordIdFromHash, verifyRecordSignature, type LedgerRecord } from '../ledger/record.ts';
import type { Ed25519Verify, Sha256 } from '../ledger/verifier.ts';
import { bytesToHex } from '@noble/hashes/utils.js';
import { RecentByBytes } from '../ledger/recent-by-bytes.ts';
import { ByteArena } from './byte-arena.ts';
import { hasRecord, recordBytes } from './dao-doc.ts';
import { delegationProblem } from './device-delegation.ts';
import { decodeEnvelope, EnvelopeTooLargeError, maxEnvelopeBytes, verifyEnvelopeSignature, type Envelope } from './envelope.ts';
import { GateRefusal, rejection, type GateRejection } from './gate-rejection.ts';
import { integrateSingleRecord, type SingleRecordUpdate } from './single-record-update.ts';
import { continuesPastDocument, inspectUpdate, updateNamesRecordId, ViewingUpdateDecoder, withExpectedTexts, type LedgerEntry } from './update-structure.ts';
import { listsHash, noteChecked, previousLedgerHash, previousLedgerRecord } from './client-sequence.ts';

/** At most this many new records per envelope: each one another key signed costs a signature check (~1.4 ms for a member signature). */
export const maxRecordsPerEnvelope = 256;

export type GateContext = {
  /** The DAO this document belongs to (its genesis record's id). */
  readonly dao: string;
  /** The fold's current view of membership (before the fold exists: the genesis founders). EIP-55 addresses. */
  readonly isMember: (address: string) => boolean;
  /** The platform's fastest Ed25519 verifier (Node's native one in the host). */
  readonly verifyEd25519: Ed25519Verify;
  /** The platform's fastest SHA-256 (Node's native one in the host); @noble/hashes when left out. */
  readonly sha256?: Sha256 | undefined;
  /**
   * Delegation records already accepted (so already verified), by id. Optional: the gate also looks in the
   * document's ledger (everything there passed the gate) and in the update itself.
   */
  readonly acceptedDelegation?: ((id: string) => LedgerRecord | undefined) | undefined;
};

export type AcceptedEnvelope = {
  readonly ok: true;
  readonly envelope: Envelope;
  /**
   * The records this update adds to the ledger, verified, in update order (repeats of held records left out).
   * Their bytes and fields are views of the envelope's bytes, which must not change afterwards.
   */
  readonly records: readonly LedgerRecord[];
  /** True when the update inserts, formats or deletes collaborative text. */
  readonly touchesText: boolean;
};

export type RejectedEnvelope = { readonly ok: false; readonly reason: GateRejection };

export type GateResult = AcceptedEnvelope | RejectedEnvelope;

/**
 * What applyCheckedEnvelope needs: the clock the update's Yjs client had at the check (see unchangedSinceCheck),
 * and the update's one item when it is a host's one-record update adding a new record (integrated without
 * Yjs's decode, single-record-update.ts).
 */
type Checked = { doc: Y.Doc; client: number | null; clock: number; single: SingleRecordUpdate | null };
const checkedAgainst = new WeakMap<AcceptedEnvelope, Checked>();

function clockOf(doc: Y.Doc, client: number | null): number {
  return client === null ? 0 : Y.getState(doc.store, client);
}

/**
 * What the gate's decision rests on that can change before the apply: whether the update's records are still
 * new to the ledger (one that arrived meanwhile would make its item a twin in Yjs and a second copy in the
 * fold), and the clock of the Yjs client the update writes as. The rest it reads only grows in ways that cannot
 * make an accepted update wrong: the genesis and delegations stay, items it builds on stay, deletions stay.
 * (Comparing the sum of every client's clock said as much, but cost a step per client a DAO ever had, twice
 * per envelope.)
 */
function unchangedSinceCheck(doc: Y.Doc, checked: Checked, result: AcceptedEnvelope): boolean {
  return clockOf(doc, checked.client) === checked.clock && result.records.every((record) => !hasRecord(doc, record.id));
}

/**
 * Where the gate copies bytes to (byte-arena.ts), per document so that a slab holds one DAO's bytes and goes with
 * that DAO's document: `envelopes`, an envelope that arrives as a view of a larger buffer; `records`, the record
 * bytes the document keeps of a one-record envelope. Apart, so that envelope copies, garbage once their records
 * are folded, never share a slab with record bytes kept for good.
 */
const arenas = new WeakMap<Y.Doc, { envelopes: ByteArena; records: ByteArena }>();

function arenasOf(doc: Y.Doc): { envelopes: ByteArena; records: ByteArena } {
  let found = arenas.get(doc);
  if (found === undefined) arenas.set(doc, (found = { envelopes: new ByteArena(), records: new ByteArena() }));
  return found;
}

export function checkEnvelope(doc: Y.Doc, envelopeBytes: Uint8Array, context: GateContext): GateResult {
  let copy: Uint8Array | null = null;
  try {
    const given = envelopeBytes;
    if (!(given instanceof Uint8Array)) throw new GateRefusal('MALFORMED_ENVELOPE', 'An envelope is bytes.');
    if (given.length > maxEnvelopeBytes) throw new GateRefusal('TOO_LARGE', `An envelope may hold at most ${maxEnvelopeBytes} bytes; this one has ${given.length}.`);
    // The records, and the document once applied, keep views of these bytes: an envelope that is a view of a
    // larger buffer (a catch-up frame of many envelopes) gets its own copy, so that it does not keep the rest alive.
    const bytes = given.byteOffset === 0 && given.byteLength === given.buffer.byteLength ? given : (copy = arenasOf(doc).envelopes.copy(given));
    const { accepted, client, single } = check(doc, bytes, context);
    checkedAgainst.set(accepted, { doc, client, clock: clockOf(doc, client), single });
    return accepted;
  } catch (error) {
    // Nothing keeps a view of a refused envelope: its copy's space goes back to the arena.
    if (copy !== null) arenasOf(doc).envelopes.release(copy);
    if (error instanceof GateRefusal) return { ok: false, reason: error.rejection };
    // A failure the checks did not foresee (a Yjs internal on hostile bytes, a context callback that threw):
    // still a refusal, never a crash.
    return { ok: false, reason: rejection('MALFORMED_UPDATE', `The envelope could not be checked (${error instanceof Error ? error.message.slice(0, 120) : String(error).slice(0, 120)}).`) };
  }
}

/**
 * Applies an envelope the gate accepted, in the same tick as the check. Throws INTERNAL when the result is
 * from another document or the document changed in between (check again), and when Yjs left anything
 * pending, which the gate exists to prevent (a bug to report, not input to retry). The document keeps views
 * of the envelope's record bytes rather than copies (copying each one was about two thirds of applying).
 */
export function applyCheckedEnvelope(doc: Y.Doc, result: AcceptedEnvelope, origin?: unknown): void {
  const checked = checkedAgainst.get(result);
  if (checked === undefined || checked.doc !== doc) throw new DaomeshError('INTERNAL', 'This envelope was not checked against this document.');
  if (!unchangedSinceCheck(doc, checked, result)) {
    throw new DaomeshError('INTERNAL', 'The document changed after the envelope was checked.', 'Check the envelope again.');
  }
  checkedAgainst.delete(result);
  if (checked.single !== null) {
    // Its one new record is the item's value, and the record's id string its key.
    // The document keeps a copy of the record's bytes alone, not a view of the envelope: it keeps them for good,
    // and the envelope's own copy (or buffer) is garbage once the records are folded.
    const single = checked.single;
    integrateSingleRecord(doc, { ...single, bytes: arenasOf(doc).records.copy(single.bytes) }, result.records[0]!.id, origin);
  } else {
    withExpectedTexts(
      result.records.map((record) => record.id),
      () => Y.applyUpdateV2(doc, result.envelope.update, origin, ViewingUpdateDecoder),
    );
  }
  if (doc.store.pendingStructs !== null || doc.store.pendingDs !== null) {
    throw new DaomeshError('INTERNAL', `Envelope ${result.envelope.id} left Yjs waiting for missing updates after the gate accepted it.`);
  }
}

function check(doc: Y.Doc, bytes: Uint8Array, context: GateContext): { accepted: AcceptedEnvelope; client: number | null; single: Checked['single'] } {
  let envelope: Envelope;
  try {
    envelope = decodeEnvelope(bytes);
  } catch (error) {
    if (error instanceof EnvelopeTooLargeError) throw new GateRefusal('TOO_LARGE', error.message);
    throw new GateRefusal('MALFORMED_ENVELOPE', error instanceof Error ? error.message : String(error));
  }
  if (envelope.dao !== context.dao) throw new GateRefusal('WRONG_DAO', `The envelope is for DAO ${envelope.dao}, not ${context.dao}.`);

  // Before the genesis is here nobody is a member yet: the first envelope must bring it (checked below).
  const hasGenesis = hasRecord(doc, context.dao);
  if (hasGenesis && !context.isMember(envelope.author)) throw new GateRefusal('NOT_A_MEMBER', `${envelope.author} is not a member of this DAO.`);
  if (!verifyEnvelopeSignature(envelope, context.verifyEd25519)) {
    throw new GateRefusal('BAD_SIGNATURE', `The envelope's signature is not ${envelope.device ? "its device key's" : `${envelope.author}'s`}.`);
  }

  // The envelope's DAO is this one (checked above): its bytes are the DAO's hash.
  const dao = envelope.daoBytes;
  const delegations = new Delegations(doc, context);
  // Before the genesis nobody is a member and the document holds no delegation: the update must bring both.
  if (envelope.device && hasGenesis) delegations.checkEnvelopeFirst(envelope.device.delegation, envelope.authorBytes, envelope.device.key, dao, envelope.update);

  const structure = inspectUpdate(doc, envelope.update, maxRecordsPerEnvelope, envelope.device?.key ?? envelope.authorBytes, context.sha256);
  const records: LedgerRecord[] = [];
  for (const entry of structure.ledgerEntries) {
    if (entry.known) continue;
    let record: LedgerRecord;
    try {
      record = decodeRecord(entry.bytes, entry.hash, entry.id);
    } catch (error) {
      throw new GateRefusal('BAD_RECORD', `Ledger entry ${entry.id}: ${error instanceof Error ? error.message : String(error)}`);
    }
    const ofThisDao = record.record.dao === null ? record.id === context.dao : compareBytes(record.record.dao, dao) === 0;
    if (!ofThisDao) throw new GateRefusal('FOREIGN_RECORD', `Record ${record.id} belongs to another DAO.`);
    if (compareBytes(record.record.author, envelope.authorBytes) !== 0) {
      throw new GateRefusal('WRONG_AUTHOR', `Record ${record.id} is by ${record.author}, but the envelope is by ${envelope.author}; an envelope carries its author's records only.`);
    }
    records.push(record);
  }
  if (!hasGenesis) {
    // The genesis envelope is the only one checked without the fold: its author must be a founder it lists.
    // Nobody else can make it, since its record's hash is the DAO id and every record is the envelope author's.
    const genesis = records.find((record) => record.id === context.dao);
    if (genesis === undefined) throw new GateRefusal('MISSING_UPDATES', "This document does not hold the DAO's genesis yet, and the envelope does not bring it.");
    if (!listsFounder(genesis, envelope.authorBytes)) throw new GateRefusal('NOT_A_MEMBER', `The genesis does not list its author ${envelope.author} among the founders.`);
  }

  delegations.findAlsoIn(records);
  // Done already when checkEnvelopeFirst found the delegation (the check remembers what passed).
  if (envelope.device) delegations.check(envelope.device.delegation, envelope.authorBytes, envelope.device.key, dao, null);
  for (const record of records) {
    if (record.record.device) delegations.check(record.record.device.delegation, record.record.author, record.record.device.key, dao, record.id);
    if (!signedBySealer(record, envelope) && !verifyRecordSignature(record, context.verifyEd25519)) throw new GateRefusal('BAD_RECORD_SIGNATURE', `Record ${record.id} does not carry a valid signature of its ${record.record.device ? 'device key' : 'author'}.`);
  }
  if (structure.client !== null) checkSequence(doc, structure.client, structure.ledgerEntries, records);
  // A repeat of a held record goes through Yjs, which settles the two items of one key.
  const single = structure.single !== null && records.length === 1 ? structure.single : null;
  return { accepted: { ok: true, envelope, records, touchesText: structure.touchesText }, client: structure.client, single };
}

/**
 * True when the key that signed the envelope is the one the record names as its signer (the same device key,
 * or, both member-signed, the author: the gate has checked that the record's author is the envelope's).
 * The envelope's signature then covers the record's bytes: only that key's holder could have made them.
 */
export function signedBySealer(record: LedgerRecord, envelope: Envelope): boolean {
  const device = record.record.device;
  if (device === undefined) return envelope.device === undefined;
  return envelope.device !== undefined && compareBytes(device.key, envelope.device.key) === 0;
}

/**
 * Every ledger item of the update lists, among its record's deps, the record of the client's ledger item before
 * it (client-sequence.ts): the one before it in the update, or the client's last in the document. Repeats of
 * held records too: an item is a position in the client's sequence whatever record it holds.
 */
function checkSequence(doc: Y.Doc, client: number, entries: readonly LedgerEntry[], records: readonly LedgerRecord[]): void {
  const previousId = previousLedgerRecord(doc, client);
  let previous = previousId === null ? null : { id: previousId, hash: previousLedgerHash(doc, client, previousId) };
  let next = 0;
  for (const entry of entries) {
    const record = entry.known ? decodeRecord(entry.bytes, entry.hash, entry.id) : records[next++]!;
    if (previous !== null && !listsHash(record, previous.hash)) {
      throw new GateRefusal('OUT_OF_SEQUENCE', `Record ${record.id} does not list ${previous.id}, the record its Yjs client ${client} wrote before it, among its deps.`);
    }
    previous = entry;
  }
  // If the envelope is not applied after all, the next one's previous record is another: noted by id, so no harm.
  if (previous !== null) noteChecked(doc, client, previous.id, previous.hash);
}

/** The genesis body names its founders as 20-byte addresses (core/governance/record-kinds.ts). */
function listsFounder(genesis: LedgerRecord, address: Uint8Array): boolean {
  const founders = genesis.record.body.founders;
  return Array.isArray(founders) && founders.some((founder) => founder instanceof Uint8Array && compareBytes(founder, address) === 0);
}

type HeldDelegation = { readonly dao: Uint8Array; readonly author: Uint8Array; readonly key: Uint8Array };

/**
 * Delegations the gate found held in a document and delegating a device key: by the delegation's hash, the
 * author and key they delegate (copies). A held record stays (the ledger is append-only), and whether it
 * delegates a key is a function of its bytes, so the answer stands for every later envelope of that device.
 * The devices writing lately are looked through first; the rest by the hash as text. (A cache of the last 8
 * alone missed at every envelope of a DAO whose 9 or more devices write in turn, checking the delegation again.)
 */
class HeldDelegations {
  readonly #recent = new RecentByBytes<HeldDelegation>();
  readonly #all = new Map<string, HeldDelegation>();

  get(hash: Uint8Array): HeldDelegation | undefined {
    let held = this.#recent.get(hash);
    if (held === undefined) {
      held = this.#all.get(bytesToHex(hash));
      if (held !== undefined) this.#recent.set(hash, held);
    }
    return held;
  }

  set(hash: Uint8Array, held: HeldDelegation): void {
    this.#recent.set(hash, held);
    this.#all.set(bytesToHex(hash), held);
  }
}

const heldDelegations = new WeakMap<Y.Doc, HeldDelegations>();

/** Finds delegation records: already accepted, in the document, or in this update (verified with the rest). */
class Delegations {
  private readonly doc: Y.Doc;
  private records: readonly LedgerRecord[] = [];
  private inUpdate: Map<string, LedgerRecord> | undefined;
  private readonly context: GateContext;
  /** The last delegation, signer and key that passed: an envelope's records mostly repeat them. */
  private passed: { delegation: Uint8Array; author: Uint8Array; key: Uint8Array } | null = null;

  constructor(doc: Y.Doc, context: GateContext) {
    this.doc = doc;
    this.context = context;
  }

  /** The update's new records, once decoded: where a delegation is looked for last. */
  findAlsoIn(records: readonly LedgerRecord[]): void {
    this.records = records;
    this.inUpdate = undefined;
  }

  /**
   * The envelope's delegation, checked before the update's structure when the document (or the context) holds
   * it. When it does not, it may be in the update (a device's first envelope brings its own) or in an earlier
   * update of the same client that has not arrived (the structure check says MISSING_UPDATES, which waits for
   * catch-up, rather than a refusal for good): either leaves it to `check` after the structure. Otherwise it
   * is nowhere here, and the envelope is refused before any work on it: MISSING_DELEGATION, which the host
   * keeps waiting for catch-up (another client's update may bring it), or BAD_DELEGATION when it is here and wrong.
   */
  checkEnvelopeFirst(delegationHash: Uint8Array, author: Uint8Array, deviceKey: Uint8Array, dao: Uint8Array, update: Uint8Array): void {
    if (this.heldFor(delegationHash, author, deviceKey, dao)) return;
    const id = recordIdFromHash(delegationHash);
    const held = this.context.acceptedDelegation?.(id) !== undefined || recordBytes(this.doc, id) !== undefined;
    if (!held && (updateNamesRecordId(update, id) || continuesPastDocument(this.doc, update))) return;
    this.check(delegationHash, author, deviceKey, dao, null);
  }

  /** `record`: the id of the record whose device key this is, or null for the envelope's. */
  check(delegationHash: Uint8Array, author: Uint8Array, deviceKey: Uint8Array, dao: Uint8Array, record: string | null): void {
    const passed = this.passed;
    if (passed !== null && compareBytes(passed.delegation, delegationHash) === 0 && compareBytes(passed.author, author) === 0 && compareBytes(passed.key, deviceKey) === 0) return;
    if (this.heldFor(delegationHash, author, deviceKey, dao)) return;
    const what = record === null ? 'the envelope' : `record ${record}`;
    const id = recordIdFromHash(delegationHash);
    const found = this.find(id);
    if (found === undefined) throw new GateRefusal('MISSING_DELEGATION', `The device key of ${what} names delegation ${id}, which is neither in this document nor in the update (yet).`);
    const problem = delegationProblem(found.delegation, dao, author, deviceKey);
    if (problem !== null) throw new GateRefusal('BAD_DELEGATION', `The device key of ${what} is not delegated: ${problem}.`);
    this.passed = { delegation: delegationHash, author, key: deviceKey };
    if (found.held) {
      let held = heldDelegations.get(this.doc);
      if (held === undefined) heldDelegations.set(this.doc, (held = new HeldDelegations()));
      // Copies: the envelope's bytes go back to the arena if it is refused after all.
      held.set(delegationHash, { dao: Uint8Array.from(dao), author: Uint8Array.from(author), key: Uint8Array.from(deviceKey) });
    }
  }

  /** True when the document holds this delegation and it delegates `deviceKey` for `author` in `dao` (checked before). */
  private heldFor(delegationHash: Uint8Array, author: Uint8Array, deviceKey: Uint8Array, dao: Uint8Array): boolean {
    const held = heldDelegations.get(this.doc)?.get(delegationHash);
    if (held === undefined || compareBytes(held.author, author) !== 0 || compareBytes(held.key, deviceKey) !== 0 || compareBytes(held.dao, dao) !== 0) return false;
    this.passed = { delegation: delegationHash, author, key: deviceKey };
    return true;
  }

  /** The delegation record `id`, and whether the document holds it (rather than only this update). */
  private find(id: string): { delegation: LedgerRecord; held: boolean } | undefined {
    const accepted = this.context.acceptedDelegation?.(id);
    if (accepted !== undefined) return { delegation: accepted, held: true };
    const bytes = recordBytes(this.doc, id);
    if (bytes !== undefined) {
      try {
        return { delegation: decodeRecord(bytes, this.context.sha256?.(bytes)), held: true };
      } catch {
        return undefined;
      }
    }
    this.inUpdate ??= new Map(this.records.map((record) => [record.id, record]));
    const inUpdate = this.inUpdate.get(id);
    return inUpdate === undefined ? undefined : { delegation: inUpdate, held: false };
  }
}
