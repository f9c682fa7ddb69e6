// The messages between a UI replica and its fold (replica-fold.ts) in a Web Worker. The worker checks each
// request before it acts on it: a message that is not one of these is answered with `failed`, never a throw
// that would end the worker. The ledger entries inside are not checked here: the fold skips (and counts)
// whatever does not decode, as it does in the page.
import { z } from 'zod';
import { DaoId } from '../../core/bridge/api.ts';
import { ReplicaFold, type FoldViews } from './replica-fold.ts';

export const FoldRequest = z.discriminatedUnion('type', [
  /** The first message: whose fold this is. */
  z.object({ type: z.literal('open'), dao: DaoId, me: z.string().max(128).nullable() }),
  /** Ledger entries as the replica's document holds them: [record id, record bytes]. */
  z.object({ type: z.literal('add'), entries: z.array(z.tuple([z.string(), z.unknown()])) }),
  /** The views at `now`, answered with the same `id`. */
  z.object({ type: z.literal('views'), id: z.number().int().nonnegative(), now: z.number().finite() }),
]);
export type FoldRequest = z.infer<typeof FoldRequest>;

export type FoldReply =
  | { readonly type: 'views'; readonly id: number; readonly views: FoldViews }
  | { readonly type: 'failed'; readonly id: number | null; readonly message: string };

/** The worker's side: takes requests in order, answers `views` requests and anything it cannot take. */
export class FoldServer {
  #fold: ReplicaFold | null = null;

  handle(message: unknown): FoldReply | null {
    const parsed = FoldRequest.safeParse(message);
    if (!parsed.success) return { type: 'failed', id: idOf(message), message: `Not a fold request: ${parsed.error.message}` };
    const request = parsed.data;
    try {
      switch (request.type) {
        case 'open':
          if (this.#fold) return { type: 'failed', id: null, message: 'The fold is open already.' };
          this.#fold = new ReplicaFold(request.dao, request.me);
          return null;
        case 'add':
          this.#openFold().add(request.entries);
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
