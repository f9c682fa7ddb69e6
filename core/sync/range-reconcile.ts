// Range-based set reconciliation (Aljoscha Meyer's; the shape Negentropy uses): two peers find which envelope
// ids each lacks in O(d log n) bytes for d differences among n ids, and in one round trip when nothing differs.
//
// A message splits the id space into consecutive ranges, each with a fingerprint, the sender's ids in it, or
// "skip" (settled). The receiver answers a fingerprint that differs with smaller ranges (or its ids, when it
// holds few), and a list of ids with the difference both ways: what the other lacks goes into `toSend`, what
// it lacks itself goes back as `want`. A message with no ranges says "I am done"; the other does not reply.
// Everything received is checked: a peer that breaks the protocol gets a ReconcileError, never a crash.
import { compareBytes } from '../ledger/record.ts';
import { boundBetween, fingerprintBytes, idBelow, idBytes, type Bound, type IdSet } from './id-set.ts';

export type RangeItem =
  | { readonly upper: Bound; readonly mode: 'skip' }
  | { readonly upper: Bound; readonly mode: 'fingerprint'; readonly fingerprint: Uint8Array }
  | { readonly upper: Bound; readonly mode: 'ids'; readonly ids: readonly Uint8Array[] };

/** `ranges` cover the id space from the bottom, in order, the last one up to null; empty means "done". */
export type ReconcileMessage = { readonly ranges: readonly RangeItem[]; readonly want: readonly Uint8Array[] };

export type ReconcileOptions = {
  /** How many ranges a differing range splits into. */
  readonly branching?: number;
  /** A range holding at most this many of our ids is answered with the ids themselves. */
  readonly idListThreshold?: number;
  /** A peer that needs more rounds than this is not reconciling (a range shrinks by `branching` each round). */
  readonly maxRounds?: number;
};

export class ReconcileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReconcileError';
  }
}

export class RangeReconciler {
  readonly #set: IdSet;
  readonly #branching: number;
  readonly #threshold: number;
  readonly #maxRounds: number;
  #rounds = 0;
  #done = false;
  /** Our ids the peer lacks, by index in the set (so they can be sent in our own order). */
  readonly #toSend = new Set<number>();
  /** Ids we asked the peer for. */
  #wanted = 0;

  constructor(set: IdSet, options: ReconcileOptions = {}) {
    this.#set = set;
    this.#branching = options.branching ?? 16;
    this.#threshold = options.idListThreshold ?? 32;
    this.#maxRounds = options.maxRounds ?? 32;
  }

  /** True once either side said it is done: nothing more to exchange but the envelopes. */
  get done(): boolean {
    return this.#done;
  }

