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
//
// Cost of concurrency: a member who writes K records none of which saw the others opens K chains, and every
// vector after them is K wide. Kept whole, that is O(K²) memory (4,000 such records made a 92 MiB fold, and
// ~60,000 would exhaust a node on every open). So a vector wider than `denseUpTo` chains is kept as a
// persistent vector (persistent-vector.ts) sharing all but the entries it changed with its newest parent's:
// a path of about a kilobyte a record whatever K is (bench/concurrent-records.ts), and a lookup of a few steps
// instead of one. Honest DAOs stay far below the bound (a 20k-record workload of five writers has 5 chains)
// and keep the flat layout.

import { levelsFor, trieBytes, trieDifferences, trieFrom, trieGet, trieLift, trieMax, trieSet, type Trie } from './persistent-vector.ts';

/** Vectors up to this wide are kept flat: 1 KB a record at most. */
export const denseVectorWidth = 256;

/**
 * A snapshot's columns (parts, fromParts): per record its chain, its position there, its vector's width and how
 * its vector is written in `vectors` (`bases`): -1 in full (`width` entries); otherwise as changes (a count,
 * then that many chain and entry pairs, by increasing chain) to the vector of the record `bases` names, or to
 * a vector of -1s when it names the record itself. `bases` is null when every vector is written in full.
 */
export type CausalParts = {
  readonly chainOf: readonly number[];
  readonly positionOf: readonly number[];
  readonly widths: readonly number[];
  readonly bases: Int32Array | null;
  readonly vectors: Int32Array;
};

export class CausalIndex {
  private readonly chainOf: number[] = [];
  private readonly positionOf: number[] = [];
  /**
   * The flat vectors, back to back (one typed array rather than an object per record): record r's starts at
   * start[r] when that is 0 or more; else it is persistent, the root at `wide[-1 - start[r]]`.
   */
  private vectors: Int32Array = new Int32Array(1024);
  private used = 0;
  private readonly start: number[] = [];
  private readonly width: number[] = [];
  /** Vectors wider than `denseUpTo`, and the record whose vector each was built on (-1: none; for parts). */
  private readonly wide: (Trie | null)[] = [];
  private readonly wideBase: number[] = [];
  /** Records of each chain, in order: `chains[c][p]` is the record at position p of chain c. */
  private readonly chains: number[][] = [];
  /** Per kind of mark, the marked records of each chain in position order (see mark), and the chains that have a list, in order. */
  private readonly marked: number[][][] = [];
  private readonly markedChains: number[][] = [];
  private readonly scratch: Int32Array;
  private readonly denseUpTo: number;
  /** Bumped by every mark and unmark: a view that saw the same records misses the same marked ones while it is unchanged. */
  markVersion = 0;

  /** `denseUpTo`: vectors up to this wide are kept flat (tests make it small to exercise the persistent ones). */
  constructor(denseUpTo = denseVectorWidth) {
    this.denseUpTo = denseUpTo;
    this.scratch = new Int32Array(denseUpTo + 1);
  }

  get size(): number {
    return this.chainOf.length;
  }

  /** The chain record `index` is on. */
  chain(index: number): number {
    return this.chainOf[index]!;
  }

  /** What a fold snapshot keeps (CausalParts). */
  parts(): CausalParts {
    const vectors = this.vectors.subarray(0, this.used);
    if (this.wide.length === 0) return { chainOf: this.chainOf, positionOf: this.positionOf, widths: this.width, bases: null, vectors };
    const bases = new Int32Array(this.size).fill(-1);
    const written: number[] = [];
    for (let record = 0; record < this.size; record++) {
      const start = this.start[record]!;
      if (start >= 0) {
        for (let at = start, end = start + this.width[record]!; at < end; at++) written.push(vectors[at]!);
        continue;
      }
      const base = this.wideBase[-1 - start]!;
      bases[record] = base < 0 ? record : base;
      const levels = levelsFor(this.width[record]!);
      const counted = written.length;
      written.push(0);
      trieDifferences(base < 0 ? null : this.trieOf(base, levels), this.wide[-1 - start]!, levels, (chain, _, entry) => written.push(chain, entry) > 0);
      written[counted] = (written.length - counted - 1) / 2;
    }
    return { chainOf: this.chainOf, positionOf: this.positionOf, widths: this.width, bases, vectors: Int32Array.from(written) };
  }

