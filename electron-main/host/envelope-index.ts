// The envelopes of one DAO's log by id, with where each frame starts in the log: what catch-up sync compares (ids)
// and serves (read back from the log, in log order, in which each envelope comes after what it builds on). Built
// from the log the first time a peer asks, then kept current by every append. It keeps no envelope's bytes: a
// host opened from its snapshot would otherwise hold every envelope of the DAO a second time (~750 bytes each
// where hosts write one record per envelope: 75 MB at 100k records) from the first sync it serves.
import { base64urlnopad } from '@scure/base';
import { recordIdFromHash } from '../../core/ledger/record.ts';
import { nativeSha256 } from './native-sha256.ts';

/** An envelope this index holds: its id and where its frame starts in the log. */
export type IndexedEnvelope = { id: string; offset: number };

export class EnvelopeIndex {
  /** The log whose offsets these are (EnvelopeLog.logId): a rebuilt log has another id and other offsets. */
  readonly logId: string;
  /** base64url id → offset of its frame in the log. */
  readonly #offsets = new Map<string, number>();

  constructor(logId: string) {
    this.logId = logId;
  }

  /**
   * An envelope's id (base64url SHA-256, as core's envelopeId) by Node's native hash: catch-up names every
   * envelope it is offered, and the pure-JS hash took ~7 µs for a one-record envelope, ~1.5 µs here.
   */
  static idOf(bytes: Uint8Array): string {
    return recordIdFromHash(nativeSha256(bytes));
  }

  /**
   * Adds an envelope stored at `offset` of the log `logId`; false if it was here already, or if the offset is
   * of another log (an append that went to the log before a rebuild: the rebuilt log is indexed anew).
   */
  add(bytes: Uint8Array, offset: number, logId: string): boolean {
    if (logId !== this.logId) return false;
    const id = EnvelopeIndex.idOf(bytes);
    if (this.#offsets.has(id)) return false;
    this.#offsets.set(id, offset);
    return true;
  }

  has(id: string): boolean {
    return this.#offsets.has(id);
  }

  hasBytes(bytes: Uint8Array): boolean {
    return this.has(EnvelopeIndex.idOf(bytes));
  }

  get size(): number {
    return this.#offsets.size;
  }

  /** Every id, as 32 raw bytes. */
  ids(): Uint8Array[] {
    return [...this.#offsets.keys()].map((id) => base64urlnopad.decode(id));
  }

  /** The envelopes with these ids that are here, each once, in log order. */
  find(ids: readonly Uint8Array[]): IndexedEnvelope[] {
    const found = new Map<string, number>();
    for (const raw of ids) {
      const id = base64urlnopad.encode(raw);
      const offset = this.#offsets.get(id);
      if (offset !== undefined) found.set(id, offset);
    }
    return [...found].map(([id, offset]) => ({ id, offset })).sort((a, b) => a.offset - b.offset);
  }
}