  /** Our ids the peer lacks, in ascending order. */
  toSend(): Uint8Array[] {
    return [...this.#toSend].sort((a, b) => a - b).map((index) => this.#set.ids[index]!);
  }

  /** How many ids we asked the peer for. */
  get wanted(): number {
    return this.#wanted;
  }

  /** The initiator's first message. */
  start(): ReconcileMessage {
    return { ranges: [this.#describe(0, this.#set.size, null)], want: [] };
  }

  /** Answers a peer's message; null when there is nothing to answer (the peer said it was done). */
  receive(message: ReconcileMessage): ReconcileMessage | null {
    if (this.#done) throw new ReconcileError('The peer kept talking after reconciliation ended.');
    if (++this.#rounds > this.#maxRounds) throw new ReconcileError(`The peer needed more than ${this.#maxRounds} rounds.`);
    for (const id of message.want) {
      checkId(id);
      const index = this.#set.lowerIndex(id);
      // An id we do not hold was never offered: ignore it rather than fail the whole exchange.
      if (index < this.#set.size && compareBytes(this.#set.ids[index]!, id) === 0) this.#toSend.add(index);
    }
    if (message.ranges.length === 0) {
      this.#done = true;
      return null;
    }
    const reply: RangeItem[] = [];
    const want: Uint8Array[] = [];
    let lower: Uint8Array = new Uint8Array(0);
    let lowerIndex = 0;
    message.ranges.forEach((range, position) => {
      const last = position === message.ranges.length - 1;
      if (last !== (range.upper === null)) throw new ReconcileError('The ranges must end at the top of the id space, and only the last one.');
      if (range.upper !== null && (range.upper.length > idBytes || compareBytes(range.upper, lower) <= 0)) {
        throw new ReconcileError('Range bounds must rise and be at most 32 bytes.');
      }
      const upperIndex = this.#set.lowerIndex(range.upper);
      if (range.mode === 'fingerprint') {
        if (range.fingerprint.length !== fingerprintBytes) throw new ReconcileError('A fingerprint is 16 bytes.');
        if (compareBytes(range.fingerprint, this.#set.fingerprint(lowerIndex, upperIndex)) === 0) push(reply, { upper: range.upper, mode: 'skip' });
        else if (upperIndex - lowerIndex <= this.#threshold) push(reply, this.#idList(lowerIndex, upperIndex, range.upper));
        else for (const part of this.#split(lowerIndex, upperIndex, range.upper)) push(reply, part);
      } else if (range.mode === 'ids') {
        this.#compare(range.ids, lower, range.upper, lowerIndex, upperIndex, want);
        push(reply, { upper: range.upper, mode: 'skip' });
      } else {
        push(reply, { upper: range.upper, mode: 'skip' });
      }
      lower = range.upper ?? lower;
      lowerIndex = upperIndex;
    });
    this.#wanted += want.length;
    if (reply.every((range) => range.mode === 'skip')) {
      this.#done = true;
      return { ranges: [], want };
    }
    return { ranges: reply, want };
  }

  /** Their ids in [lower, upper) against ours: ours they lack to send, theirs we lack to want. */
  #compare(theirs: readonly Uint8Array[], lower: Uint8Array, upper: Bound, from: number, to: number, want: Uint8Array[]): void {
    let previous: Uint8Array | null = null;
    let mine = from;
    for (const id of theirs) {
      checkId(id);
      if (previous !== null && compareBytes(previous, id) >= 0) throw new ReconcileError('Ids in a list must rise.');
      if (compareBytes(id, lower) < 0 || !idBelow(id, upper)) throw new ReconcileError('An id lies outside its range.');
      previous = id;
      while (mine < to && compareBytes(this.#set.ids[mine]!, id) < 0) this.#toSend.add(mine++);
      if (mine < to && compareBytes(this.#set.ids[mine]!, id) === 0) mine++;
      else want.push(id);
    }
    while (mine < to) this.#toSend.add(mine++);
  }

  #describe(from: number, to: number, upper: Bound): RangeItem {
    return to - from <= this.#threshold ? this.#idList(from, to, upper) : { upper, mode: 'fingerprint', fingerprint: this.#set.fingerprint(from, to) };
  }

  #idList(from: number, to: number, upper: Bound): RangeItem {
    return { upper, mode: 'ids', ids: this.#set.ids.slice(from, to) };
  }

  /** `branching` ranges over ids[from..to), each with about the same number of our ids. */
  #split(from: number, to: number, upper: Bound): RangeItem[] {
    const parts: RangeItem[] = [];
    const count = to - from;
    let start = from;
    for (let part = 1; part <= this.#branching; part++) {
      const end = from + Math.floor((count * part) / this.#branching);
      if (end === start) continue;
      const bound = end === to ? upper : boundBetween(this.#set.ids[end - 1]!, this.#set.ids[end]!);
      parts.push({ upper: bound, mode: 'fingerprint', fingerprint: this.#set.fingerprint(start, end) });
      start = end;
    }
    return parts;
  }
}

/** Adds a range, merging a skip into the skip before it (fewer bytes, same meaning). */
function push(ranges: RangeItem[], range: RangeItem): void {
  const last = ranges[ranges.length - 1];
  if (range.mode === 'skip' && last?.mode === 'skip') ranges[ranges.length - 1] = range;
  else ranges.push(range);
}

function checkId(id: Uint8Array): void {
  if (!(id instanceof Uint8Array) || id.length !== idBytes) throw new ReconcileError('An id is 32 bytes.');
}
