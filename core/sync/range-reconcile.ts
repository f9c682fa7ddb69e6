// Range-based set reconciliation (Aljoscha Meyer's; the shape Negentropy uses): two peers find which envelope
// ids each lacks in O(d log n) bytes for d differences among n ids, and in one round trip when nothing differs.
//
// A message splits the id space into consecutive ranges, each with a fingerprint, the sender's ids in it, or
// "skip" (settled). The receiver answers a fingerprint that differs with smaller ranges (or its ids, when it
// holds few), and a list of ids with the difference both ways: what the other lacks goes into `toSend`, what
// it lacks itself goes back as `want`: one bit per id the other listed in the message answered, in order (a
// node far behind wants thousands of ids; naming each again would cost 32 bytes apiece). A message with no
// ranges says "I am done"; the other does not reply.
// Everything received is checked: a peer that breaks the protocol gets a ReconcileError, never a crash. That
// includes answering more than was asked: a message may only take apart the ranges whose fingerprints the last
// one sent (see #checkRanges), so what a peer makes this side hash, list and remember is bounded by what this
// side itself sent, round by round, not by the frame cap.
import { compareBytes } from '../ledger/record.ts';
import { boundBetween, fingerprintBytes, idBelow, idBytes, type Bound, type IdSet } from './id-set.ts';

export type RangeItem =
  | { readonly upper: Bound; readonly mode: 'skip' }
  | { readonly upper: Bound; readonly mode: 'fingerprint'; readonly fingerprint: Uint8Array }
  | { readonly upper: Bound; readonly mode: 'ids'; readonly ids: readonly Uint8Array[] };

/**
 * `ranges` cover the id space from the bottom, in order, the last one up to null; empty means "done". `want`:
 * bit i (of byte i >> 3, low bit first) asks for the i-th id listed in the message this one answers; empty
 * when nothing is wanted.
 */
export type ReconcileMessage = { readonly ranges: readonly RangeItem[]; readonly want: Uint8Array };

export type ReconcileOptions = {
  /** How many ranges a differing range splits into. */
  readonly branching?: number;
  /** A range holding at most this many of our ids is answered with the ids themselves. */
  readonly idListThreshold?: number;
  /** A peer that needs more rounds than this is not reconciling (a range shrinks by `branching` each round). */
  readonly maxRounds?: number;
  /**
   * Ids one message lists at most (default 65,536: 2 MiB). Past it, a differing range that would be listed is
   * answered with this side's fingerprint of it instead, for the peer to list or split next round: two sets that
   * differ by hundreds of thousands of ids would otherwise make a message larger than a frame may be, and never
   * reconcile.
   */
  readonly maxListedIds?: number;
};

