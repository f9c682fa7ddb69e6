// Ledger entries of the UI's replica into the fold. The UI takes the host's records on trust: the bridge is
// the host, and its update gate verified every signature before a record reached its document, so here records
// are decoded, not verified. Whatever does not decode, is not stored under its own id, or makes the fold throw
// is skipped and counted: one bad entry must never take the page down.
import type { DaoLedger } from '../../core/governance/dao-ledger.ts';
import { decodeRecord, type LedgerRecord } from '../../core/ledger/record.ts';

export type DecodedEntries = {
  readonly records: LedgerRecord[];
  /** Ids of entries that were skipped. */
  readonly skipped: string[];
};

/** Decodes ledger entries ([id, value] as the Y.Map holds them) without checking signatures. */
export function decodeTrustedEntries(entries: Iterable<readonly [string, unknown]>): DecodedEntries {
  const records: LedgerRecord[] = [];
  const skipped: string[] = [];
  for (const [id, value] of entries) {
    try {
      if (!(value instanceof Uint8Array)) throw new Error('not bytes');
      const record = decodeRecord(value);
      if (record.id !== id) throw new Error('stored under another id');
      records.push(record);
    } catch {
      skipped.push(id);
    }
  }
  return { records, skipped };
}

/**
 * Adds records to the fold in one batch, oldest claimed time first; if the batch throws, one at a time,
 * skipping the ones that throw. The fold takes any order, but records whose parents are in already skip its
 * waiting list, which costs several times as much: a document loaded whole (from IndexedDB, or a first sync)
 * lists its ledger writer by writer, while claimed times follow the causal order but for clock skew. Records
 * claiming a time too far ahead of `now` are held back, as the host holds them (DaoLedger.add).
 */
export function feedLedger(ledger: DaoLedger, given: readonly LedgerRecord[], now: number): string[] {
  if (given.length === 0) return [];
  const records = given.length === 1 ? given : [...given].sort((a, b) => a.record.time - b.record.time);
  try {
    ledger.add(records, now);
    return [];
  } catch {
    const skipped: string[] = [];
    for (const record of records) {
      try {
        ledger.add(record, now);
      } catch {
        skipped.push(record.id);
      }
    }
    return skipped;
  }
}
