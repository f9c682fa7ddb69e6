// The UI's own replica of one DAO (DESIGN.md §3): a Y.Doc kept in IndexedDB (stored-updates.ts), so the DAO opens
// at once and offline; kept current by asking the host for what it lacks (dao.sync); folded by the same core
// DaoLedger the host uses, so the views match, in a Web Worker (fold-client.ts) so that a large DAO never
// freezes the page. It only ever reads records the host already verified, and no key ever comes near it.
import { base64 } from '@scure/base';
import * as Y from 'yjs';
import { createDaoDoc, daoText, ledgerMap, textNames, textRootName, type TextName } from '../../core/dao/dao-doc.ts';
import type { DaoSummary, DaoView } from '../../core/bridge/api.ts';
import { FoldClient } from './fold-client.ts';
import type { FoldViews } from './replica-fold.ts';
import { StoredUpdates } from './stored-updates.ts';
import { afterDeadlineMs, longestTimeoutMs } from '../time/use-refresh-at.ts';

/** Asks the host for the update that takes a document at `stateVector` to the host's. */
export type FetchUpdate = (dao: string, stateVector: Uint8Array) => Promise<Uint8Array>;

export type LocalReplicaOptions = {
  dao: string;
  /** The member looking at the DAO (their vote, their credits), null for none. */
  me: string | null;
  /** The IndexedDB database that keeps this replica. */
  databaseName: string;
  fetchUpdate: FetchUpdate;
  /** Called after anything a view shows may have changed: records, loading, syncing, an error. */
  onChange: () => void;
};

/**
 * How long a first sync waits for IndexedDB to hand over what it keeps. A browser may never answer (storage
 * refused); the replica then syncs without it and just starts empty.
 */
const storageWaitMs = 3000;

/** The origin of updates from the host, so nothing mistakes them for local edits. */
const hostOrigin = 'host';
/** The origin of what IndexedDB handed over. */
const storageOrigin = 'storage';
/** Stored updates folded into one past this many (as y-indexeddb did): loading many small ones costs little. */
const compactAfterUpdates = 500;