/** What the peer's next message may hold at most (receive() refuses more): sized by what our last message asked. */
export type AnswerLimits = {
  /** Fingerprint ranges our last message sent (1 before we sent any: the whole id space). */
  readonly fingerprints: number;
  /** Ranges each of them may be taken apart into. */
  readonly branching: number;
  /** Ids in one listed range. */
  readonly idListThreshold: number;
  /** Our ids our last message listed: one want bit each. */
  readonly listed: number;
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
  readonly #maxListed: number;
  readonly #maxRounds: number;
  #rounds = 0;
  #done = false;
  /** Our ids the peer lacks, by index in the set (so they can be sent in our own order). */
  readonly #toSend = new Set<number>();
  /** Ids we asked the peer for. */
  #wanted = 0;
  /** Our ids (by index in the set) listed in the last message we sent, in order: what the peer's `want` bits name. */
  #listed: number[] = [];
  /**
   * [lower, upper) of each fingerprint range in the last message we sent, in order: the only ranges the peer may
   * take apart in its answer. Before we send anything (the responder) the whole id space, as if we had sent one
   * fingerprint over it: the initiator's first message is one range over everything (start()).
   */
  #open: OpenRange[] = [{ lower: new Uint8Array(0), upper: null }];

  constructor(set: IdSet, options: ReconcileOptions = {}) {
    this.#set = set;
    this.#branching = options.branching ?? 16;
    this.#threshold = options.idListThreshold ?? 32;
    this.#maxRounds = options.maxRounds ?? 32;
    this.#maxListed = options.maxListedIds ?? 65_536;
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

  get answerLimits(): AnswerLimits {
    return { fingerprints: this.#open.length, branching: this.#branching, idListThreshold: this.#threshold, listed: this.#listed.length };
  }

  /** The initiator's first message. */
  start(): ReconcileMessage {
    return this.#sent({ ranges: [this.#describe(0, this.#set.size, null)], want: noWant });
  }

  /** Answers a peer's message; null when there is nothing to answer (the peer said it was done). */
  receive(message: ReconcileMessage): ReconcileMessage | null {
    if (this.#done) throw new ReconcileError('The peer kept talking after reconciliation ended.');
    if (++this.#rounds > this.#maxRounds) throw new ReconcileError(`The peer needed more than ${this.#maxRounds} rounds.`);
    this.#takeWants(message.want);
    if (message.ranges.length === 0) {
      this.#done = true;
      return null;
    }
    this.#checkRanges(message.ranges);
    const reply: RangeItem[] = [];
    const want: boolean[] = [];
    let lower: Uint8Array = new Uint8Array(0);
    let lowerIndex = 0;
    let listed = 0;
    for (const range of message.ranges) {
      const upperIndex = this.#set.lowerIndex(range.upper);
      if (range.mode === 'fingerprint') {
        if (range.fingerprint.length !== fingerprintBytes) throw new ReconcileError('A fingerprint is 16 bytes.');
        const ours = this.#set.fingerprint(lowerIndex, upperIndex);
        if (compareBytes(range.fingerprint, ours) === 0) push(reply, { upper: range.upper, mode: 'skip' });
        else if (upperIndex - lowerIndex > this.#threshold) for (const part of this.#split(lowerIndex, upperIndex, range.upper)) push(reply, part);
        else if (listed + (upperIndex - lowerIndex) > this.#maxListed) push(reply, { upper: range.upper, mode: 'fingerprint', fingerprint: ours });
        else {
          listed += upperIndex - lowerIndex;
          push(reply, this.#idList(lowerIndex, upperIndex, range.upper));
        }
      } else if (range.mode === 'ids') {
        this.#compare(range.ids, lower, range.upper, lowerIndex, upperIndex, want);
        push(reply, { upper: range.upper, mode: 'skip' });
      } else {
        push(reply, { upper: range.upper, mode: 'skip' });
      }
      lower = range.upper ?? lower;
      lowerIndex = upperIndex;
    }
    const wantBits = packWants(want);
    if (reply.every((range) => range.mode === 'skip')) {
      this.#done = true;
      return this.#sent({ ranges: [], want: wantBits });
    }
    return this.#sent({ ranges: reply, want: wantBits });
  }

  /**
   * The peer's ranges answer our last message, as receive() answers one: a fingerprint that differs is split into
   * at most `branching` ranges or answered with the ids in it (at most `idListThreshold` of them), everything else
   * skipped, and neighbouring skips merged. So each range that is not a skip lies within one of our fingerprint
   * ranges, at most `branching` in each, and no two skips touch: at most 2 × branching × (our fingerprints) + 1
   * ranges. Both sides run with the same options (the session uses the defaults); an honest peer never goes past
   * them. Without this a peer could send ~180k ranges with wrong fingerprints in every frame, each costing a hash
   * and an answer (and, in the session, memory), for as many rounds as it liked.
   * Its bounds are all checked before any range is worked on, its length first: an oversized message is refused at once.
   */
  #checkRanges(ranges: readonly RangeItem[]): void {
    const open = this.#open;
    const limit = 2 * this.#branching * open.length + 1;
    if (ranges.length > limit) throw new ReconcileError(`The peer sent ${ranges.length} ranges in answer to ${open.length} this node asked about (at most ${limit}).`);
    let lower: Uint8Array = new Uint8Array(0);
    let previousSkip = false;
    let at = 0;
    let partsInOpen = 0;
    for (const [position, range] of ranges.entries()) {
      if ((position === ranges.length - 1) !== (range.upper === null)) throw new ReconcileError('The ranges must end at the top of the id space, and only the last one.');
      if (range.upper !== null && (range.upper.length > idBytes || compareBytes(range.upper, lower) <= 0)) {
        throw new ReconcileError('Range bounds must rise and be at most 32 bytes.');
      }
      if (range.mode === 'skip') {
        if (previousSkip) throw new ReconcileError('Neighbouring skips must be one range.');
        previousSkip = true;
      } else {
        previousSkip = false;
        // Our open ranges ending at or below this one's lower bound cannot hold it.
        while (at < open.length && open[at]!.upper !== null && compareBytes(open[at]!.upper!, lower) <= 0) {
          at++;
          partsInOpen = 0;
        }
        const holder = open[at];
        if (holder === undefined || compareBytes(holder.lower, lower) > 0 || !boundAtMost(range.upper, holder.upper)) {
          throw new ReconcileError('The peer sent a range this node did not ask about (it lies outside every fingerprint this node sent).');
        }
        if (++partsInOpen > this.#branching) throw new ReconcileError(`The peer split a range this node asked about into more than ${this.#branching}.`);
        if (range.mode === 'ids' && range.ids.length > this.#threshold) throw new ReconcileError(`The peer listed more than ${this.#threshold} ids in one range.`);
      }
      if (range.upper !== null) lower = range.upper;
    }
  }

  /** The peer's want bits, over the ids our last message listed. */
  #takeWants(want: Uint8Array): void {
    if (!(want instanceof Uint8Array)) throw new ReconcileError('Wants are a bitmap.');
    if (want.length === 0) return;
    const listed = this.#listed;
    if (want.length !== Math.ceil(listed.length / 8)) throw new ReconcileError(`Wants name ${want.length * 8} ids; the last message listed ${listed.length}.`);
    for (let bit = 0; bit < want.length * 8; bit++) {
      if ((want[bit >> 3]! & (1 << (bit & 7))) === 0) continue;
      if (bit >= listed.length) throw new ReconcileError('Wants name an id past the list.');
      this.#toSend.add(listed[bit]!);
    }
  }

  /** Notes which of our ids a message lists (the peer's wants will point at them) and where it asks, and returns it. */
  #sent(message: ReconcileMessage): ReconcileMessage {
    const listed: number[] = [];
    const open: OpenRange[] = [];
    let lower: Uint8Array = new Uint8Array(0);
    for (const range of message.ranges) {
      if (range.mode === 'fingerprint') open.push({ lower, upper: range.upper });
      if (range.upper !== null) lower = range.upper;
      if (range.mode !== 'ids') continue;
      let index = range.ids.length === 0 ? 0 : this.#set.lowerIndex(range.ids[0]!);
      for (let i = 0; i < range.ids.length; i++) listed.push(index++);
    }
    this.#listed = listed;
    this.#open = open;
    return message;
  }

  /** Their ids in [lower, upper) against ours: ours they lack to send, theirs we lack to want (one flag per id of theirs). */
  #compare(theirs: readonly Uint8Array[], lower: Uint8Array, upper: Bound, from: number, to: number, want: boolean[]): void {
    let previous: Uint8Array | null = null;
    let mine = from;
    for (const id of theirs) {
      checkId(id);
      if (previous !== null && compareBytes(previous, id) >= 0) throw new ReconcileError('Ids in a list must rise.');
      if (compareBytes(id, lower) < 0 || !idBelow(id, upper)) throw new ReconcileError('An id lies outside its range.');
      previous = id;
      while (mine < to && compareBytes(this.#set.ids[mine]!, id) < 0) this.#toSend.add(mine++);
      if (mine < to && compareBytes(this.#set.ids[mine]!, id) === 0) {
        mine++;
        want.push(false);
      } else {
        want.push(true);
        this.#wanted++;
      }
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

type OpenRange = { readonly lower: Uint8Array; readonly upper: Bound };

const noWant = new Uint8Array(0);

/** Whether a range ending at `upper` ends within one ending at `limit`. */
function boundAtMost(upper: Bound, limit: Bound): boolean {
  return limit === null || (upper !== null && compareBytes(upper, limit) <= 0);
}

/** One bit per flag, low bit first; empty when no flag is set. */
function packWants(flags: readonly boolean[]): Uint8Array {
  if (!flags.includes(true)) return noWant;
  const bits = new Uint8Array(Math.ceil(flags.length / 8));
  flags.forEach((flag, i) => {
    if (flag) bits[i >> 3]! |= 1 << (i & 7);
  });
  return bits;
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
