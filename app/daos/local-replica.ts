// The UI's own replica of one DAO (DESIGN.md §3): a Y.Doc that y-indexeddb keeps in IndexedDB, so the DAO opens
// at once and offline; kept current by asking the host for what it lacks (dao.sync); folded by the same core
// DaoLedger the host uses, so the views match. It only ever reads records the host already verified, and no
// key ever comes near it.
import { base64 } from '@scure/base';
import { IndexeddbPersistence } from 'y-indexeddb';
import * as Y from 'yjs';
import { createDaoDoc, daoText, ledgerMap, textNames, textRootName, type TextName } from '../../core/dao/dao-doc.ts';
import { DaoLedger } from '../../core/governance/dao-ledger.ts';
import type { DaoState } from '../../core/governance/dao-state.ts';
import { decodeTrustedEntries, feedLedger } from './ledger-feed.ts';

/** Asks the host for the update that takes a document at `stateVector` to the host's. */
export type FetchUpdate = (dao: string, stateVector: Uint8Array) => Promise<Uint8Array>;

export type LocalReplicaOptions = {
  dao: string;
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

export class LocalReplica {
  readonly dao: string;
  readonly #doc: Y.Doc;
  readonly #ledger: DaoLedger;
  readonly #persistence: IndexeddbPersistence;
  readonly #storageRead: Promise<void>;
  readonly #fetchUpdate: FetchUpdate;
  readonly #onChange: () => void;
  #version = 0;
  #stored = false;
  #synced = false;
  #syncing: Promise<void> | null = null;
  #again = false;
  #error: unknown = null;
  #skipped = 0;
  #closed = false;

  constructor(options: LocalReplicaOptions) {
    this.dao = options.dao;
    this.#fetchUpdate = options.fetchUpdate;
    this.#onChange = options.onChange;
    this.#doc = createDaoDoc();
    this.#ledger = new DaoLedger(options.dao);
    // Watch the ledger before anything arrives: IndexedDB's records, then the host's, all come through here.
    const ledger = ledgerMap(this.#doc);
    ledger.observe((event) => {
      const added: Array<[string, unknown]> = [];
      for (const [id, change] of event.changes.keys) if (change.action === 'add') added.push([id, ledger.get(id)]);
      this.#take(added);
    });
    this.#persistence = new IndexeddbPersistence(options.databaseName, this.#doc);
    const stored = this.#persistence.whenSynced.then(() => {
      this.#stored = true;
      this.#changed();
    });
    this.#storageRead = Promise.race([stored, new Promise<void>((resolve) => setTimeout(resolve, storageWaitMs))]);
  }

  /** Moves on every change; a view derived at one version stays right until it moves. */
  get version(): number {
    return this.#version;
  }

  /** IndexedDB has handed over what it keeps of this DAO. */
  get stored(): boolean {
    return this.#stored;
  }

  /** The host has answered a sync since the replica opened. */
  get synced(): boolean {
    return this.#synced;
  }

  /** A sync is on its way. */
  get syncing(): boolean {
    return this.#syncing !== null;
  }

  /** Why the last sync failed; null once one succeeds. */
  get error(): unknown {
    return this.#error;
  }

  /** Ledger entries that could not be folded (never expected from an honest host). */
  get skipped(): number {
    return this.#skipped;
  }

  /** The fold's state at `now`, or null until the DAO's genesis record is here. */
  state(now: number): DaoState | null {
    const state = this.#ledger.state(now);
    return state.ready ? state : null;
  }

  /**
   * Brings the replica up to the host's document. Calls while one runs are folded into one more round after it,
   * so a burst of changes costs at most two round trips.
   */
  sync(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#again = true;
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
    this.#persistence.destroy().catch(() => {}); // a database that never opened has nothing to close
    this.#doc.destroy();
  }

  async #syncRounds(): Promise<void> {
    // Ask from what IndexedDB held, not from nothing: the host then sends only what is new.
    await this.#storageRead;
    while (this.#again && !this.#closed) {
      this.#again = false;
      try {
        const update = await this.#fetchUpdate(this.dao, Y.encodeStateVector(this.#doc));
        if (this.#closed) return;
        Y.applyUpdate(this.#doc, update, hostOrigin);
        this.#synced = true;
        this.#error = null;
      } catch (error) {
        if (this.#closed) return;
        this.#error = error;
      }
    }
  }

  #take(entries: Array<[string, unknown]>): void {
    if (entries.length === 0) return;
    const { records, skipped } = decodeTrustedEntries(entries);
    const unfolded = feedLedger(this.#ledger, records);
    this.#skipped += skipped.length + unfolded.length;
    if (skipped.length + unfolded.length > 0) console.warn(`daomesh: skipped ${skipped.length + unfolded.length} ledger entries of DAO ${this.dao} that do not fold`);
    this.#changed();
  }

  #changed(): void {
    if (this.#closed) return;
    this.#version += 1;
    this.#onChange();
  }
}
