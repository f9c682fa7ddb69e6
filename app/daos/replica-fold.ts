// The fold of one UI replica: its ledger entries in, the views the screens show out. It runs in a Web Worker
// (fold-worker.ts) so that opening a DAO of many records never holds up the page; the same class runs in the
// page where a worker cannot start (fold-client.ts). It holds no Yjs document, only the fold.
//
// A large DAO's fold is kept as a snapshot (DaoLedger.exportFold, as the host does) so the next open imports
// it instead of folding every record again; the records the document then hands over are skipped by id before
// they are even decoded. The snapshot is a cache of what these records fold to: one that does not import is
// dropped and the fold starts from the records.
import type { DaoSummary, DaoView } from '../../core/bridge/api.ts';
import { daoSummary, daoView } from '../../core/bridge/dao-view.ts';
import { DaoLedger } from '../../core/governance/dao-ledger.ts';
import { decodeTrustedEntries, feedLedger } from './ledger-feed.ts';

/** What the screens show of one DAO at one moment; both null until its genesis record is here. */
export type FoldViews = {
  readonly view: DaoView | null;
  readonly summary: DaoSummary | null;
  /** Ledger entries that could not be folded so far (never expected from an honest host). */
  readonly skipped: number;
  /** Records the fold took from its snapshot when it opened (0: it folded every record). */
  readonly restored: number;
  /** How many ignored records the DAO keeps; `view.evidence` lists the first `evidenceInView` of them. */
  readonly evidenceTotal: number;
};


export interface FoldSnapshotStore {
  load(): Promise<Uint8Array | null>;
  save(bytes: Uint8Array): Promise<void>;
  clear(): Promise<void>;
}

export type SnapshotPolicy = {
  /** No snapshot below this many records: folding them takes well under a second. */
  readonly minRecords: number;
  /** A new snapshot once this many records came in since the last one. */
  readonly every: number;
  /** ...and the fold has been idle this long, so a burst of records is saved once. */
  readonly idleMs: number;
  /**
   * How long opening waits for the stored snapshot. A browser may never answer an IndexedDB request (storage
   * refused); the fold then starts from the records, as it would without a snapshot.
   */
  readonly loadWaitMs: number;
};

export const defaultSnapshotPolicy: SnapshotPolicy = { minRecords: 2_000, every: 1_000, idleMs: 2_000, loadWaitMs: 3_000 };

export class ReplicaFold {
  readonly #dao: string;
  readonly #me: string | null;
  readonly #ledger: DaoLedger;
  readonly #restored: number;
  readonly #snapshots: FoldSnapshotStore | null;
  readonly #policy: SnapshotPolicy;
  #skipped = 0;
  /** Records folded since the last snapshot; with no snapshot yet, all of them. */
  #unsaved = 0;
  #hasSnapshot: boolean;
  #saveTimer: ReturnType<typeof setTimeout> | null = null;
  /** When the save now planned was first planned. */
  #firstPlannedAt: number | null = null;
  #saving = false;
  #closed = false;

  /** A fold of `dao` for the member `me`, from its snapshot in `snapshots` if there is a good one. */
  static async open(dao: string, me: string | null, snapshots: FoldSnapshotStore | null = null, policy = defaultSnapshotPolicy): Promise<ReplicaFold> {
    let ledger: DaoLedger | null = null;
    if (snapshots) {
      try {
        const bytes = await loadWithin(snapshots, policy.loadWaitMs);
        if (bytes) ledger = DaoLedger.importFold(dao, bytes);
      } catch (error) {
        console.warn(`daomesh: the fold snapshot of DAO ${dao} could not be used, folding from the records:`, error);
        await snapshots.clear().catch(() => {});
      }
    }
    return new ReplicaFold(dao, me, ledger, snapshots, policy);
  }

  private constructor(dao: string, me: string | null, imported: DaoLedger | null, snapshots: FoldSnapshotStore | null, policy: SnapshotPolicy) {
    this.#dao = dao;
    this.#me = me;
    this.#ledger = imported ?? new DaoLedger(dao);
    this.#restored = imported?.size ?? 0;
    this.#hasSnapshot = imported !== null;
    this.#snapshots = snapshots;
    this.#policy = policy;
  }

  /** The records it holds (those from its snapshot, right after opening): the page need not send them. */
  heldIds(): string[] {
    return this.#ledger.recordIds();
  }

