// The fold of one UI replica: its ledger entries in, the views the screens show out. It runs in a Web Worker
// (fold-worker.ts) so that opening a DAO of many records never holds up the page; the same class runs in the
// page where a worker cannot start (fold-client.ts). It holds no Yjs document, only the fold.
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
};

export class ReplicaFold {
  readonly #dao: string;
  readonly #me: string | null;
  readonly #ledger: DaoLedger;
  #skipped = 0;

  constructor(dao: string, me: string | null) {
    this.#dao = dao;
    this.#me = me;
    this.#ledger = new DaoLedger(dao);
  }

  /** Folds ledger entries ([id, bytes] as the document holds them); returns how many were skipped. */
  add(entries: Iterable<readonly [string, unknown]>): number {
    const { records, skipped } = decodeTrustedEntries(entries);
    const unfolded = feedLedger(this.#ledger, records);
    const count = skipped.length + unfolded.length;
    this.#skipped += count;
    if (count > 0) console.warn(`daomesh: skipped ${count} ledger entries of DAO ${this.#dao} that do not fold`);
    return count;
  }

  views(now: number): FoldViews {
    const state = this.#ledger.state(now);
    if (!state.ready) return { view: null, summary: null, skipped: this.#skipped };
    return { view: daoView(state, this.#me, now), summary: daoSummary(state, this.#me), skipped: this.#skipped };
  }
}