  /**
   * An index from `parts()` of another, checked record by record as add would have built it (each record
   * extends a chain or opens the next one, and its vector names only chains that existed and holds its own
   * position); throws a RangeError saying where it is not. Takes `vectors` as its own when every one is flat.
   */
  static fromParts(chainOf: ArrayLike<number>, positionOf: ArrayLike<number>, widths: ArrayLike<number>, bases: ArrayLike<number> | null, vectors: Int32Array, denseUpTo = denseVectorWidth): CausalIndex {
    const index = new CausalIndex(denseUpTo);
    const count = chainOf.length;
    if (positionOf.length !== count || widths.length !== count || (bases !== null && bases.length !== count)) throw new RangeError('the causal index columns differ in length');
    // Taken as they are when every vector is written in full and kept flat (the usual case), else rebuilt one by one.
    let asTheyAre = true;
    for (let record = 0; record < count && asTheyAre; record++) asTheyAre = (bases === null || bases[record] === -1) && widths[record]! <= denseUpTo;
    let offset = 0;
    for (let record = 0; record < count; record++) {
      const chain = chainOf[record]!;
      const position = positionOf[record]!;
      const width = widths[record]!;
      const base = bases === null ? -1 : bases[record]!;
      if (!Number.isInteger(chain) || chain < 0 || chain > index.chains.length) throw new RangeError(`record ${record} is on chain ${chain}, which does not exist`);
      if (chain === index.chains.length) index.chains.push([]);
      if (position !== index.chains[chain]!.length) throw new RangeError(`record ${record} is not the next on its chain`);
      if (!(Number.isInteger(width) && width > chain && width <= index.chains.length)) throw misfit(record);
      const levels = levelsFor(width);
      // No closures or views made per record in this loop: at 100,000 records they cost ~40 ms of a cold open.
      if (base === -1) {
        if (offset + width > vectors.length || vectors[offset + chain] !== position) throw misfit(record);
        for (let other = 0; other < width; other++) if (!seenExists(index.chains, chain, other, vectors[offset + other]!)) throw unseen(record);
        if (asTheyAre) index.start.push(offset);
        else if (width <= denseUpTo) index.keepFlat(vectors.subarray(offset, offset + width), width);
        else index.keepWide(trieFrom(vectors.subarray(offset, offset + width), width, levels), -1);
        offset += width;
      } else {
        if (!(Number.isInteger(base) && base >= 0 && base <= record && (base === record || widths[base]! <= width))) throw misfit(record);
        const changes = vectors[offset];
        if (changes === undefined || !(changes >= 0 && offset + 1 + 2 * changes <= vectors.length)) throw misfit(record);
        let root = base === record ? null : index.trieOf(base, levels);
        let previous = -1;
        for (let change = 0, at = offset + 1; change < changes; change++, at += 2) {
          const other = vectors[at]!;
          const seen = vectors[at + 1]!;
          if (!(Number.isInteger(other) && other > previous && other < width)) throw misfit(record);
          if (!seenExists(index.chains, chain, other, seen)) throw unseen(record);
          root = trieSet(root, levels, other, seen);
          previous = other;
        }
        if (trieGet(root, levels, chain) !== position) throw misfit(record);
        if (width <= denseUpTo) index.keepFlat(Int32Array.from({ length: width }, (_, other) => trieGet(root, levels, other)), width);
        else index.keepWide(root, base === record ? -1 : base);
        offset += 1 + 2 * changes;
      }
      index.chains[chain]!.push(record);
      index.chainOf.push(chain);
      index.positionOf.push(position);
      index.width.push(width);
    }
    if (offset !== vectors.length) throw new RangeError('the vectors do not add up');
    if (asTheyAre && vectors.length > 0) {
      index.vectors = vectors;
      index.used = vectors.length;
    }
    return index;
  }

