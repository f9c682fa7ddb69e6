// Vectors of small integers that share what they have in common: a 16-way trie whose updates copy only the path
// they change, so a vector one entry apart from another costs a leaf and a path (under a kilobyte at 60,000
// entries), not a copy of the whole. The causal index keeps wide vectors this way (causal-index.ts): after a member wrote
// K records none of which saw the others, every later vector is K wide but differs from its parent's in a few
// entries. Every entry not set is -1 ("nothing of that chain seen"); a missing child stands for a subtree of -1s.
//
// A vector has no length of its own: the caller keeps its width and passes `levels` (levelsFor(width)), the
// inner levels above the leaves. Nothing here changes a node once built, so any node may be shared.

const bits = 4;
const fanout = 1 << bits;
const mask = fanout - 1;

/** Small integers in a plain array: V8 keeps them unboxed, and a 16-entry array costs less than a typed array's object and buffer. */
type Leaf = number[];
type Inner = (Trie | null)[];
/** A vector's root: a leaf when it is at most 16 wide, else an inner node; null when every entry is -1. */
export type Trie = Leaf | Inner;

const emptyLeaf: Leaf = Array.from({ length: fanout }, () => -1);
const emptyInner: Inner = Array.from({ length: fanout }, () => null);

/** Inner levels a vector of `width` entries needs above its leaves. */
export function levelsFor(width: number): number {
  let levels = 0;
  for (let capacity = fanout; capacity < width; capacity *= fanout) levels++;
  return levels;
}

/** The entry at `at` (-1 when it was never set). */
export function trieGet(root: Trie | null, levels: number, at: number): number {
  let node = root;
  for (let level = levels; level > 0; level--) {
    if (node === null) return -1;
    node = (node as Inner)[(at >>> (bits * level)) & mask]!;
  }
  return node === null ? -1 : (node as Leaf)[at & mask]!;
}

/** A vector like `root` with entry `at` set to `value`: the path to it copied, everything else shared. */
export function trieSet(root: Trie | null, levels: number, at: number, value: number): Trie {
  if (levels === 0) {
    const leaf = root === null ? emptyLeaf.slice() : (root as Leaf).slice();
    leaf[at & mask] = value;
    return leaf;
  }
  const inner = root === null ? emptyInner.slice() : (root as Inner).slice();
  const slot = (at >>> (bits * levels)) & mask;
  inner[slot] = trieSet(inner[slot]!, levels - 1, at, value);
  return inner;
}

/** `root` (of `from` levels) as a vector of `to` levels: the same entries, under new inner nodes. */
export function trieLift(root: Trie | null, from: number, to: number): Trie | null {
  let lifted = root;
  for (let level = from; level < to && lifted !== null; level++) {
    const inner = emptyInner.slice();
    inner[0] = lifted;
    lifted = inner;
  }
  return lifted;
}

/** The entrywise maximum of two vectors of the same `levels`: either of them when it is that already, so equal parts stay shared. */
export function trieMax(a: Trie | null, b: Trie | null, levels: number): Trie | null {
  if (a === b || b === null) return a;
  if (a === null) return b;
  if (levels === 0) {
    const left = a as Leaf;
    const right = b as Leaf;
    let aCovers = true;
    let bCovers = true;
    for (let i = 0; i < fanout; i++) {
      if (left[i]! < right[i]!) aCovers = false;
      else if (left[i]! > right[i]!) bCovers = false;
    }
    if (aCovers) return a;
    if (bCovers) return b;
    const leaf = left.slice();
    for (let i = 0; i < fanout; i++) if (right[i]! > leaf[i]!) leaf[i] = right[i]!;
    return leaf;
  }
  const left = a as Inner;
  const right = b as Inner;
  let merged: Inner | null = null;
  let fromB = true;
  for (let slot = 0; slot < fanout; slot++) {
    const child = trieMax(left[slot]!, right[slot]!, levels - 1);
    if (child !== right[slot]) fromB = false;
    if (child !== left[slot]) (merged ??= left.slice())[slot] = child;
  }
  if (merged === null) return a;
  return fromB ? b : merged;
}

/** A vector of the first `width` entries of `values`, built bottom up: a leaf per 16 entries that are not all -1, then the nodes above. */
export function trieFrom(values: ArrayLike<number>, width: number, levels: number): Trie | null {
  let nodes: (Trie | null)[] = [];
  for (let at = 0; at < width; at += fanout) {
    let leaf: Leaf | null = null;
    for (let i = 0; i < fanout && at + i < width; i++) if (values[at + i] !== -1) (leaf ??= emptyLeaf.slice())[i] = values[at + i]!;
    nodes.push(leaf);
  }
  for (let level = 0; level < levels; level++) {
    const above: (Trie | null)[] = [];
    for (let at = 0; at < nodes.length; at += fanout) {
      let inner: Inner | null = null;
      for (let i = 0; i < fanout && at + i < nodes.length; i++) if (nodes[at + i] !== null) (inner ??= emptyInner.slice())[i] = nodes[at + i]!;
      above.push(inner);
    }
    nodes = above;
  }
  return nodes[0] ?? null;
}

/**
 * Calls `visit(at, inA, inB)` for every entry where two vectors of the same `levels` differ, in increasing
 * order, skipping the parts they share; stops when `visit` returns false, and then returns false.
 */
export function trieDifferences(a: Trie | null, b: Trie | null, levels: number, visit: (at: number, inA: number, inB: number) => boolean, offset = 0): boolean {
  if (a === b) return true;
  if (levels === 0) {
    const left = (a ?? emptyLeaf) as Leaf;
    const right = (b ?? emptyLeaf) as Leaf;
    for (let i = 0; i < fanout; i++) if (left[i] !== right[i] && !visit(offset + i, left[i]!, right[i]!)) return false;
    return true;
  }
  const left = (a ?? emptyInner) as Inner;
  const right = (b ?? emptyInner) as Inner;
  const span = fanout ** levels;
  for (let slot = 0; slot < fanout; slot++) {
    if (!trieDifferences(left[slot]!, right[slot]!, levels - 1, visit, offset + slot * span)) return false;
  }
  return true;
}

/** Bytes the nodes reachable from `roots` take, each counted once (an estimate for tests): 8 bytes an entry or child, plus headers. */
export function trieBytes(roots: Iterable<Trie | null>): number {
  const seen = new Set<Trie>();
  let bytes = 0;
  const walk = (node: Trie | null): void => {
    if (node === null || seen.has(node)) return;
    seen.add(node);
    bytes += node.length * 8 + 48;
    if (typeof node[0] !== 'number') for (const child of node as Inner) walk(child);
  };
  for (const root of roots) walk(root);
  return bytes;
}
