// The records of one kind that count in a DAO (valid and standing, by the fold) with their bodies parsed, for
// the host's own tables: group keys (group-keys.ts), revoked invites (sync-store.ts). The fold keeps no bodies,
// so they are read from the DAO's document once and kept; the list is looked at again only after the ledger grew.
import type { z } from 'zod';
import { recordBytes } from '../../core/dao/dao-doc.ts';
import { decodeRecord, type LedgerRecord } from '../../core/ledger/record.ts';
import type { DaoReplica } from './dao-replica.ts';

export type CountingRecord<T> = { readonly record: LedgerRecord; readonly body: T };

export class CountingRecords<T> {
  readonly #kind: string;
  readonly #schema: z.ZodType<T>;
  /**
   * dao → the list, and the ledger (and its size) it was made from: a replica folds anew after a failed append
   * or a repaired log, and the new ledger may come to the old one's size holding other records.
   */
  readonly #lists = new Map<string, { ledger: object; size: number; records: CountingRecord<T>[] }>();
  /** Parsed records by id (a record never changes). */
  readonly #parsed = new Map<string, CountingRecord<T> | null>();

  constructor(kind: string, schema: z.ZodType<T>) {
    this.#kind = kind;
    this.#schema = schema;
  }

  /** The counting records of the DAO, in canonical order. */
  of(replica: DaoReplica): readonly CountingRecord<T>[] {
    const ledger = replica.ledger;
    const size = ledger.size;
    const cached = this.#lists.get(replica.id);
    if (cached && cached.ledger === ledger && cached.size === size) return cached.records;
    const ids = ledger.countingRecordsOf(this.#kind);
    const records = ids.length === 0 ? [] : ids.map((id) => this.#read(replica, id)).filter((entry) => entry !== null);
    this.#lists.set(replica.id, { ledger, size, records });
    return records;
  }

  #read(replica: DaoReplica, id: string): CountingRecord<T> | null {
    const known = this.#parsed.get(id);
    if (known !== undefined) return known;
    const bytes = recordBytes(replica.doc, id);
    if (bytes === undefined) return null;
    let entry: CountingRecord<T> | null = null;
    try {
      const record = decodeRecord(bytes);
      const parsed = this.#schema.safeParse(record.record.body);
      if (parsed.success) entry = { record, body: parsed.data };
    } catch {
      // The fold judged these bytes well-formed; a failure here leaves the record out, never the node down.
    }
    this.#parsed.set(id, entry);
    return entry;
  }
}