  /** Adds a record whose parents (by index) are already in the index; returns its index. */
  add(parents: readonly number[]): number {
    const index = this.chainOf.length;
    let width = 0;
    // The parent added last: the one whose vector this one is likely nearest to (it saw the most).
    let newest = -1;
    for (const parent of parents) {
      width = Math.max(width, this.width[parent]!);
      newest = Math.max(newest, parent);
    }
    // Continuing a parent's chain when the parent is its tip (the usual case).
    let chain = -1;
    for (const parent of parents) {
      const candidate = this.chainOf[parent]!;
      if (this.chains[candidate]!.length - 1 === this.positionOf[parent]) {
        chain = candidate;
        break;
      }
    }
    if (width > this.denseUpTo) return this.addWide(parents, width, newest, chain);
    // Merged in a scratch vector, then copied once at its final width.
    const vectors = this.vectors;
    const vector = this.scratch;
    vector.fill(-1, 0, width);
    for (const parent of parents) {
      const from = this.start[parent]!;
      const parentWidth = this.width[parent]!;
      for (let chain = 0; chain < parentWidth; chain++) if (vectors[from + chain]! > vector[chain]!) vector[chain] = vectors[from + chain]!;
    }
    // Otherwise any chain whose tip is in our past.
    for (let candidate = 0; chain < 0 && candidate < width; candidate++) {
      if (vector[candidate] === this.chains[candidate]!.length - 1 && vector[candidate]! >= 0) chain = candidate;
    }
    let stored = width;
    if (chain < 0) {
      chain = this.chains.length;
      this.chains.push([]);
      stored = chain + 1;
    }
    const position = this.chains[chain]!.length;
    this.chains[chain]!.push(index);
    this.chainOf.push(chain);
    this.positionOf.push(position);
    this.width.push(stored);
    if (stored > this.denseUpTo) {
      // A new chain past the bound: this record's vector is the first wide one of its line.
      const levels = levelsFor(stored);
      this.keepWide(trieSet(trieFrom(vector, width, levels), levels, chain, position), newest);
      return index;
    }
    vector.fill(-1, width, stored);
    vector[chain] = position;
    this.keepFlat(vector, stored);
    return index;
  }

  /** add for a record with a wide parent: its vector shares all but what it changes with its newest parent's. */
  private addWide(parents: readonly number[], width: number, newest: number, continued: number): number {
    const index = this.chainOf.length;
    let levels = levelsFor(width);
    let root = this.trieOf(newest, levels);
    for (const parent of parents) if (parent !== newest) root = trieMax(root, this.trieOf(parent, levels), levels);
    let chain = continued;
    if (chain < 0) {
      // Any chain whose tip is in our past.
      trieDifferences(null, root, levels, (candidate, _, seen) => {
        if (seen !== this.chains[candidate]!.length - 1) return true;
        chain = candidate;
        return false;
      });
    }
    let stored = width;
    if (chain < 0) {
      chain = this.chains.length;
      this.chains.push([]);
      stored = chain + 1;
      root = trieLift(root, levels, levelsFor(stored));
      levels = levelsFor(stored);
    }
    const position = this.chains[chain]!.length;
    this.chains[chain]!.push(index);
    this.chainOf.push(chain);
    this.positionOf.push(position);
    this.width.push(stored);
    this.keepWide(trieSet(root, levels, chain, position), newest);
    return index;
  }

  /** Appends the next record's flat vector, the first `width` of `entries`. */
  private keepFlat(entries: ArrayLike<number>, width: number): void {
    if (this.used + width > this.vectors.length) {
      const grown = new Int32Array(Math.max(2 * this.vectors.length, this.used + width));
      grown.set(this.vectors.subarray(0, this.used));
      this.vectors = grown;
    }
    for (let at = 0, to = this.used; at < width; at++, to++) this.vectors[to] = entries[at]!;
    this.start.push(this.used);
    this.used += width;
  }

  /** Keeps the next record's persistent vector, and the record it was built on (-1: none) for parts. */
  private keepWide(root: Trie | null, base: number): void {
    this.start.push(-1 - this.wide.length);
    this.wide.push(root);
    this.wideBase.push(base);
  }

  /** Record `record`'s vector as a persistent one of `levels` (at least its own). */
  private trieOf(record: number, levels: number): Trie | null {
    const width = this.width[record]!;
    const start = this.start[record]!;
    const own = levelsFor(width);
    const root = start >= 0 ? trieFrom(this.vectors.subarray(start, start + width), width, own) : this.wide[-1 - start]!;
    return trieLift(root, own, levels);
  }

  /** Bytes the vectors take in memory: the flat ones' array and the persistent ones' nodes (an estimate, for tests). */
  vectorBytes(): number {
    return this.vectors.byteLength + trieBytes(this.wide);
  }