export class LocalReplica {
  readonly dao: string;
  readonly #doc: Y.Doc;
  readonly #fold: FoldClient;
  readonly #storage: StoredUpdates;
  readonly #storageRead: Promise<void>;
  readonly #fetchUpdate: FetchUpdate;
  readonly #onChange: () => void;
  #version = 0;
  #syncing: Promise<void> | null = null;
  #again = false;
  /** The host said its DAO changed (dao.changed) since the last sync round began. */
  #hostChanged = false;
  #error: unknown = null;
  #views: FoldViews = { view: null, summary: null, skipped: 0, restored: 0, evidenceTotal: 0 };
  #viewing = false;
  #viewsAgain = false;
  #closed = false;
  #deadlineTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(options: LocalReplicaOptions) {
    this.dao = options.dao;
    this.#fetchUpdate = options.fetchUpdate;
    this.#onChange = options.onChange;
    this.#doc = createDaoDoc();
    const ledger = ledgerMap(this.#doc);
    this.#fold = new FoldClient({
      dao: options.dao,
      me: options.me,
      database: options.databaseName,
      allEntries: () => [...ledger.entries()],
    });
    // Watch the ledger before anything arrives: IndexedDB's records, then the host's, all come through here.
    ledger.observe((event) => {
      const added: Array<[string, unknown]> = [];
      for (const [id, change] of event.changes.keys) if (change.action === 'add') added.push([id, ledger.get(id)]);
      this.#take(added);
    });
    this.#storage = new StoredUpdates(options.databaseName);
    const stored = this.#storage.load().then(
      (updates) => {
        if (this.#closed) return;
        Y.transact(this.#doc, () => {
          for (const update of updates) {
            try {
              Y.applyUpdate(this.#doc, update, storageOrigin);
            } catch (error) {
              // A damaged update loses only itself: the host sends what it held again on the next sync.
              console.warn(`daomesh: a stored update of DAO ${this.dao} did not apply:`, error);
            }
          }
        }, storageOrigin);
        this.#changed();
      },
      (error: unknown) => console.warn(`daomesh: IndexedDB did not hand over the replica of DAO ${this.dao}; syncing from the host:`, error),
    );
    this.#storageRead = Promise.race([stored, new Promise<void>((resolve) => setTimeout(resolve, storageWaitMs))]);
  }

  /** Moves on every change; a view derived at one version stays right until it moves. */
  get version(): number {
    return this.#version;
  }

  /** A sync is on its way. */
  get syncing(): boolean {
    return this.#syncing !== null;
  }

  /** Why the last sync failed; null once one succeeds. */
  get error(): unknown {
    return this.#error;
  }

  /** The DAO as the fold last showed it, or null until the DAO's genesis record is folded. */
  get view(): DaoView | null {
    return this.#views.view;
  }

  /** The DAO's line in the DAO list, as the fold last showed it. */
  get summary(): DaoSummary | null {
    return this.#views.summary;
  }

  /** Views are being derived: what the document holds may not be in `view` yet. */
  get folding(): boolean {
    return this.#viewing;
  }

  /** How many ignored records the DAO keeps (the view lists the first of them). */
  get evidenceTotal(): number {
    return this.#views.evidenceTotal;
  }

  /** Records the fold took from its snapshot when it opened (0: it folded them all). */
  get restored(): number {
    return this.#views.restored;
  }

  /** Where the fold runs: in a worker, or in the page where no worker could start. */
  get foldsIn(): 'worker' | 'page' {
    return this.#fold.where;
  }

  /**
   * Asks the fold for the views at the current time (a deadline went by), and again after each change. Calls
   * while one is asked are folded into one more after it, as with sync.
   */
  refreshViews(): void {
    if (this.#closed) return;
    this.#viewsAgain = true;
    if (this.#viewing) return;
    this.#viewing = true;
    void this.#viewRounds().finally(() => {
      this.#viewing = false;
      this.#changed();
    });
  }

  /**
   * Brings the replica up to the host's document. Calls while one runs are folded into one more round after it,
   * so a burst of changes costs at most two round trips.
   */
  sync(options: { hostChanged?: boolean } = {}): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#again = true;
    this.#hostChanged ||= options.hostChanged === true;
    if (this.#syncing === null) {
      this.#syncing = this.#syncRounds().finally(() => {
        this.#syncing = null;
        this.#changed();
        if (this.#again) void this.sync();
      });
      this.#changed();
    }
    return this.#syncing;
  }

  /** A collaborative text as the replica holds it ('' for one it has not received). */
  text(name: TextName): string {
    // Reading one that is not here must not create its root: it would then be listed as a text.
    return this.#doc.share.has(textRootName(name)) ? daoText(this.#doc, name).toString() : '';
  }

  /** The texts the replica holds (some may be empty). */
  textNames(): TextName[] {
    return textNames(this.#doc);
  }

  /**
   * The place before character `index` of a text, as a Yjs relative position (base64) for dao.editText: it names
   * that character, so it stays right when the host's text has moved on since this replica last synced.
   */
  positionAt(name: TextName, index: number): string {
    return base64.encode(Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(daoText(this.#doc, name), index)));
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#deadlineTimer);
    this.#doc.destroy();
    this.#fold.close();
  }

  async #syncRounds(): Promise<void> {
    // Ask from what IndexedDB held, not from nothing: the host then sends only what is new.
    await this.#storageRead;
    while (this.#again && !this.#closed) {
      this.#again = false;
      const hostChanged = this.#hostChanged;
      this.#hostChanged = false;
      try {
        const update = await this.#fetchUpdate(this.dao, Y.encodeStateVector(this.#doc));
        if (this.#closed) return;
        if (applyChanges(this.#doc, update, hostOrigin)) this.#keep(update);
        // The host said its DAO changed, yet nothing is new: it took in records it had held back for claiming a
        // time ahead of its clock, and the fold here holds the same ones. (Not at every open or reconnect.)
        else if (hostChanged) this.refreshViews();
        this.#error = null;
      } catch (error) {
        if (this.#closed) return;
        this.#error = error;
      }
    }
  }

  /** Stores an update the document took; past `compactAfterUpdates`, the whole state in their place. */
  #keep(update: Uint8Array): void {
    const warn = (error: unknown): void => console.warn(`daomesh: the replica of DAO ${this.dao} could not be stored; it syncs again on the next open:`, error);
    this.#storage.append(update).catch(warn);
    if (this.#storage.compactionDue(compactAfterUpdates)) this.#storage.compact(Y.encodeStateAsUpdate(this.#doc)).catch(warn);
  }

  #take(entries: Array<[string, unknown]>): void {
    if (entries.length === 0) return;
    this.#fold.add(entries);
    this.refreshViews();
  }

  async #viewRounds(): Promise<void> {
    while (this.#viewsAgain && !this.#closed) {
      this.#viewsAgain = false;
      try {
        const now = Date.now();
        const views = await this.#fold.views(now);
        if (this.#closed) return;
        this.#views = views;
        this.#planDeadlineRefresh(now);
        this.#changed();
      } catch (error) {
        // The fold does not throw on records (it skips them); this is a closed replica or a bug, said once.
        if (!this.#closed) console.warn(`daomesh: the fold of DAO ${this.dao} could not show it:`, error);
      }
    }
  }

  /**
   * Views are derived at a moment: a voting or grace period that ends later changes what they say (voting closed,
   * in effect) with no record arriving. The replica derives them again just after the next such end, whichever
   * screen is showing (a screen away from the DAO at the deadline came back to a proposal stuck at "voting").
   */
  #planDeadlineRefresh(viewedAt: number): void {
    clearTimeout(this.#deadlineTimer);
    let next = Infinity; // a loop, not Math.min(...): a DAO's proposals can outnumber the arguments a call may take
    for (const proposal of this.#views.view?.proposals ?? []) {
      for (const moment of [proposal.votingEndsAt, proposal.executesAt ?? 0]) if (moment > viewedAt && moment < next) next = moment;
    }
    if (next === Infinity) return;
    // setTimeout cannot wait longer than ~24.8 days; a later end is planned again on the way.
    const wait = Math.min(next - Date.now() + afterDeadlineMs, longestTimeoutMs);
    this.#deadlineTimer = setTimeout(() => this.refreshViews(), Math.max(0, wait));
  }

  #changed(): void {
    if (this.#closed) return;
    this.#version += 1;
    this.#onChange();
  }
}

/** Applies `update`; true when it changed the document (added anything, or deleted anything). */
function applyChanges(doc: Y.Doc, update: Uint8Array, origin: unknown): boolean {
  let changed = false;
  const watch = (transaction: Y.Transaction): void => {
    if (transaction.origin !== origin) return;
    const { beforeState, afterState } = transaction;
    changed ||= transaction.deleteSet.clients.size > 0 || [...afterState].some(([client, clock]) => beforeState.get(client) !== clock);
  };
  doc.on('afterTransaction', watch);
  try {
    Y.applyUpdate(doc, update, origin);
  } finally {
    doc.off('afterTransaction', watch);
  }
  return changed;
}
