// "Is record A in the causal past of record B?" in O(1), for a DAG of 100k records.
//
// The DAG is split into chains (each chain totally ordered by ancestry) and every record keeps a vector with,
// per chain, the position of the newest chain record in its past (inclusive of itself). Then
//   A ∈ past*(B)  ⇔  vector(B)[chain(A)] ≥ position(A).
// A record extends a chain whose tip is already in its past, else opens a new chain, so the number of chains
// stays near the number of concurrent writers (members × devices), and a vector is that many int32s:
// ~15 members with a couple of devices is ~120 bytes per record, ~12 MB at 100k records. An ancestor bitset
// would be n²/8 bytes (1.25 GB at 100k); per-author sequence vectors are not exact when one member writes
// from two devices at once. Which chain a record joins depends on arrival order, but the answers do not: the
// index is exact for any chain split, so peers that received records in other orders answer the same.
// Cost of concurrency: a member who writes K records none of which saw the others opens K chains, and every
// vector after them is up to K wide: O(K²) memory (bench/concurrent-records.ts: 4,000 such records make a
// 92 MiB fold). No exact index stays small for a DAG that wide, so the fix is a rule that keeps one signer's
// records in sequence (see the README's causal index), not a leaner vector.

export class CausalIndex {
  private readonly chainOf: number[] = [];
  private readonly positionOf: number[] = [];
  /** The vectors, back to back (one typed array rather than an object per record); record r's starts at start[r]. */
  private vectors: Int32Array = new Int32Array(1024);
  private used = 0;
  private readonly start: number[] = [];
  private readonly width: number[] = [];
  /** Records of each chain, in order: `chains[c][p]` is the record at position p of chain c. */
  private readonly chains: number[][] = [];
  /** Marked records of each chain, in position order (see mark). */
  private readonly marked: number[][] = [];
  private scratch: Int32Array = new Int32Array(16);
  /** Bumped by every mark and unmark: a view that saw the same records misses the same marked ones while it is unchanged. */
  markVersion = 0;

  get size(): number {
    return this.chainOf.length;
  }

  /** What a fold snapshot keeps: per record its chain, its position there and its vector's width; the vectors. */
  parts(): { chainOf: readonly number[]; positionOf: readonly number[]; widths: readonly number[]; vectors: Int32Array } {
    return { chainOf: this.chainOf, positionOf: this.positionOf, widths: this.width, vectors: this.vectors.subarray(0, this.used) };
  }

  /**
   * An index from `parts()` of another, checked record by record as add would have built it (each record
   * extends a chain or opens the next one, and its vector names only chains that existed); throws a
   * RangeError saying where it is not. Takes `vectors` as its own.
   */
  static fromParts(chainOf: ArrayLike<number>, positionOf: ArrayLike<number>, widths: ArrayLike<number>, vectors: Int32Array): CausalIndex {
    const index = new CausalIndex();
    const count = chainOf.length;
    if (positionOf.length !== count || widths.length !== count) throw new RangeError('the causal index columns differ in length');
    let offset = 0;
    for (let record = 0; record < count; record++) {
      const chain = chainOf[record]!;
      const position = positionOf[record]!;
      const width = widths[record]!;
      if (!Number.isInteger(chain) || chain < 0 || chain > index.chains.length) throw new RangeError(`record ${record} is on chain ${chain}, which does not exist`);
      if (chain === index.chains.length) index.chains.push([]);
      if (position !== index.chains[chain]!.length) throw new RangeError(`record ${record} is not the next on its chain`);
      if (!(width > chain && width <= index.chains.length && offset + width <= vectors.length) || vectors[offset + chain] !== position) {
        throw new RangeError(`record ${record} has a vector that does not fit`);
      }
      for (let other = 0; other < width; other++) {
        const seen = vectors[offset + other]!;
        if (other !== chain && (seen < -1 || seen >= index.chains[other]!.length)) throw new RangeError(`record ${record} has seen a record that does not exist`);
      }
      index.chains[chain]!.push(record);
      index.chainOf.push(chain);
      index.positionOf.push(position);
      index.start.push(offset);
      index.width.push(width);
      offset += width;
    }
    if (offset !== vectors.length) throw new RangeError('the vectors do not add up');
    index.vectors = vectors.length > 0 ? vectors : index.vectors;
    index.used = offset;
    return index;
  }