  /** Takes back the last `add` (a record judged in a dry run and not kept). It must not have been marked. */
  removeLast(): void {
    const chain = this.chainOf.pop();
    if (chain === undefined) return;
    this.positionOf.pop();
    this.chains[chain]!.pop();
    if (chain === this.chains.length - 1 && this.chains[chain]!.length === 0) this.chains.pop();
    this.width.pop();
    const start = this.start.pop()!;
    if (start >= 0) this.used = start;
    else {
      this.wide.pop();
      this.wideBase.pop();
    }
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
    if (startA < 0 || startB < 0) {
      const levels = levelsFor(Math.max(widthA, widthB));
      return trieDifferences(this.trieOf(a, levels), this.trieOf(b, levels), levels, (chain, seenA, seenB) => chain === own && seenA === seenB - 1);
    }
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
    return this.seenBy(b, this.chainOf[a]!) >= this.positionOf[a]!;
  }

  /**
   * Marks a record as one that markedUnseenBy should list, among the marks of `kind` (the fold keeps the records
   * that change views apart from device revocations, which it only asks whether a view missed). Marks are kept
   * per chain in position order, so a record is marked while it is the newest of its chain (as it is taken in)
   * or its chain's list is searched.
   */
  mark(index: number, kind = 0): void {
    const chain = this.chainOf[index]!;
    const marked = (this.marked[kind] ??= []);
    let list = marked[chain];
    if (list === undefined) {
      marked[chain] = list = [];
      const chains = (this.markedChains[kind] ??= []);
      let at = chains.length;
      while (at > 0 && chains[at - 1]! > chain) at--;
      chains.splice(at, 0, chain);
    }
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
  unmark(index: number, kind = 0): void {
    const list = this.marked[kind]?.[this.chainOf[index]!];
    const at = list === undefined ? -1 : list.indexOf(index);
    if (at < 0) return;
    list!.splice(at, 1);
    this.markVersion++;
  }

  /** Record `index`'s position on its chain: `a` is in past*(b) when seenBy(b, chain(a)) is at least this. */
  position(index: number): number {
    return this.positionOf[index]!;
  }

  /** Newest position of `chain` in past*(b), or -1. */
  seenBy(b: number, chain: number): number {
    if (chain >= this.width[b]!) return -1;
    const start = this.start[b]!;
    return start >= 0 ? this.vectors[start + chain]! : trieGet(this.wide[-1 - start]!, levelsFor(this.width[b]!), chain);
  }

  /** The records marked as `kind` that are not in past*(b): per chain, the marks past b's vector entry. One step per chain with marks plus one per result. */
  markedUnseenBy(b: number, kind = 0): number[] {
    const unseen: number[] = [];
    for (const chain of this.markedChains[kind] ?? []) {
      const list = this.marked[kind]![chain]!;
      const seen = this.seenBy(b, chain);
      for (let at = list.length - 1; at >= 0 && this.positionOf[list[at]!]! > seen; at--) unseen.push(list[at]!);
    }
    return unseen;
  }

  /** Whether some record marked as `kind` is not in past*(b): markedUnseenBy's answer is not empty, without listing it. */
  missesMarked(b: number, kind = 0): boolean {
    for (const chain of this.markedChains[kind] ?? []) {
      const list = this.marked[kind]![chain]!;
      if (list.length > 0 && this.positionOf[list[list.length - 1]!]! > this.seenBy(b, chain)) return true;
    }
    return false;
  }

  /**
   * Calls `visit` with each chain that has a record in past*(b), in order, until it returns true (then true).
   * Gives up, returning null, before visiting more than `limit` chains; false when none returned true.
   */
  someSeenChain(b: number, limit: number, visit: (chain: number) => boolean): boolean | null {
    const width = this.width[b]!;
    const start = this.start[b]!;
    let visited = 0;
    if (start >= 0) {
      for (let chain = 0; chain < width; chain++) {
        if (this.vectors[start + chain]! < 0) continue;
        if (++visited > limit) return null;
        if (visit(chain)) return true;
      }
      return false;
    }
    let found: boolean | null = false;
    trieDifferences(null, this.wide[-1 - start]!, levelsFor(width), (chain) => {
      if (++visited > limit) found = null;
      else if (visit(chain)) found = true;
      return found === false;
    });
    return found;
  }
}

/** For fromParts: may a vector of a record on `chain` say it saw `seen` of chain `other` (its own place is checked apart)? */
function seenExists(chains: readonly number[][], chain: number, other: number, seen: number): boolean {
  return Number.isInteger(seen) && (other === chain || (seen >= -1 && seen < chains[other]!.length));
}

function misfit(record: number): RangeError {
  return new RangeError(`record ${record} has a vector that does not fit`);
}

function unseen(record: number): RangeError {
  return new RangeError(`record ${record} has seen a record that does not exist`);
}
