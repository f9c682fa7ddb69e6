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
// Cost of concurrency: a member who writes many records with old deps opens many chains; it slows nothing
// but memory, and the gate already keeps non-members out.

export class CausalIndex {
  private readonly chainOf: number[] = [];
  private readonly positionOf: number[] = [];
  private readonly vectors: Int32Array[] = [];
  /** Records of each chain, in order: `chains[c][p]` is the record at position p of chain c. */
  private readonly chains: number[][] = [];

  get size(): number {
    return this.vectors.length;
  }

  /** Adds a record whose parents (by index) are already in the index; returns its index. */
  add(parents: readonly number[]): number {
    const index = this.vectors.length;
    let width = 0;
    for (const parent of parents) width = Math.max(width, this.vectors[parent]!.length);
    const vector = new Int32Array(this.chains.length + 1).fill(-1);
    for (const parent of parents) {
      const parentVector = this.vectors[parent]!;
      for (let chain = 0; chain < parentVector.length; chain++) if (parentVector[chain]! > vector[chain]!) vector[chain] = parentVector[chain]!;
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
    let stored = vector;
    if (chain < 0) {
      chain = this.chains.length;
      this.chains.push([]);
    } else {
      stored = vector.slice(0, Math.max(width, chain + 1));
    }
    const position = this.chains[chain]!.length;
    this.chains[chain]!.push(index);
    stored[chain] = position;
    this.chainOf.push(chain);
    this.positionOf.push(position);
    this.vectors.push(stored);
    return index;
  }

  /** True when `a` is `b` or one of its ancestors. */
  inPast(a: number, b: number): boolean {
    if (a === b) return true;
    const vector = this.vectors[b]!;
    const chain = this.chainOf[a]!;
    return chain < vector.length && vector[chain]! >= this.positionOf[a]!;
  }

  /**
   * The records not in past*(b), newest first per chain: what `b`'s author had not seen. Cheap when `b` saw
   * almost everything (the usual case); stops early and returns null when the region exceeds `limit`.
   */
  unseenBy(b: number, limit: number): number[] | null {
    const vector = this.vectors[b]!;
    const unseen: number[] = [];
    for (let chain = 0; chain < this.chains.length; chain++) {
      const members = this.chains[chain]!;
      const seen = chain < vector.length ? vector[chain]! : -1;
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
