// The messages between a UI replica and its fold (replica-fold.ts) in a Web Worker. The worker checks each
// request before it acts on it: a message that is not one of these is answered with `failed`, never a throw
// that would end the worker. The ledger entries inside are checked only for how they are packed: the fold
// skips (and counts) whatever does not decode, as it does in the page.
import { z } from 'zod';
import { DaoId } from '../../core/bridge/api.ts';
import { PackedEntries, unpackEntries } from './packed-entries.ts';
import { defaultSnapshotPolicy, ReplicaFold, type FoldSnapshotStore, type FoldViews, type SnapshotPolicy } from './replica-fold.ts';

export const FoldRequest = z.discriminatedUnion('type', [
  /** The first message: whose fold this is, and the replica's database (its snapshot is kept beside it). */
  z.object({ type: z.literal('open'), dao: DaoId, me: z.string().max(128).nullable(), database: z.string().min(1).max(512).nullable() }),
  /** Ledger entries as the replica's document holds them ([record id, record bytes]), packed. */
  z.object({ type: z.literal('add'), entries: PackedEntries }),
  /** The views at `now`, answered with the same `id`. */
  z.object({ type: z.literal('views'), id: z.number().int().nonnegative(), now: z.number().finite() }),
]);
export type FoldRequest = z.infer<typeof FoldRequest>;

export type FoldReply =
  /** The answer to `open`: the ids of the records the fold holds already (from its snapshot), newline-joined. */
  | { readonly type: 'opened'; readonly held: string }
  | { readonly type: 'views'; readonly id: number; readonly views: FoldViews }
  | { readonly type: 'failed'; readonly id: number | null; readonly message: string };

export type FoldServerOptions = {
  /** The snapshot store of a replica's database; none keeps no snapshots. */
  snapshots?: (database: string) => FoldSnapshotStore;
  policy?: SnapshotPolicy;
};

/**
 * The worker's side: answers `views` requests and anything it cannot take. Requests are taken strictly in the
 * order they came, each after the one before has finished (opening reads the snapshot, which takes a while).
 */
export class FoldServer {
  readonly #options: FoldServerOptions;
  #fold: ReplicaFold | null = null;
  #opening = false;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(options: FoldServerOptions = {}) {
    this.#options = options;
  }

  handle(message: unknown): Promise<FoldReply | null> {
    const reply = this.#queue.then(() => this.#handleNow(message));
    this.#queue = reply.catch(() => null); // #handleNow answers every failure; never let one stop the queue
    return reply;
  }

  /** Stops the fold saving snapshots (the worker or page is going away). */
  close(): void {
    this.#fold?.close();
  }

  async #handleNow(message: unknown): Promise<FoldReply | null> {
    const parsed = FoldRequest.safeParse(message);
    if (!parsed.success) return { type: 'failed', id: idOf(message), message: `Not a fold request: ${parsed.error.message}` };
    const request = parsed.data;
    try {
      switch (request.type) {
        case 'open': {
          if (this.#fold || this.#opening) return { type: 'failed', id: null, message: 'The fold is open already.' };
          this.#opening = true;
          const snapshots = request.database !== null && this.#options.snapshots ? this.#options.snapshots(request.database) : null;
          this.#fold = await ReplicaFold.open(request.dao, request.me, snapshots, this.#options.policy ?? defaultSnapshotPolicy);
          return { type: 'opened', held: this.#fold.heldIds().join('\n') };
        }
        case 'add':
          this.#openFold().add(unpackEntries(request.entries));
          return null;
        case 'views':
          return { type: 'views', id: request.id, views: this.#openFold().views(request.now) };
      }
    } catch (error) {
      return { type: 'failed', id: request.type === 'views' ? request.id : null, message: error instanceof Error ? error.message : String(error) };
    }
  }

  #openFold(): ReplicaFold {
    if (!this.#fold) throw new Error('The fold was not opened.');
    return this.#fold;
  }
}

function idOf(message: unknown): number | null {
  const id = typeof message === 'object' && message !== null ? (message as { id?: unknown }).id : undefined;
  return typeof id === 'number' && Number.isSafeInteger(id) && id >= 0 ? id : null;
}
