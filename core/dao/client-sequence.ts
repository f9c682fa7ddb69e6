// One Yjs client's ledger records in sequence: the gate refuses a ledger item whose record does not list, among
// its deps, the record of the same client's previous ledger item. Yjs gives every peer the same items in the
// same order per client, so every peer judges an item alike, and each client's records form one chain of the
// causal past. Without it a member could write K records none of which saw the others from one device, and
// every peer's causal index would grow by O(K²) (core/governance/README.md, "Known limit").
//
// Listing it outright (not merely having it in the causal past) keeps the check to the gate: one lookup in the
// document, no fold. A host lists it anyway nearly always, as one of the heads it writes on; when another
// record was written on top of it, the host adds it to its deps (RecordContext.previous, record-builders.ts).
import * as Y from 'yjs';
import { compareBytes, recordHashFromId, type LedgerRecord } from '../ledger/record.ts';
import { ledgerMap } from './dao-doc.ts';

type Scanned = { clock: number; key: string | null };

/** Per document and client, how far its items were scanned and the last ledger key found: an envelope is checked against what came before it. */
const scanned = new WeakMap<Y.Doc, Map<number, Scanned>>();

/**
 * The id of the record `client`'s last ledger item holds in `doc`, or null when the client has written no
 * ledger item there. Scans only the items added since the last call (text edits in between included).
 */
export function previousLedgerRecord(doc: Y.Doc, client: number): string | null {
  const structs = doc.store.clients.get(client);
  if (structs === undefined || structs.length === 0) return null;
  let clients = scanned.get(doc);
  if (clients === undefined) scanned.set(doc, (clients = new Map()));
  const seen = clients.get(client) ?? { clock: 0, key: null };
  const end = Y.getState(doc.store, client);
  if (seen.clock < end) {
    const ledger = ledgerMap(doc);
    for (let at = seen.clock === 0 ? 0 : Y.findIndexSS(structs, seen.clock); at < structs.length; at++) {
      const struct = structs[at]!;
      if (struct instanceof Y.Item && struct.parent === ledger && struct.parentSub !== null) seen.key = struct.parentSub;
    }
    seen.clock = end;
    clients.set(client, seen);
  }
  return seen.key;
}

/**
 * Per document and client, the last record the gate checked as that client's: the next envelope of the client
 * lists it, so its hash is at hand rather than decoded from its id again.
 */
const lastChecked = new WeakMap<Y.Doc, Map<number, { id: string; hash: Uint8Array }>>();

/** Notes `id` (whose hash is `hash`) as the record the gate last checked for `client` in `doc`. */
export function noteChecked(doc: Y.Doc, client: number, id: string, hash: Uint8Array): void {
  let clients = lastChecked.get(doc);
  if (clients === undefined) lastChecked.set(doc, (clients = new Map()));
  clients.set(client, { id, hash });
}

/** The hash of record `id`, the previous ledger record of `client` in `doc`. */
export function previousLedgerHash(doc: Y.Doc, client: number, id: string): Uint8Array {
  const checked = lastChecked.get(doc)?.get(client);
  return checked !== undefined && checked.id === id ? checked.hash : recordHashFromId(id);
}

/** True when `record` lists record `id` among its deps. */
export function listsDep(record: LedgerRecord, id: string): boolean {
  return listsHash(record, recordHashFromId(id));
}

/** True when `record` lists the record of hash `hash` among its deps. */
export function listsHash(record: LedgerRecord, hash: Uint8Array): boolean {
  for (const dep of record.record.deps) if (compareBytes(dep, hash) === 0) return true;
  return false;
}