  /** Adds a record whose parents (by index) are already in the index; returns its index. */
  add(parents: readonly number[]): number {
    const index = this.chainOf.length;
    const vectors = this.vectors;
    let width = 0;
    for (const parent of parents) width = Math.max(width, this.width[parent]!);
    // Merged in a scratch vector, then copied once at its final width.
    if (this.scratch.length < this.chains.length + 1) this.scratch = new Int32Array(2 * (this.chains.length + 1));
    const vector = this.scratch;
    vector.fill(-1, 0, this.chains.length + 1);
    for (const parent of parents) {
      const from = this.start[parent]!;
      const parentWidth = this.width[parent]!;
      for (let chain = 0; chain < parentWidth; chain++) if (vectors[from + chain]! > vector[chain]!) vector[chain] = vectors[from + chain]!;
    }
    let chain = -1;
    // Prefer continuing a parent's chain; otherwise any chain whose tip is in our past.
    for (const parent of parents) {
      const candidate = this.chainOf[parent]!;
      if (this.chains[candidate]!.length - 1 === this.positionOf[parent]) {
        chain = candidate;
        break;
      }
    }
    if (chain < 0) {
      for (let candidate = 0; candidate < width; candidate++) {
        if (vector[candidate] === this.chains[candidate]!.length - 1 && vector[candidate]! >= 0) {
          chain = candidate;
          break;
        }
      }
    }
    let stored: number;
    if (chain < 0) {
      chain = this.chains.length;
      this.chains.push([]);
      stored = chain + 1;
    } else {
      stored = Math.max(width, chain + 1);
    }
    const position = this.chains[chain]!.length;
    this.chains[chain]!.push(index);
    vector[chain] = position;
    if (this.used + stored > this.vectors.length) {
      const grown = new Int32Array(Math.max(2 * this.vectors.length, this.used + stored));
      grown.set(this.vectors.subarray(0, this.used));
      this.vectors = grown;
    }
    for (let at = 0, to = this.used; at < stored; at++, to++) this.vectors[to] = vector[at]!;
    this.start.push(this.used);
    this.width.push(stored);
    this.used += stored;
    this.chainOf.push(chain);
    this.positionOf.push(position);
    return index;
  }

  /** Takes back the last `add` (a record judged in a dry run and not kept). It must not have been marked. */
  removeLast(): void {
    const chain = this.chainOf.pop();
    if (chain === undefined) return;
    this.positionOf.pop();
    this.chains[chain]!.pop();
    if (chain === this.chains.length - 1 && this.chains[chain]!.length === 0) this.chains.pop();
    this.used = this.start.pop()!;
    this.width.pop();
  }

  /**
   * True when past*(b) is past*(a) plus b itself: b was written right on top of a and nothing else new (the
   * next record of an envelope, most of the time). Vectors say it exactly, since a chain is totally ordered.
   */
  extendsOnly(b: number, a: number): boolean {
    if (b === a || !this.inPast(a, b)) return false;
    const own = this.chainOf[b]!;
    const widthA = this.width[a]!;
    const widthB = this.width[b]!;
    const startA = this.start[a]!;
    const startB = this.start[b]!;
    for (let chain = 0, end = Math.max(widthA, widthB); chain < end; chain++) {
      const seenA = chain < widthA ? this.vectors[startA + chain]! : -1;
      const seenB = chain < widthB ? this.vectors[startB + chain]! : -1;
      if (chain === own ? seenB !== this.positionOf[b]! || seenA !== seenB - 1 : seenA !== seenB) return false;
    }
    return true;
  }

  /** True when `a` is `b` or one of its ancestors. */
  inPast(a: number, b: number): boolean {
    if (a === b) return true;
    const chain = this.chainOf[a]!;
    return chain < this.width[b]! && this.vectors[this.start[b]! + chain]! >= this.positionOf[a]!;
  }

  /**
   * Marks a record as one that markedUnseenBy should list. Marks are kept per chain in position order, so a
   * record is marked while it is the newest of its chain (as it is taken in) or its chain's list is searched.
   */
  mark(index: number): void {
    const chain = this.chainOf[index]!;
    const list = (this.marked[chain] ??= []);
    const position = this.positionOf[index]!;
    let at = list.length;
    while (at > 0 && this.positionOf[list[at - 1]!]! >= position) {
      if (list[at - 1] === index) return;
      at--;
    }
    list.splice(at, 0, index);
    this.markVersion++;
  }

  /** Takes back a mark: the record no longer changes views (a rage quit that stopped counting, ledger-index.ts). */
  unmark(index: number): void {
    const list = this.marked[this.chainOf[index]!];
    const at = list === undefined ? -1 : list.indexOf(index);
    if (at < 0) return;
    list!.splice(at, 1);
    this.markVersion++;
  }

  /** Newest position of `chain` in past*(b), or -1. */
  private seenBy(b: number, chain: number): number {
    return chain < this.width[b]! ? this.vectors[this.start[b]! + chain]! : -1;
  }

  /** The marked records not in past*(b): per chain, the marks past b's vector entry. One step per chain plus one per result. */
  markedUnseenBy(b: number): number[] {
    const unseen: number[] = [];
    for (let chain = 0; chain < this.marked.length; chain++) {
      const list = this.marked[chain];
      if (list === undefined) continue;
      const seen = this.seenBy(b, chain);
      for (let at = list.length - 1; at >= 0 && this.positionOf[list[at]!]! > seen; at--) unseen.push(list[at]!);
    }
    return unseen;
  }

  /**
   * The records not in past*(b), newest first per chain: what `b`'s author had not seen. Cheap when `b` saw
   * almost everything (the usual case); stops early and returns null when the region exceeds `limit`.
   */
  unseenBy(b: number, limit: number): number[] | null {
    const unseen: number[] = [];
    for (let chain = 0; chain < this.chains.length; chain++) {
      const members = this.chains[chain]!;
      const seen = this.seenBy(b, chain);
      for (let position = members.length - 1; position > seen; position--) {
        const record = members[position]!;
        if (record === b) continue;
        unseen.push(record);
        if (unseen.length > limit) return null;
      }
    }
    return unseen;
  }
}