  /** Folds ledger entries ([id, bytes] as the document holds them); returns how many were skipped. */
  add(entries: Iterable<readonly [string, unknown]>): number {
    // Held ones first, by id (decoding each costs more): the page leaves out what a snapshot brought, but a
    // record can reach the page twice (IndexedDB, then the host).
    const given = [...entries];
    const fresh = given.filter(([id]) => !this.#ledger.has(id));
    if (fresh.length === 0) return 0;
    // The values are views into one packed buffer (packed-entries.ts), which the fold's records then keep alive:
    // no waste when most of them are new, as they nearly always are; otherwise the new ones get their own bytes.
    if (fresh.length * 2 < given.length) {
      for (const [index, [id, value]] of fresh.entries()) if (value instanceof Uint8Array) fresh[index] = [id, value.slice()];
    }
    const { records, skipped } = decodeTrustedEntries(fresh);
    const unfolded = feedLedger(this.#ledger, records, Date.now());
    const count = skipped.length + unfolded.length;
    this.#skipped += count;
    if (count > 0) console.warn(`daomesh: skipped ${count} ledger entries of DAO ${this.#dao} that do not fold`);
    this.#unsaved += records.length - unfolded.length;
    this.#planSnapshot();
    return count;
  }

  views(now: number): FoldViews {
    // Held records whose time has come count from now on, as at the host (which announces the change).
    if (this.#ledger.heldBack() !== null) this.#addDue(now);
    const state = this.#ledger.state(now);
    const counts = { skipped: this.#skipped, restored: this.#restored, evidenceTotal: state.evidenceCount };
    if (!state.ready) return { view: null, summary: null, ...counts };
    // The view lists the first evidenceInView ignored records (core/bridge/dao-view.ts), not the ~70k of a large DAO.
    const view = daoView(state, this.#me, now);
    return { view, summary: daoSummary(state, this.#me), ...counts };
  }

  #addDue(now: number): void {
    try {
      this.#ledger.add([], now);
    } catch (error) {
      console.warn(`daomesh: held records of DAO ${this.#dao} did not fold: ${String(error)}`);
    }
  }

  /** Stops saving snapshots (one being written finishes). */
  close(): void {
    this.#closed = true;
    if (this.#saveTimer !== null) clearTimeout(this.#saveTimer);
    this.#saveTimer = null;
  }

  #planSnapshot(): void {
    if (!this.#snapshots || this.#closed || this.#ledger.size < this.#policy.minRecords) return;
    if (this.#unsaved < (this.#hasSnapshot ? this.#policy.every : 1)) return;
    const now = Date.now();
    // Each new record puts the save off until the fold is idle, but never more than ten pauses in all: a DAO
    // whose records keep coming still gets its snapshot.
    this.#firstPlannedAt ??= now;
    if (this.#saveTimer !== null) {
      if (now - this.#firstPlannedAt >= 10 * this.#policy.idleMs) return;
      clearTimeout(this.#saveTimer);
    }
    this.#saveTimer = setTimeout(() => void this.#saveSnapshot(), this.#policy.idleMs);
  }

  async #saveSnapshot(): Promise<void> {
    this.#saveTimer = null;
    this.#firstPlannedAt = null;
    if (!this.#snapshots || this.#closed) return;
    if (this.#saving) return this.#planSnapshot();
    this.#saving = true;
    const saved = this.#unsaved;
    try {
      const bytes = this.#ledger.exportFold();
      // A view into a larger buffer would store all of that buffer.
      await this.#snapshots.save(bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice());
      this.#unsaved -= saved;
      this.#hasSnapshot = true;
    } catch (error) {
      // A cache: without it the next open folds every record again, as it did this time.
      console.warn(`daomesh: the fold snapshot of DAO ${this.#dao} was not saved:`, error);
    } finally {
      this.#saving = false;
    }
  }
}

async function loadWithin(snapshots: FoldSnapshotStore, waitMs: number): Promise<Uint8Array | null> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const gaveUp = new Promise<null>((resolve) => {
    timer = setTimeout(() => {
      console.warn(`daomesh: the fold snapshot did not load within ${waitMs} ms; folding from the records`);
      resolve(null);
    }, waitMs);
  });
  try {
    return await Promise.race([snapshots.load(), gaveUp]);
  } finally {
    clearTimeout(timer);
  }
}
