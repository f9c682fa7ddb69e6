// The DAO peers that refused this node as not one of the DAO's nodes (NOT_A_MEMBER), each left alone for a
// while (dao-sync.ts keeps one of these per DAO). Such a peer answers the same until something changes its view
// of this node (its member's removal or departure undone, this node's delegation reaching it), so asking it
// every round only fills the log with the same refusal.

/** How long a peer that refused this node as not one of the DAO's nodes is left alone. */
export type NotMemberBackOff = {
  /** After the first refusal, doubling with each one in a row up to `maxMs`. */
  readonly firstMs: number;
  readonly maxMs: number;
};

/**
 * Short at first: the usual refusal is passing (a new device's delegation has not reached the peer yet), and a
 * minute's pause there held up a new node's first sync (the member-turns test waited past 30 s). A peer that keeps
 * refusing is asked ever more rarely: about eight times in the first quarter hour, then once an hour.
 */
export const defaultNotMemberBackOff: NotMemberBackOff = { firstMs: 5_000, maxMs: 60 * 60_000 };

export class NotMemberRefusals {
  readonly #backOff: NotMemberBackOff;
  readonly #now: () => number;
  /** peer → refusals in a row, and until when (this.#now()) it is not asked. */
  readonly #peers = new Map<string, { refusals: number; until: number }>();

  constructor(backOff: NotMemberBackOff = defaultNotMemberBackOff, now: () => number = () => performance.now()) {
    this.#backOff = backOff;
    this.#now = now;
  }

  /** Notes a refusal by `peer`; returns how long it is left alone now, in ms. */
  refused(peer: string): number {
    const refusals = (this.#peers.get(peer)?.refusals ?? 0) + 1;
    const pauseMs = Math.min(this.#backOff.firstMs * 2 ** (refusals - 1), this.#backOff.maxMs);
    this.#peers.set(peer, { refusals, until: this.#now() + pauseMs });
    return pauseMs;
  }

  /** How long `peer` is still left alone, in ms (0: it may be asked). */
  pausedFor(peer: string): number {
    const entry = this.#peers.get(peer);
    return entry === undefined ? 0 : Math.max(0, entry.until - this.#now());
  }

  /** The peers whose last answer was this refusal. */
  get peers(): string[] {
    return [...this.#peers.keys()];
  }

  /** A session with `peer` went through: it takes this node as one of the DAO's nodes (again). */
  accepted(peer: string): void {
    this.#peers.delete(peer);
  }

  /**
   * Something changed that may change the peers' answer (a record arrived or was written here): each may be asked
   * again at once. The count stays, so a peer that still refuses is left alone for longer than before.
   */
  changed(): void {
    for (const entry of this.#peers.values()) entry.until = 0;
  }
}
