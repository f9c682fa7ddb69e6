// A UI replica's handle on its fold. The fold runs in a Web Worker (fold-worker.ts): decoding and folding the
// records of a large DAO takes seconds (~2 s for 100k records), which must not freeze the page. Where no
// worker starts (a browser or policy that refuses it, or a worker that dies), the same fold runs in the page,
// fed again from the replica's document, and the replica goes on; only the page's responsiveness suffers.
// Until the worker has opened its fold, requests wait here: it answers with the records its snapshot holds,
// and the first entries (a whole document, loaded from IndexedDB) go without those, since copying 100k
// records' bytes to the worker costs the page ~0.2 s.
import { FoldServer, type FoldReply, type FoldRequest } from './fold-protocol.ts';
import { indexedDbSnapshotStore } from './fold-snapshot-store.ts';
import { packEntries } from './packed-entries.ts';
import type { FoldViews } from './replica-fold.ts';

export type FoldClientOptions = {
  dao: string;
  me: string | null;
  /** The replica's IndexedDB database, beside which the fold keeps its snapshot. */
  database: string;
  /** Every ledger entry the replica holds, to feed a fold that starts over in the page. */
  allEntries: () => Array<[string, unknown]>;
};

type Pending = { resolve: (views: FoldViews) => void; reject: (error: Error) => void; now: number };
type Waiting = { type: 'add'; entries: Array<[string, unknown]> } | { type: 'views'; id: number; now: number };

export class FoldClient {
  readonly #options: FoldClientOptions;
  readonly #pending = new Map<number, Pending>();
  #worker: Worker | null = null;
  /** The fold in the page, once the worker is out of the picture. */
  #inPage: FoldServer | null = null;
  /** Requests for the worker made before it opened its fold; null once it has. */
  #waiting: Waiting[] | null = [];
  #nextId = 0;
  #closed = false;

  constructor(options: FoldClientOptions) {
    this.#options = options;
    if (typeof Worker === 'function') {
      try {
        const worker = new Worker(new URL('./fold-worker.ts', import.meta.url), { type: 'module', name: 'daomesh fold' });
        worker.addEventListener('message', (event: MessageEvent<FoldReply>) => this.#answer(event.data));
        worker.addEventListener('error', (event) => {
          event.preventDefault();
          this.#fallBack(`the fold worker failed: ${event.message || 'it did not start'}`);
        });
        worker.addEventListener('messageerror', () => this.#fallBack('a fold answer could not be read'));
        this.#worker = worker;
        this.#post({ type: 'open', dao: options.dao, me: options.me, database: options.database });
        return;
      } catch (error) {
        console.warn('daomesh: no fold worker, folding in the page:', error);
      }
    }
    this.#inPage = this.#startInPage([]);
  }

  /** Where the fold runs now. */
  get where(): 'worker' | 'page' {
    return this.#worker ? 'worker' : 'page';
  }

  /** Hands ledger entries to the fold; views asked for afterwards include them. */
  add(entries: Array<[string, unknown]>): void {
    if (this.#closed || entries.length === 0) return;
    if (this.#worker && this.#waiting) this.#waiting.push({ type: 'add', entries });
    else if (this.#worker) this.#postEntries(entries);
    else void this.#inPage?.handle({ type: 'add', entries: packEntries(entries) });
  }

  /** The views at `now`. */
  views(now: number): Promise<FoldViews> {
    if (this.#closed) return Promise.reject(new Error('The replica is closed.'));
    const id = this.#nextId++;
    return new Promise<FoldViews>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject, now });
      if (this.#worker && this.#waiting) this.#waiting.push({ type: 'views', id, now });
      else if (this.#worker) this.#post({ type: 'views', id, now });
      else this.#answerInPage(id);
    });
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#worker?.terminate();
    this.#worker = null;
    this.#inPage?.close();
    this.#inPage = null;
    for (const pending of this.#pending.values()) pending.reject(new Error('The replica is closed.'));
    this.#pending.clear();
  }

  #post(request: FoldRequest, transfer: Transferable[] = []): void {
    this.#worker?.postMessage(request, transfer);
  }

  /** Entries to the worker in one buffer, moved rather than copied (packed-entries.ts). */
  #postEntries(entries: ReadonlyArray<readonly [string, unknown]>): void {
    if (entries.length === 0) return;
    const packed = packEntries(entries);
    this.#post({ type: 'add', entries: packed }, [packed.bytes.buffer]);
  }

  #opened(heldIds: string): void {
    const waiting = this.#waiting ?? [];
    this.#waiting = null;
    const held = heldIds === '' ? null : new Set(heldIds.split('\n'));
    for (const request of waiting) {
      if (request.type === 'views') this.#post(request);
      else this.#postEntries(held ? request.entries.filter(([id]) => !held.has(id)) : request.entries);
    }
  }

  #answer(reply: FoldReply): void {
    if (reply.type === 'opened') {
      if (this.#worker) this.#opened(reply.held);
      return;
    }
    if (reply.id === null) {
      if (reply.type === 'failed') console.warn(`daomesh: the fold refused a request: ${reply.message}`);
      return;
    }
    const pending = this.#pending.get(reply.id);
    if (!pending) return;
    this.#pending.delete(reply.id);
    if (reply.type === 'views') pending.resolve(reply.views);
    else pending.reject(new Error(reply.message));
  }

  #answerInPage(id: number): void {
    const pending = this.#pending.get(id);
    if (!pending || !this.#inPage) return;
    void this.#inPage.handle({ type: 'views', id, now: pending.now }).then((reply) => this.#answer(reply ?? { type: 'failed', id, message: 'no answer' }));
  }

  #fallBack(why: string): void {
    if (this.#closed || !this.#worker) return;
    console.warn(`daomesh: ${why}; folding in the page`);
    this.#worker.terminate();
    this.#worker = null;
    this.#waiting = null;
    this.#inPage = this.#startInPage(this.#options.allEntries());
    // What the worker never answered, the page does, with everything the replica holds.
    for (const id of this.#pending.keys()) this.#answerInPage(id);
  }

  #startInPage(entries: Array<[string, unknown]>): FoldServer {
    const server = new FoldServer({ snapshots: indexedDbSnapshotStore });
    void server.handle({ type: 'open', dao: this.#options.dao, me: this.#options.me, database: this.#options.database });
    if (entries.length > 0) void server.handle({ type: 'add', entries: packEntries(entries) });
    return server;
  }
}
